// One click on an invitation, as a user makes it: accept, decline, withdraw, send with a note.
// Each is checked where it matters: the popup (progress, then the result), the badge, the stored
// stored lists, and the emulator, which must have received the request exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, fullName, linkup, newestFirst, personOf, storedAccount, unipile } from './lib/e2e-scenario.mjs';
import { screenshot, storedLists, waitForBadge } from './lib/extension.mjs';

const session = freshEmulatorAndBrowser();

const RECEIVED = linkup.account.received.length;

async function popupWith(accounts, badge) {
  await session.browser.worker.evaluate((list) => chrome.storage.local.set({ accounts: list }), accounts);
  await waitForBadge(session.browser.worker, badge);
  const popup = await session.browser.openPopup();
  await popup.getByRole('status').filter({ hasText: 'Up to date' }).waitFor();
  return popup;
}

const row = (popup, name) => popup.getByRole('listitem').filter({ hasText: name });
const snapshot = () => storedLists(session.browser.worker);
const namesIn = (list) => list.map((invitation) => invitation.person.name);

/** The LinkUp calls of one action (`accept`, `invite` …) the emulator saw. */
async function linkupCalls(action) {
  return (await session.emulator.requests()).filter((request) => request.body?.action === action);
}

test('Accept connects, shows "Accepted", and the badge and the stored list drop the invitation', async () => {
  const popup = await popupWith([storedAccount(linkup, session.emulator.url)], String(RECEIVED));
  const amara = row(popup, 'Amara Okafor');
  await amara.getByRole('button', { name: 'Accept' }).click();
  await amara.getByText('Accepted', { exact: true }).waitFor();
  await popup.getByRole('status').filter({ hasText: 'Accepted: Amara Okafor.' }).waitFor();
  await waitForBadge(session.browser.worker, String(RECEIVED - 1));
  assert.equal((await popup.getByRole('tab', { name: 'Received' }).textContent()).trim(), `Received ${RECEIVED - 1}`);
  assert.equal(await amara.getByRole('button', { name: 'Accept' }).count(), 0, 'no second accept');
  assert.ok(!namesIn((await snapshot()).received).includes('Amara Okafor'));
  const state = await session.emulator.account(linkup.account.account_id);
  assert.equal(state.received, RECEIVED - 1);
  assert.equal(state.connections, 1);
  assert.equal((await linkupCalls('accept')).length, 1, 'accepted once');
  await screenshot(popup, 'popup-accepted');

  const reopened = await session.browser.openPopup();
  await reopened.waitForFunction((n) => document.querySelectorAll('#list > li').length === n, RECEIVED - 1);
  assert.equal(await row(reopened, 'Amara Okafor').count(), 0);
});

test('Decline removes the invitation without connecting', async () => {
  const popup = await popupWith([storedAccount(linkup, session.emulator.url)], String(RECEIVED));
  const ken = row(popup, fullName(personOf('ken-sato-tokyo')));
  await ken.getByRole('button', { name: 'Decline' }).click();
  await ken.getByText('Declined', { exact: true }).waitFor();
  await waitForBadge(session.browser.worker, String(RECEIVED - 1));
  const state = await session.emulator.account(linkup.account.account_id);
  assert.equal(state.received, RECEIVED - 1);
  assert.equal(state.connections, 0);
});

test('Withdraw takes back a sent invitation', async () => {
  const popup = await popupWith([storedAccount(linkup, session.emulator.url)], String(RECEIVED));
  await popup.getByRole('tab', { name: 'Sent' }).click();
  const newest = fullName(newestFirst(linkup.account.sent)[0]);
  const item = row(popup, newest);
  await item.getByRole('button', { name: 'Withdraw' }).click();
  await item.getByText('Withdrawn', { exact: true }).waitFor();
  const sent = linkup.account.sent.length;
  assert.equal((await popup.getByRole('tab', { name: 'Sent' }).textContent()).trim(), `Sent ${sent - 1}`);
  assert.equal((await session.emulator.account(linkup.account.account_id)).sent, sent - 1);
  assert.ok(!namesIn((await snapshot()).sent).includes(newest));
});

