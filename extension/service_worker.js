// Invite Desk service worker. Every listener is registered synchronously at the top level, as
// MV3 requires, and waits on the one wasm init promise; the backend in Rust does the work. No
// state lives here: the worker may be stopped at any moment.
import init, * as backend from './pkg/invite_desk.js';

// Each time the worker wakes, the badge the backend last stored goes up at once, without waiting
// for the module or the network: after a browser restart the icon is right from the start. The
// mark is what `./build.sh bench` reads as "badge set".
async function showStoredBadge() {
  const { badge } = await chrome.storage.local.get('badge');
  if (badge) {
    await Promise.all([
      chrome.action.setBadgeText({ text: badge.text }),
      chrome.action.setBadgeBackgroundColor({ color: badge.color }),
      chrome.action.setTitle({ title: badge.title }),
    ]);
  }
  performance.mark('invite-desk:badge-set');
}
showStoredBadge().catch(report);

// The marks are what `./build.sh bench` reads as the module's init.
performance.mark('invite-desk:module-start');
const ready = init({ module_or_path: new URL('./pkg/invite_desk_bg.wasm', import.meta.url) })
  .then(() => performance.mark('invite-desk:module-ready'));

// Errors from the backend are {code, message, next_step} objects that never hold a key.
function run(command, ...args) {
  return ready.then(() => command(...args));
}

function report(error) {
  console.warn('Invite Desk:', error?.code ?? 'error', error?.message ?? String(error));
}

// A notification's Accept button accepts its invitation (Chrome); a click on the notification
// itself opens the popup, or the list in a tab where the browser will not open it (Firefox).
// Each is a named function: the Chromium suite calls them, since no automation clicks a system
// notification.
function noticeButtonClicked(id, button) {
  return run(backend.notice_button, id, button);
}

async function noticeClicked(id) {
  await chrome.notifications.clear(id);
  await chrome.action.openPopup().catch(() => chrome.tabs.create({ url: chrome.runtime.getURL('popup.html') }));
}
// An alarm, named the same way: the Chromium suite fires one at once with it, where Chrome
// delivers an alarm due now about a second later.
function alarmFired(name) {
  return run(backend.on_alarm, name);
}
// The machine's idle state ("active", "idle", "locked"), named too: no automation locks a screen.
function presenceChanged(state) {
  return run(backend.presence_changed, state);
}
Object.assign(globalThis, { noticeButtonClicked, noticeClicked, alarmFired, presenceChanged });

// The notifications API exists once the person allowed it in Options: listened to at the top
// level when it does, else as soon as it is granted.
let listeningToNotices = false;
function listenToNotices() {
  if (listeningToNotices || !chrome.notifications) return;
  listeningToNotices = true;
  chrome.notifications.onButtonClicked?.addListener((id, button) => noticeButtonClicked(id, button).catch(report));
  chrome.notifications.onClicked.addListener((id) => noticeClicked(id).catch(report));
}
listenToNotices();

chrome.runtime.onInstalled.addListener(({ reason }) =>
  run(reason === 'update' ? backend.updated : backend.start).catch(report));
chrome.runtime.onStartup.addListener(() => run(backend.start).catch(report));
chrome.permissions.onAdded.addListener(() => {
  listenToNotices();
  run(backend.access_granted).catch(report);
});
chrome.alarms.onAlarm.addListener((alarm) => alarmFired(alarm.name).catch(report));
chrome.idle?.onStateChanged.addListener((state) => presenceChanged(state).catch(report));

chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local') return;
  if ('settings' in changes) run(backend.start).catch(report);
  else if ('accounts' in changes) run(backend.accounts_changed).catch(report);
});

// Intents come only from this extension's own pages, never from web pages or other extensions.
chrome.runtime.onMessage.addListener((intent, sender, respond) => {
  if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(self.location.origin + '/')) {
    return false;
  }
  run(backend.handle_intent, intent).then(
    (result) => respond({ ok: true, result }),
    (error) => respond({ ok: false, error }),
  );
  return true;
});
