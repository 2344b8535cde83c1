// The popup and the badge as a user meets them: accounts stored in chrome.storage.local, the
// service worker's wasm backend fetching from the emulator, the badge, the tabs, the lists,
// search, sort, the banners and the empty states.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, fullName, linkup, newestFirst, personOf, storedAccount, unipile } from './lib/e2e-scenario.mjs';
import { screenshot, waitForBadge } from './lib/extension.mjs';

const session = freshEmulatorAndBrowser();

const storeAccounts = (accounts) =>
  session.browser.worker.evaluate((list) => chrome.storage.local.set({ accounts: list }), accounts);
const badgeTitle = () => session.browser.worker.evaluate(() => chrome.action.getTitle({}));
const names = (popup) => popup.getByRole('listitem').locator('.name').allTextContents();

/** Waits until the list shows `count` items, and returns the popup's list items. */
async function listed(popup, count) {
  const items = popup.getByRole('list').getByRole('listitem');
  await popup.waitForFunction((n) => document.querySelectorAll('#list > li').length === n, count);
  return items;
}

test('the badge counts the pending received invitations and is kept fresh every 15 minutes', async () => {
  await storeAccounts([storedAccount(linkup, session.emulator.url)]);
  const received = linkup.account.received.length;
  await waitForBadge(session.browser.worker, String(received));
  assert.equal(await badgeTitle(), `Invite Desk: ${received} pending invitations`);
  const alarm = await session.browser.worker.evaluate(() => chrome.alarms.get('refresh'));
  assert.equal(alarm?.periodInMinutes, 15);
  // What the worker shows at its next wake, before any network.
  const { badge } = await session.browser.worker.evaluate(() => chrome.storage.local.get('badge'));
  assert.deepEqual(badge, { text: String(received), color: '#0A66C2', title: await badgeTitle() });
});

test('the Received and Sent tabs list the people, newest first, with their counts', async () => {
  await storeAccounts([storedAccount(linkup, session.emulator.url)]);
  await waitForBadge(session.browser.worker, String(linkup.account.received.length));
  const popup = await session.browser.openPopup();
  const received = newestFirst(linkup.account.received);
  const sent = newestFirst(linkup.account.sent);

  const receivedTab = popup.getByRole('tab', { name: 'Received' });
  assert.equal(await receivedTab.getAttribute('aria-selected'), 'true');
  assert.equal((await receivedTab.textContent()).trim(), `Received ${received.length}`);
  assert.equal((await popup.getByRole('tab', { name: 'Sent' }).textContent()).trim(), `Sent ${sent.length}`);

  const items = await listed(popup, received.length);
  assert.deepEqual(await names(popup), received.map(fullName));
  const first = items.first();
  assert.equal(await first.locator('.headline').textContent(), received[0].headline);
  assert.equal(await first.locator('.note').count(), 0, "LinkUp's lists carry no note, so none is shown");
  await popup.waitForFunction(() => document.querySelector('#list .age')?.textContent !== '');
  assert.equal(await first.locator('.age').textContent(), 'today');
  assert.match(await items.last().locator('.age').textContent(), /months? ago$/);
  assert.equal(await first.getByRole('link').getAttribute('href'),
    `https://www.linkedin.com/in/${received[0].public_identifier}`);
  assert.equal(await first.getByRole('button', { name: 'Accept' }).count(), 1);
  assert.equal(await first.getByRole('button', { name: 'Decline' }).count(), 1);
  assert.equal(await first.locator('.account').count(), 0, 'one account: no account label');
  await popup.getByRole('status').filter({ hasText: 'Up to date' }).waitFor();
  await screenshot(popup, 'popup-received');

  await popup.getByRole('tab', { name: 'Sent' }).click();
  await listed(popup, sent.length);
  assert.deepEqual(await names(popup), sent.map(fullName));
  assert.equal(await popup.getByRole('list', { name: 'Sent invitations' }).count(), 1);
  assert.equal(await popup.getByRole('listitem').first().getByRole('button', { name: 'Withdraw' }).count(), 1);
  assert.equal(await popup.getByRole('button', { name: 'Accept' }).count(), 0);
  await screenshot(popup, 'popup-sent');
});

test('search narrows the list by name or headline, and sort puts the oldest first', async () => {
  await storeAccounts([storedAccount(linkup, session.emulator.url)]);
  await waitForBadge(session.browser.worker, String(linkup.account.received.length));
  const popup = await session.browser.openPopup();
  const received = newestFirst(linkup.account.received);
  await listed(popup, received.length);

  const search = popup.getByRole('searchbox', { name: 'Search' });
  await search.fill('okafor');
  await listed(popup, 1);
  assert.deepEqual(await names(popup), ['Amara Okafor']);
  await search.fill('PARTNERSHIPS');
  const byHeadline = received.filter((person) => /partnerships/i.test(person.headline));
  await listed(popup, byHeadline.length);
  assert.deepEqual(await names(popup), byHeadline.map(fullName));
  await search.fill('fernandez');
  await listed(popup, 1);
  assert.deepEqual(await names(popup), ['Santiago Fernández'], 'accents do not matter');
  await search.fill('nobody-is-called-this');
  await listed(popup, 0);
  await popup.getByText('No invitation matches “nobody-is-called-this”.').waitFor();

  await search.fill('');
  await popup.getByLabel('Sort by age').selectOption('oldest');
  await listed(popup, received.length);
  assert.deepEqual(await names(popup), received.map(fullName).reverse());
});

