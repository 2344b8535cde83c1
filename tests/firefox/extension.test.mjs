// Invite Desk in real Firefox (Debian's firefox-esr), as a person uses it: an account added on
// the options page with the host permission Firefox leaves to the user (refused, then
// allowed), a rejected key, the badge, the popup's lists, accept, an invitation with a note,
// the popup asking for access to a provider, a bulk job that goes on after Firefox stops the
// idle background page, the automatic withdraw rule and a daily cap, and notifications (allowed
// from Options, without buttons in Firefox, a click opening the list). The emulator checks what
// reached the provider.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { fullName, linkup, personOf } from '../e2e/lib/e2e-scenario.mjs';
import { scenarioPath, startEmulator } from '../e2e/lib/emulator.mjs';
import { fireAndWait, runJobsUntil, testClock } from '../e2e/lib/clock.mjs';
import { By, launchFirefox, until } from './lib/firefox.mjs';

const RECEIVED = linkup.account.received.length;

let emulator;
let firefox;

afterEach(async () => {
  await firefox?.quit();
  await emulator?.stop();
  firefox = null;
  emulator = null;
});

async function start(scenarioName = 'e2e.json', preferences = {}) {
  emulator = await startEmulator(scenarioName);
  firefox = await launchFirefox(undefined, preferences);
}

const byText = (css, text) => By.xpath(`//${css}[contains(normalize-space(.), ${JSON.stringify(text)})]`);

/** The text of the first element `locator` finds, once it says something, trimmed; the popup repaints, so it is found again each time. */
function textOf(locator) {
  return until(async () => {
    const [element] = await firefox.driver.findElements(locator);
    return (await element?.getText().catch(() => ''))?.trim();
  }, `text in ${locator}`);
}

/** Clicks what `locator` finds, found again if the popup repainted it meanwhile. */
function click(locator) {
  return until(async () => {
    const [element] = await firefox.driver.findElements(locator);
    return element?.click().then(() => true, (error) => {
      if (error.name !== 'StaleElementReferenceError') throw error;
      return false;
    });
  }, `a click on ${locator}`);
}

async function fill(id, value) {
  const input = await firefox.driver.findElement(By.id(id));
  await input.clear();
  await input.sendKeys(value);
}

const badge = () => firefox.inPage('return browser.action.getBadgeText({});');
const waitForBadge = (expected) => until(async () => (await badge()) === expected, `the badge to show "${expected}"`);
const stored = (key) => firefox.inPage('return (await browser.storage.local.get(args[0]))[args[0]];', key);

function account(key, accountId, plan, overrides = {}) {
  return {
    id: 'work', label: 'Work', provider: key.provider, api_key: key.api_key,
    account_id: accountId, base_url: emulator.url, plan, ...overrides,
  };
}

/** Stores accounts and settings from an extension page, as the options page would. */
async function storeAccounts(accounts, settings = {}) {
  await firefox.open('options.html');
  await firefox.inPage('await browser.storage.local.set({ accounts: args[0], settings: args[1] });', accounts, settings);
}

/**
 * Opens the popup, where the account's banner asks for access to the emulator's address, and
 * allows it: the worker then reads the lists, and the popup paints them.
 */
async function popupAllowingAccess() {
  await firefox.open('popup.html');
  assert.match(await textOf(By.css('#banners .banner')), /cannot reach this address without your permission/);
  assert.equal(await badge(), '!', 'the badge asks for the person');
  await click(byText('button', 'Allow access'));
  const named = await firefox.answerPermissionPrompt(true);
  assert.ok(named.some((host) => host.includes('127.0.0.1')), `the prompt names the emulator's host: ${named}`);
  await until(async () => (await firefox.driver.findElements(By.css('#banners .banner'))).length === 0, 'the banner to go');
}

const rows = async () => Promise.all((await firefox.driver.findElements(By.css('#list > li'))).map((li) => li.getText()));

test('an account added in Options asks Firefox for its address: refused, then a rejected key, then saved and counted on the badge', async () => {
  await start();
  await firefox.open('options.html');
  await textOf(byText('p', 'No account is set up yet.'));
  await fill('label', 'Sales');
  await fill('api-key', linkup.key.api_key);
  await fill('account-id', linkup.account.account_id);
  await fill('base-url', emulator.url);

  await click(By.id('save'));
  await firefox.answerPermissionPrompt(false);
  assert.match(await textOf(By.id('form-error')), /cannot reach this address without your permission/);
  assert.equal(await stored('accounts'), null, 'nothing saved');

  await fill('api-key', 'lk_revoked_or_mistyped');
  await click(By.id('test'));
  await firefox.answerPermissionPrompt(true);
  assert.match(await textOf(By.id('form-error')), /The API key was rejected/);
  assert.ok(!(await textOf(By.id('form-error'))).includes('lk_revoked_or_mistyped'), 'the key is not repeated');

  await fill('api-key', linkup.key.api_key);
  await click(By.id('save'));
  await until(async () => (await stored('accounts'))?.length === 1, 'the account to be saved');
  await waitForBadge(String(RECEIVED));
  assert.equal((await stored('accounts'))[0].label, 'Sales');
});