test('an invitation sent from a profile URL with a note reaches the provider once and joins the Sent list', async () => {
  const popup = await popupWith([storedAccount(linkup, session.emulator.url)], String(RECEIVED));
  await popup.getByRole('tab', { name: 'Invite' }).click();
  await popup.getByText('On a free plan LinkedIn allows 5 invitations with a note a month.').waitFor();
  const note = 'Hi Elena, I enjoyed your talk on forecasting at PyData. Would love to connect!';
  await popup.getByLabel('Profile URL', { exact: true }).fill('https://www.linkedin.com/in/elena-petrova/');
  await popup.getByLabel('Note', { exact: true }).fill(note);
  assert.equal(await popup.locator('#note-count').textContent(), `${note.length} of 300 characters`);
  await screenshot(popup, 'popup-invite');
  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Send invitation' }).click();
  await popup.getByRole('status').filter({ hasText: 'Invitation sent to Elena Petrova.' }).waitFor();
  assert.equal(await popup.getByLabel('Profile URL', { exact: true }).inputValue(), '', 'the form is ready for the next one');

  const invites = await linkupCalls('invite');
  assert.equal(invites.length, 1);
  assert.equal(invites[0].body.params.message, note);
  const sent = linkup.account.sent.length + 1;
  assert.equal((await session.emulator.account(linkup.account.account_id)).sent, sent);
  await popup.getByRole('tab', { name: 'Sent' }).click();
  await popup.waitForFunction((n) => document.querySelectorAll('#list > li').length === n, sent);
  assert.equal((await popup.getByRole('tab', { name: 'Sent' }).textContent()).trim(), `Sent ${sent}`);
  await row(popup, 'Elena Petrova').waitFor();
});

test('a note over 300 characters or a profile that is not LinkedIn is refused before any request', async () => {
  const popup = await popupWith([storedAccount(linkup, session.emulator.url)], String(RECEIVED));
  await popup.getByRole('tab', { name: 'Invite' }).click();
  await session.emulator.clearRequests();
  await popup.getByLabel('Profile URL', { exact: true }).fill('https://www.linkedin.com/in/elena-petrova/');
  await popup.getByLabel('Note', { exact: true }).fill('x'.repeat(301));
  assert.equal(await popup.locator('#note-count').textContent(), '301 of 300 characters');
  await popup.getByRole('button', { name: 'Send invitation' }).click();
  const alert = popup.getByRole('alert').filter({ hasText: 'Note is not valid.' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /at most 300 characters; this one has 301/);
  assert.equal(await popup.getByLabel('Note', { exact: true }).getAttribute('aria-invalid'), 'true');

  await popup.getByLabel('Note', { exact: true }).fill('');
  await popup.getByLabel('Profile URL', { exact: true }).fill('https://evil.example/in/elena');
  await popup.getByRole('button', { name: 'Send invitation' }).click();
  await popup.getByRole('alert').filter({ hasText: 'Profile URL is not valid.' }).waitFor();
  assert.deepEqual(await session.emulator.requests(), [], 'nothing was sent');
});

test('an action still completes when the popup is closed while it runs', async () => {
  const popup = await popupWith([storedAccount(unipile, session.emulator.url)], String(unipile.account.received.length));
  await session.emulator.latency({ method: 'POST', path_prefix: `/v2/${unipile.account.account_id}/`, ms: 2500 });
  const fatima = row(popup, 'Fatima Zahra El Idrissi');
  await fatima.getByRole('button', { name: 'Accept' }).click();
  await fatima.getByRole('button', { name: 'Accepting…' }).waitFor();
  await popup.close();

  await waitForBadge(session.browser.worker, String(unipile.account.received.length - 1));
  assert.ok(!namesIn((await snapshot()).received).includes('Fatima Zahra El Idrissi'));
  const state = await session.emulator.account(unipile.account.account_id);
  assert.equal(state.connections, 1);
  const accepts = (await session.emulator.requests()).filter((request) => request.path.endsWith('/accept'));
  assert.equal(accepts.length, 1, 'sent once');
});

test('a refused action says why and what to do, and leaves the invitation to try again', async () => {
  const popup = await popupWith([storedAccount(unipile, session.emulator.url)], String(unipile.account.received.length));
  await session.emulator.fault({
    method: 'POST',
    path_prefix: `/v2/${unipile.account.account_id}/users/me/relation-requests/`,
    times: 1,
    response: {
      status: 429,
      headers: { 'retry-after': '30' },
      body: { object: 'Error', status: 429, type: 'api/too_many_requests', title: 'Too many requests' },
    },
  });
  const fatima = row(popup, 'Fatima Zahra El Idrissi');
  await fatima.getByRole('button', { name: 'Accept' }).click();
  const alert = fatima.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /^Too many requests were sent to the provider\. .*Wait 30 seconds and try again\.$/);
  const retry = fatima.getByRole('button', { name: 'Accept' });
  assert.ok(await retry.isEnabled());
  assert.equal(await session.browser.worker.evaluate(() => chrome.action.getBadgeText({})),
    String(unipile.account.received.length), 'nothing changed');
  await retry.click();
  await fatima.getByText('Accepted', { exact: true }).waitFor();
});
