// The first slice, end to end: an account stored in chrome.storage.local, the service worker's
// wasm backend fetching from the emulator, the badge and the popup a user sees.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import { startEmulator, scenarioPath } from './lib/emulator.mjs';
import { launchExtension, screenshot, waitForBadge } from './lib/extension.mjs';

// The oracle is the scenario itself, not the emulator or the extension.
const scenario = JSON.parse(readFileSync(scenarioPath('e2e.json'), 'utf8'));
const people = new Map(scenario.people.map((person) => [person.public_identifier, person]));
const e2eKey = scenario.keys.find((key) => key.api_key === 'lk_e2e_key');
const e2eAccount = e2eKey.accounts[0];
const fullName = (person) => [person.first_name, person.last_name].filter(Boolean).join(' ');
const receivedNewestFirst = [...e2eAccount.received]
  .sort((a, b) => a.days_ago - b.days_ago)
  .map((invitation) => people.get(invitation.person));

let emulator;
let browser;

beforeEach(async () => {
  emulator = await startEmulator('e2e.json');
  browser = await launchExtension();
});

afterEach(async () => {
  await browser?.close();
  await emulator?.stop();
});

function storeAccounts(accounts) {
  return browser.worker.evaluate((list) => chrome.storage.local.set({ accounts: list }), accounts);
}

const linkupAccount = (overrides = {}) => ({
  id: 'work',
  label: 'Work',
  provider: 'linkup',
  api_key: e2eKey.api_key,
  account_id: e2eAccount.account_id,
  base_url: emulator.url,
  plan: 'free',
  ...overrides,
});

test('the badge counts the pending received invitations the provider holds', async () => {
  await storeAccounts([linkupAccount()]);
  await waitForBadge(browser.worker, String(e2eAccount.received.length));
  const title = await browser.worker.evaluate(() => chrome.action.getTitle({}));
  assert.equal(title, `Invite Desk: ${e2eAccount.received.length} pending invitations`);
  const alarm = await browser.worker.evaluate(() => chrome.alarms.get('refresh'));
  assert.equal(alarm?.periodInMinutes, 15, 'the badge is kept fresh every 15 minutes by default');
});

test('the popup lists the same people, newest first, with headline and age', async () => {
  await storeAccounts([linkupAccount()]);
  await waitForBadge(browser.worker, String(e2eAccount.received.length));
  const popup = await browser.openPopup();

  const items = popup.getByRole('list', { name: /Received/ }).getByRole('listitem');
  await items.nth(receivedNewestFirst.length - 1).waitFor();
  assert.equal(await items.count(), receivedNewestFirst.length);
  assert.deepEqual(await items.locator('.name').allTextContents(), receivedNewestFirst.map(fullName));

  const first = items.first();
  assert.equal(await first.locator('.headline').textContent(), receivedNewestFirst[0].headline);
  await popup.waitForFunction(() => document.querySelector('.invitation .age')?.textContent !== '');
  assert.equal(await first.locator('.age').textContent(), 'today');
  const oldest = items.last();
  assert.match(await oldest.locator('.age').textContent(), /months? ago$/);

  const link = first.locator('a.name');
  assert.equal(await link.getAttribute('href'), `https://www.linkedin.com/in/${receivedNewestFirst[0].public_identifier}`);
  assert.equal(await popup.getByRole('heading', { name: /Received/ }).textContent(),
    `Received (${receivedNewestFirst.length})`);
  await popup.getByRole('status').filter({ hasText: 'Up to date' }).waitFor();
  await screenshot(popup, 'popup-received');
});

test('markup in a headline is shown as text, never run', async () => {
  const marked = receivedNewestFirst.find((person) => /[<&]/.test(person.headline ?? ''));
  assert.ok(marked, 'the e2e scenario holds a headline with markup');
  await storeAccounts([linkupAccount()]);
  const popup = await browser.openPopup();
  const item = popup.getByRole('listitem').filter({ hasText: fullName(marked) });
  assert.equal(await item.locator('.headline').textContent(), marked.headline);
  assert.equal(await popup.locator('.invitation .headline *').count(), 0, 'no element was parsed from provider text');
});

test('a rejected key turns the badge red and says what to do, without showing the key', async () => {
  const revokedKey = 'lk_revoked_e2e_0042';
  await storeAccounts([linkupAccount({ label: 'Old key', api_key: revokedKey })]);
  await waitForBadge(browser.worker, '!');
  const title = await browser.worker.evaluate(() => chrome.action.getTitle({}));
  assert.match(title, /Old key: The API key was rejected\./);

  const popup = await browser.openPopup();
  const alert = popup.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Old key: The API key was rejected\..*Check the API key in Options/);
  await popup.getByRole('status').filter({ hasText: 'Updated; 1 account has a problem' }).waitFor();
  await popup.getByText('Nothing to show until the problem above is solved.').waitFor();
  assert.ok(!(await popup.content()).includes(revokedKey), 'the key is not in the popup');
  const stored = await browser.worker.evaluate(() => chrome.storage.local.get('snapshot'));
  assert.ok(!JSON.stringify(stored).includes(revokedKey), 'the key is not in the snapshot');
  await screenshot(popup, 'popup-rejected-key');
});

test('with no account the popup says so instead of showing an empty list', async () => {
  const popup = await browser.openPopup();
  await popup.getByText('No account is set up yet.').waitFor();
  assert.equal(await popup.getByRole('listitem').count(), 0);
  assert.equal(await browser.worker.evaluate(() => chrome.action.getBadgeText({})), '');
});