test('a LinkUp and a Unipile account together: one list, each row naming its account', async () => {
  await storeAccounts([storedAccount(linkup, session.emulator.url), storedAccount(unipile, session.emulator.url)]);
  const total = linkup.account.received.length + unipile.account.received.length;
  await waitForBadge(session.browser.worker, String(total));
  const popup = await session.browser.openPopup();
  const items = await listed(popup, total);
  const fatima = items.filter({ hasText: 'Fatima Zahra El Idrissi' });
  assert.equal(await fatima.locator('.account').textContent(), 'Recruiting');
  const amara = items.filter({ hasText: 'Amara Okafor' });
  assert.equal(await amara.locator('.account').textContent(), 'Work');
  const ages = await items.locator('time').evaluateAll((times) => times.map((time) => Date.parse(time.dateTime)));
  assert.deepEqual(ages, [...ages].sort((a, b) => b - a), 'both accounts merged newest first');
  await popup.getByRole('tab', { name: 'Sent' }).click();
  await listed(popup, linkup.account.sent.length + unipile.account.sent.length);
  assert.equal(await popup.getByRole('listitem').filter({ hasText: 'Lukáš Novák' }).locator('.account').textContent(),
    'Recruiting');
  await screenshot(popup, 'popup-two-accounts');
});

test('a name, headline or note holding HTML or script is shown as text, never run', async () => {
  await storeAccounts([storedAccount(unipile, session.emulator.url)]);
  await waitForBadge(session.browser.worker, String(unipile.account.received.length));
  const popup = await session.browser.openPopup();
  const dialogs = [];
  popup.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });
  const items = await listed(popup, unipile.account.received.length);
  const hostile = unipile.account.received[0];
  const person = personOf(hostile.person);
  const item = items.filter({ hasText: 'alert(' }).first();
  assert.equal(await item.locator('.name').textContent(), fullName(person));
  assert.equal(await item.locator('.headline').textContent(), person.headline);
  assert.equal(await item.locator('.note').textContent(), hostile.note);
  assert.equal(await popup.locator('#list img:not(.avatar), #list script, #list b, #list .headline a').count(), 0,
    'no element was parsed from provider text');
  assert.equal(await popup.title(), 'Invite Desk');
  assert.deepEqual(dialogs, []);
  await screenshot(popup, 'popup-hostile-text');
});

test('a rejected key shows a banner saying what to do and turns the badge red, never showing the key', async () => {
  const revokedKey = 'lk_revoked_e2e_0042';
  await storeAccounts([storedAccount(linkup, session.emulator.url, { label: 'Old key', api_key: revokedKey })]);
  await waitForBadge(session.browser.worker, '!');
  assert.match(await badgeTitle(), /Old key: The API key was rejected\./);
  const color = await session.browser.worker.evaluate(() => chrome.action.getBadgeBackgroundColor({}));
  assert.deepEqual(color, [217, 48, 37, 255], 'red');

  const popup = await session.browser.openPopup();
  const alert = popup.getByRole('alert').filter({ hasText: 'Old key' });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Old key: The API key was rejected\..*Check the API key in Options/);
  await alert.getByRole('button', { name: 'Open Options' }).waitFor();
  await popup.getByRole('status').filter({ hasText: 'Updated; 1 account has a problem' }).waitFor();
  await popup.getByText('Nothing to show until the problem above is solved.').waitFor();
  assert.ok(!(await popup.content()).includes(revokedKey), 'the key is not in the popup');
  const stored = await session.browser.worker.evaluate(() => chrome.storage.local.get(['snapshot', 'view']));
  assert.ok(!JSON.stringify(stored).includes(revokedKey), 'the key is not in the snapshot');
  await screenshot(popup, 'popup-rejected-key');
});

test('with no account the popup says so and leads to the options page', async () => {
  const popup = await session.browser.openPopup();
  await popup.getByText('No account is set up yet.').waitFor();
  assert.equal(await popup.getByRole('listitem').count(), 0);
  assert.equal(await session.browser.worker.evaluate(() => chrome.action.getBadgeText({})), '');
  const [options] = await Promise.all([
    session.browser.context.waitForEvent('page'),
    popup.getByRole('button', { name: 'Add an account in Options' }).click(),
  ]);
  // The URL is what tells: the page's own load may take its time on a busy machine.
  await options.waitForURL(/options\.html$/, { waitUntil: 'commit' });
  await screenshot(popup, 'popup-no-account');
});

test('the tabs, the list and its buttons work from the keyboard', async () => {
  await storeAccounts([storedAccount(linkup, session.emulator.url)]);
  await waitForBadge(session.browser.worker, String(linkup.account.received.length));
  const popup = await session.browser.openPopup();
  await listed(popup, linkup.account.received.length);
  await popup.getByRole('tab', { name: 'Received' }).focus();
  await popup.keyboard.press('ArrowRight');
  const sentTab = popup.getByRole('tab', { name: 'Sent' });
  assert.equal(await sentTab.getAttribute('aria-selected'), 'true');
  assert.ok(await sentTab.evaluate((tab) => tab === document.activeElement));
  await listed(popup, linkup.account.sent.length);
  await popup.keyboard.press('ArrowRight');
  await popup.getByRole('button', { name: 'Send invitation' }).waitFor();
  await popup.keyboard.press('Home');
  await listed(popup, linkup.account.received.length);
  // Tab from the tab list reaches the search field, then the sort, then the first row.
  await popup.keyboard.press('Tab');
  assert.ok(await popup.getByRole('searchbox', { name: 'Search' }).evaluate((el) => el === document.activeElement));
});