test('the popup asks for access, then lists, accepts and sends an invitation with a note', async () => {
  await start();
  await storeAccounts([account(linkup.key, linkup.account.account_id, linkup.account.plan)]);
  await popupAllowingAccess();
  await waitForBadge(String(RECEIVED));
  await until(async () => (await rows()).length === RECEIVED, `${RECEIVED} rows`);
  const names = linkup.account.received.map((invitation) => fullName(personOf(invitation.person)));
  const shown = await rows();
  for (const name of names) assert.ok(shown.some((row) => row.includes(name)), `${name} is listed`);

  await click(By.xpath(`//li[contains(., 'Amara Okafor')]//button[normalize-space(.) = 'Accept']`));
  await textOf(By.xpath(`//li[contains(., 'Amara Okafor')]//*[normalize-space(.) = 'Accepted']`));
  await waitForBadge(String(RECEIVED - 1));
  const state = await emulator.account(linkup.account.account_id);
  assert.deepEqual([state.received, state.connections], [RECEIVED - 1, 1]);

  await click(By.id('tab-invite'));
  const note = 'Hi Elena, I enjoyed your talk on forecasting. Would love to connect!';
  await fill('invite-profile', 'https://www.linkedin.com/in/elena-petrova/');
  await fill('invite-note', note);
  await emulator.clearRequests();
  await click(By.id('invite-send'));
  await until(async () => (await textOf(By.id('status'))).includes('Invitation sent to Elena Petrova.'), 'the send');
  const invites = (await emulator.requests()).filter((request) => request.body?.action === 'invite');
  assert.equal(invites.length, 1, 'sent once');
  assert.equal(invites[0].body.params.message, note);
});

test('Accept all goes on after Firefox stops the idle background page, each invitation accepted once', async () => {
  const bulk = JSON.parse(readFileSync(scenarioPath('bulk-ui.json'), 'utf8'));
  const linkupKey = bulk.keys.find((key) => key.provider === 'linkup');
  const work = linkupKey.accounts[0];
  const total = work.received.length;
  await start('bulk-ui.json');
  await storeAccounts([account(linkupKey, work.account_id, work.plan)]);
  await popupAllowingAccess();
  await waitForBadge(String(total));
  await until(async () => (await rows()).length === total, `${total} rows`);
  const clock = testClock(firefox.background, { emulator });

  await click(By.id('accept-all'));
  await click(By.xpath(`//dialog//button[normalize-space(.) = 'Accept ${total}']`));
  await until(async () => (await stored('jobs'))?.[0]?.progress?.done >= 1, 'the first acceptance');
  // The popup closes, as it does when the person clicks elsewhere, and the page goes idle.
  await firefox.driver.close();
  assert.equal(await firefox.stopBackground(), 'stopped');
  await firefox.open('options.html');
  const wakeUp = await firefox.background.alarm('jobs');
  assert.ok(wakeUp?.scheduledTime > Date.now(), 'the job set its wake-up before the page stopped');
  // Its wake-up, fired now rather than waited for, starts the page again.
  await clock.advanceTo(wakeUp.scheduledTime);
  await firefox.background.fire('jobs');
  await until(async () => (await firefox.backgroundState()) === 'running', 'the job to wake the background page');
  await clock.apply();

  const finished = await runJobsUntil(firefox.background, clock, async () => {
    const job = (await stored('jobs'))?.[0];
    return job?.state === 'finished' && job;
  }, 'finished job');
  assert.equal(finished.progress.done, total);
  const accepts = (await emulator.requests()).filter((request) => request.body?.action === 'accept');
  assert.equal(accepts.length, total, 'each accepted exactly once');
  assert.equal(new Set(accepts.map((request) => JSON.stringify(request.body.params))).size, total);
  await waitForBadge('');
});

