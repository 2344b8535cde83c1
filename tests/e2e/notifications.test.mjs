// Notifications of new received invitations, turned on in Options as a person does, against the
// emulator: one notification for what a poll found, none again for the same invitations, none
// while the popup is open, and its Accept button accepts exactly its own invitation. Chromium
// shows notifications in its own message centre, which no automation clicks: the test calls the
// service worker's own click handlers, the functions the listeners call.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, linkup, popupUpToDate, storedAccount } from './lib/e2e-scenario.mjs';
import { screenshot, until, waitForBadge } from './lib/extension.mjs';
import { poll, readerPage, workerClock } from './lib/sync-events.mjs';

const session = freshEmulatorAndBrowser();
const RECEIVED = linkup.account.received.length;

const shownNotices = () =>
  session.browser.worker.evaluate(async () => Object.keys(await chrome.notifications.getAll()));

async function accepted() {
  return (await session.emulator.requests())
    .filter((request) => request.body?.action === 'accept' && request.status === 200)
    .map((request) => request.body.params.entity_urn);
}

test('turned on in Options, new invitations are announced once, and Accept accepts exactly its own', async () => {
  const account = storedAccount(linkup, session.emulator.url);
  const popup = await popupUpToDate(session, { accounts: [account], settings: {}, received: RECEIVED });
  await popup.close();

  const options = await session.browser.context.newPage();
  await options.goto(`chrome-extension://${session.browser.extensionId}/options.html`);
  await options.getByRole('checkbox', { name: 'Tell me when new invitations arrive' }).check();
  await options.getByText('Notifications are on.').waitFor();
  await screenshot(options, 'options-notifications-on');
  const { settings } = await session.browser.worker.evaluate(() => chrome.storage.local.get('settings'));
  assert.equal(settings.notify_new, true);
  await options.close();

  const reader = await readerPage(session.browser);
  const clock = workerClock(session.browser);
  const made = await session.emulator.linkedin(linkup.account.account_id, [{ arrive: { count: 3 } }]);
  const ids = made.changes[0].ids;
  await clock.advance(16);
  await poll(session.browser, clock, reader, account.id);
  const notices = await until(async () => {
    const shown = await shownNotices();
    return shown.length > 0 && shown;
  }, 'a notification');
  assert.equal(notices.length, 1, 'one notification for the three');
  await waitForBadge(session.browser.worker, String(RECEIVED + 3));

  // A poll that finds nothing new says nothing new.
  await session.browser.worker.evaluate((id) => chrome.notifications.clear(id), notices[0]);
  await clock.advance(16);
  await poll(session.browser, clock, reader, account.id);
  assert.deepEqual(await shownNotices(), []);

  // The second button: the second newest, and only it.
  await session.browser.worker.evaluate((id) => self.noticeButtonClicked(id, 1), notices[0]);
  await waitForBadge(session.browser.worker, String(RECEIVED + 2));
  const urns = await accepted();
  assert.equal(urns.length, 1);
  assert.ok(urns[0].endsWith(`:${ids[1]}`), `${urns[0]} is ${ids[1]}`);

  // With the popup open, what arrives is seen there.
  const open = await session.browser.openPopup();
  await open.getByRole('status').filter({ hasText: 'Up to date' }).waitFor();
  await session.emulator.linkedin(linkup.account.account_id, [{ arrive: {} }]);
  await clock.advance(16);
  await poll(session.browser, clock, reader, account.id);
  await waitForBadge(session.browser.worker, String(RECEIVED + 3));
  assert.deepEqual(await shownNotices(), []);
});

test('turning notifications off in Options stops them', async () => {
  const account = storedAccount(linkup, session.emulator.url);
  const popup = await popupUpToDate(session, {
    accounts: [account], settings: { notify_new: true }, received: RECEIVED,
  });
  await popup.close();
  const options = await session.browser.context.newPage();
  await options.goto(`chrome-extension://${session.browser.extensionId}/options.html`);
  const box = options.getByRole('checkbox', { name: 'Tell me when new invitations arrive' });
  await until(() => box.isChecked(), 'the switch showing what is stored');
  await box.uncheck();
  await options.getByText('Notifications are off.').waitFor();
  await options.close();

  const reader = await readerPage(session.browser);
  const clock = workerClock(session.browser);
  await session.emulator.linkedin(linkup.account.account_id, [{ arrive: {} }]);
  await clock.advance(16);
  await poll(session.browser, clock, reader, account.id);
  await waitForBadge(session.browser.worker, String(RECEIVED + 1));
  assert.deepEqual(await shownNotices(), []);
});
