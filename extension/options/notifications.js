// The notifications switch: turning it on asks the browser for the optional `notifications`
// permission from the click itself (Firefox shows its prompt only inside the gesture), then
// stores `settings.notify_new`, which the service worker reads. Turning it off gives the
// permission back.
import { $ } from '../lib/dom.js';
import { problemOf, showProblem } from '../lib/problem.js';
import { onLocalChange, plainObject, readLocal, writeLocal } from '../lib/storage.js';

const NOTIFICATIONS = { permissions: ['notifications'] };

async function shown(settings) {
  const allowed = await chrome.permissions.contains(NOTIFICATIONS).catch(() => false);
  $('notify-new').checked = settings.notify_new === true && allowed;
}

async function switched(box, allowing) {
  const on = box.checked;
  const status = $('notify-status');
  showProblem($('notify-error'), null);
  if (on && !(await allowing)) {
    box.checked = false;
    status.textContent = 'Notifications stay off: the browser was not allowed to show them. Turn them on again and choose “Allow”.';
    return;
  }
  try {
    const settings = plainObject((await readLocal('settings')).settings);
    await writeLocal({ settings: { ...settings, notify_new: on } });
  } catch (problem) {
    box.checked = !on;
    showProblem($('notify-error'), problemOf(problem));
    return;
  }
  status.textContent = on ? 'Notifications are on.' : 'Notifications are off.';
  // A permission given at install (the test builds) cannot be given back: nothing to do then.
  if (!on) chrome.permissions.remove(NOTIFICATIONS).catch(() => {});
}

export async function setUpNotifications() {
  const box = $('notify-new');
  box.addEventListener('change', () => {
    // Asked before any await, inside the click.
    const allowing = box.checked ? chrome.permissions.request(NOTIFICATIONS).catch(() => false) : null;
    switched(box, allowing);
  });
  onLocalChange(['settings'], (changes) => shown(plainObject(changes.settings.newValue)));
  await shown(plainObject((await readLocal('settings')).settings));
  // Until now a click would have changed the box and nothing else.
  box.disabled = false;
}