test('the automatic withdraw rule keeps to its share a day, and a daily cap refuses a second invitation before any request', async () => {
  const bulk = JSON.parse(readFileSync(scenarioPath('bulk-ui.json'), 'utf8'));
  const linkupKey = bulk.keys.find((key) => key.provider === 'linkup');
  const work = linkupKey.accounts[0];
  await start('bulk-ui.json');
  const rule = { enabled: true, older_than_days: 10, per_day: 2 };
  await storeAccounts([account(linkupKey, work.account_id, work.plan, { auto_withdraw: rule })], { daily_cap_free: 1 });
  await popupAllowingAccess();
  const clock = testClock(firefox.background, { emulator });

  const withdrawals = async () => (await emulator.requests()).filter((request) => request.body?.action === 'withdraw' && request.status === 200);
  const waiting = await runJobsUntil(firefox.background, clock, async () => {
    const job = (await stored('jobs'))?.find((candidate) => candidate.automatic);
    return job?.reason?.code === 'limit_reached' && job;
  }, 'rule at its share for the day');
  assert.equal(waiting.progress.done, 2);
  assert.equal((await withdrawals()).length, 2, 'two today, no more');
  assert.match(await textOf(By.css('#jobs article')), /Sent invitations older than 10 days are withdrawn, at most 2 a day\./);

  await click(By.id('tab-invite'));
  await fill('invite-profile', 'https://www.linkedin.com/in/elena-petrova/');
  await click(By.id('invite-send'));
  await until(async () => (await textOf(By.id('status'))).includes('Invitation sent to Elena Petrova.'), 'the first send');
  await fill('invite-profile', 'https://www.linkedin.com/in/marco-bianchi/');
  await click(By.id('invite-send'));
  assert.match(await textOf(By.id('invite-error')), /1 of 1 invitations sent in the last 24 hours, this account's daily cap/);
  const invites = (await emulator.requests()).filter((request) => request.body?.action === 'invite');
  assert.equal(invites.length, 1, 'the second never left');
});

test('notifications, allowed from Options, tell of new invitations, and a click opens the list', async () => {
  // Headless Firefox on a machine with no notification service (the test machine) closes each
  // notification as soon as it is made: getAll() finds nothing a moment later, and onClosed says
  // the user closed it. Firefox's own alert window keeps it, as a desktop's service does.
  await start('e2e.json', { 'alerts.useSystemBackend': false });
  await storeAccounts([account(linkup.key, linkup.account.account_id, linkup.account.plan)]);
  await popupAllowingAccess();
  await waitForBadge(String(RECEIVED));
  // The list open in a tab is the popup open: what arrives is seen there. It closes.
  await firefox.driver.close();
  await firefox.driver.switchTo().window((await firefox.driver.getAllWindowHandles())[0]);
  const options = await firefox.open('options.html');
  await until(() => firefox.driver.findElement(By.id('notify-new')).isEnabled(), 'the switch to be ready');
  await click(By.id('notify-new'));
  await firefox.answerPermissionPrompt(true);
  await textOf(byText('p', 'Notifications are on.'));
  assert.equal((await stored('settings')).notify_new, true);

  const made = await emulator.linkedin(linkup.account.account_id, [{ arrive: { count: 2 } }]);
  const clock = testClock(firefox.background, { emulator });
  await clock.advance(16);
  await fireAndWait(firefox.background, clock, 'refresh', 'synced');
  // Firefox lists a notification a moment after its create call resolved.
  const shown = await until(async () => {
    const all = await firefox.inPage('return await browser.notifications.getAll();');
    return Object.keys(all).length > 0 && all;
  }, 'the notification');
  const notices = Object.keys(shown);
  assert.equal(notices.length, 1, 'one for the two');
  const [notice] = Object.values(shown);
  assert.equal(notice.title, '2 new invitations');
  assert.ok(notices[0].includes(made.changes[0].ids[0]), 'it is about the newest');
  assert.equal(notice.message.split(', ').length, 2, `it names both: ${notice.message}`);
  await waitForBadge(String(RECEIVED + 2));

  // A click on it opens the list: the popup where Firefox lets it open without a click on the
  // toolbar (ESR 140 does), else a tab.
  await firefox.inPage('const page = await browser.runtime.getBackgroundPage(); await page.noticeClicked(args[0]);', notices[0]);
  const list = await until(async () => {
    const contexts = await firefox.inPage('return await browser.runtime.getContexts({ contextTypes: ["POPUP", "TAB"] });');
    return contexts.find((context) => context.documentUrl.endsWith('/popup.html'));
  }, 'the list to open');
  assert.ok(['POPUP', 'TAB'].includes(list.contextType));
  await firefox.driver.switchTo().window(options);
  assert.deepEqual(await firefox.inPage('return Object.keys(await browser.notifications.getAll());'), []);
});
