// The options page, driven as a person would: adding, testing, editing and removing an account,
// by mouse and by keyboard, against the emulator. Asserts what is seen (roles, names, text) and
// what is stored, and that a key never shows up in the page, an alert or the console.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, test } from 'node:test';
import { startEmulator, scenarioPath } from './lib/emulator.mjs';
import { launchExtension, screenshot, until, waitForBadge } from './lib/extension.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('e2e.json'), 'utf8'));
const e2eKey = scenario.keys.find((key) => key.api_key === 'lk_e2e_key');
const e2eAccount = e2eKey.accounts[0];
const RECEIVED = e2eAccount.received.length;
/** What the account form stores when the automatic withdraw rule is left alone. */
const RULE_OFF = { enabled: false, older_than_days: 30, per_day: 40 };

let emulator;
let browser;
let consoleLines;

beforeEach(async () => {
  emulator = await startEmulator('e2e.json');
  browser = await launchExtension();
  consoleLines = [];
  browser.context.on('console', (message) => consoleLines.push(message.text()));
  browser.worker.on('console', (message) => consoleLines.push(message.text()));
});

afterEach(async () => {
  await browser?.close();
  await emulator?.stop();
});

async function openOptions() {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 760, height: 900 });
  page.on('pageerror', (error) => consoleLines.push(String(error)));
  await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
  return page;
}

const storedAccounts = async () =>
  (await browser.worker.evaluate(() => chrome.storage.local.get('accounts'))).accounts;

const storeAccounts = (accounts) =>
  browser.worker.evaluate((list) => chrome.storage.local.set({ accounts: list }), accounts);

const field = (page, name) => page.getByLabel(name, { exact: true });
const button = (page, name) => page.getByRole('button', { name, exact: true });
const isFocused = (locator) => locator.evaluate((element) => element === document.activeElement);
const statusSaying = (page, text) => page.getByRole('status').filter({ hasText: text });

async function fillAccount(page, { provider = 'linkup', label, apiKey, accountId, baseUrl, plan = 'free' }) {
  await field(page, 'Provider').selectOption(provider);
  await field(page, 'Label').fill(label);
  await field(page, 'API key').fill(apiKey);
  await field(page, 'Account ID').fill(accountId);
  await field(page, 'Base URL').fill(baseUrl);
  await field(page, 'LinkedIn plan').selectOption(plan);
}

/** Waits for the alert to say something, and returns what it says. */
async function alertText(page) {
  const alert = page.getByRole('alert');
  await page.waitForFunction(() => document.querySelector('[role="alert"]')?.textContent.trim());
  return alert.textContent();
}

test('an account added on the options page is tested, saved, and counted on the badge', async () => {
  const page = await openOptions();
  await page.getByText('No account is set up yet.').waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Add an account' }).count(), 1);

  await fillAccount(page, {
    label: 'Sales', apiKey: e2eKey.api_key, accountId: e2eAccount.account_id, baseUrl: emulator.url,
  });
  assert.equal(await field(page, 'API key').getAttribute('type'), 'password');
  const reveal = button(page, 'Show key');
  await reveal.click();
  assert.equal(await reveal.getAttribute('aria-pressed'), 'true');
  assert.equal(await field(page, 'API key').getAttribute('type'), 'text');
  await reveal.click();
  assert.equal(await field(page, 'API key').getAttribute('type'), 'password');

  // A slow provider shows the test in progress.
  await emulator.latency({ path_prefix: '/v2', ms: 1500 });
  await button(page, 'Test connection').click();
  const testing = button(page, 'Testing…');
  await testing.waitFor();
  assert.ok(await testing.isDisabled(), 'the test cannot be started twice');
  assert.equal(await page.locator('#account-form').getAttribute('aria-busy'), 'true');
  await statusSaying(page, `Connected: ${RECEIVED} pending received invitations.`).waitFor();
  assert.ok(await button(page, 'Test connection').isEnabled());
  assert.equal(await page.locator('#account-form').getAttribute('aria-busy'), 'false');
  await emulator.latency({ path_prefix: '/v2', ms: 0 });
  await screenshot(page, 'options-tested');

  await button(page, 'Save').click();
  await statusSaying(page, 'Saved.').waitFor();
  const [stored, ...others] = await storedAccounts();
  assert.equal(others.length, 0);
  assert.match(stored.id, /^[0-9a-f-]{36}$/, 'a new account gets a UUID');
  assert.deepEqual({ ...stored, id: undefined }, {
    id: undefined,
    label: 'Sales',
    provider: 'linkup',
    api_key: e2eKey.api_key,
    account_id: e2eAccount.account_id,
    base_url: emulator.url,
    plan: 'free',
    auto_withdraw: RULE_OFF,
  });
  await waitForBadge(browser.worker, String(RECEIVED));

  const item = page.getByRole('listitem').filter({ hasText: 'Sales' });
  assert.match(await item.textContent(), /LinkUp/);
  assert.match(await item.textContent(), new RegExp(e2eAccount.account_id));
  // What staying in sync costs: the credits left (free to ask) and a day at these settings.
  const cost = item.locator('.account-cost');
  await cost.filter({ hasText: /About \d+ credits a day at these settings/ }).waitFor();
  assert.match(await cost.textContent(), /^[\d,]+ credits left\. About 12\d credits a day at these settings with someone at this computer all day: 96 credits checking received invitations, 24 credits checking sent ones, \d credits? reading every list in full\./);
  assert.ok(await isFocused(button(page, 'Edit Sales')), 'focus lands on the saved account');
  assert.ok(!(await page.locator('body').textContent()).includes(e2eKey.api_key), 'the key is not in the page text');
  assert.ok(!(await page.content()).includes(e2eKey.api_key), 'the key is not in the page markup');
  assert.ok(!consoleLines.some((line) => line.includes(e2eKey.api_key)), 'the key is not in the console');
  await screenshot(page, 'options-saved');
});

test('a rejected key is reported by Test connection without showing the key', async () => {
  const wrongKey = 'lk_wrong_e2e_key_0042';
  const page = await openOptions();
  await fillAccount(page, {
    label: 'Sales', apiKey: wrongKey, accountId: e2eAccount.account_id, baseUrl: emulator.url,
  });
  await button(page, 'Test connection').click();
  const text = await alertText(page);
  assert.match(text, /The API key was rejected\./);
  assert.match(text, /Check the API key/);
  assert.ok(!text.includes(wrongKey), 'the key is not in the alert');
  assert.equal(await field(page, 'API key').getAttribute('aria-invalid'), 'true');
  assert.ok(!(await page.content()).includes(wrongKey), 'the key is not in the page markup');
  assert.ok(!consoleLines.some((line) => line.includes(wrongKey)), 'the key is not in the console');
  assert.equal(await storedAccounts(), undefined, 'testing saves nothing');
  await screenshot(page, 'options-rejected-key');
});

test('a base URL that is not https, or a Unipile v1 account without one, is refused and nothing is saved', async () => {
  const page = await openOptions();
  await fillAccount(page, {
    label: 'Sales', apiKey: e2eKey.api_key, accountId: e2eAccount.account_id, baseUrl: 'http://example.com',
  });
  await button(page, 'Save').click();
  assert.match(await alertText(page), /Base URL/);
  const baseUrl = field(page, 'Base URL');
  assert.equal(await baseUrl.getAttribute('aria-invalid'), 'true');
  assert.ok(await isFocused(baseUrl), 'focus goes to the field to correct');
  await screenshot(page, 'options-bad-base-url');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'options-bad-base-url-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await page.getByRole('alert').evaluate((alert) => alert.replaceChildren());
  await button(page, 'Test connection').click();
  assert.match(await alertText(page), /Base URL/, 'Test connection checks the form first');
  assert.deepEqual(await emulator.requests(), [], 'nothing reached a provider');

  await field(page, 'Provider').selectOption('unipile_v1');
  await baseUrl.fill('');
  await button(page, 'Save').click();
  await page.waitForFunction(() =>
    document.querySelector('#base-url')?.getAttribute('aria-invalid') === 'true');
  assert.match(await alertText(page), /Base URL/);
  assert.equal(await storedAccounts(), undefined, 'nothing was saved');
});

test('the Base URL follows the provider until the person types their own', async () => {
  const page = await openOptions();
  const baseUrl = field(page, 'Base URL');
  // The page fills the form once its wasm module is ready, which can be after the load event.
  await page.waitForFunction(() => document.getElementById('base-url').value !== '');
  assert.equal(await baseUrl.inputValue(), 'https://api.linkupapi.com');
  await field(page, 'Provider').selectOption('unipile_v2');
  assert.equal(await baseUrl.inputValue(), 'https://api.unipile.com');
  await field(page, 'Provider').selectOption('unipile_v1');
  assert.equal(await baseUrl.inputValue(), '');
  await page.getByText('paste the DSN from your Unipile dashboard').waitFor();
  await baseUrl.fill('https://api1.unipile.com:13111');
  await field(page, 'Provider').selectOption('unipile_v2');
  assert.equal(await baseUrl.inputValue(), 'https://api1.unipile.com:13111', 'a typed address is kept');
});

test('editing keeps the account id and changes the label, never showing the stored key; removing asks first, then deletes', async () => {
  await storeAccounts([{
    id: 'sales', label: 'Sales', provider: 'linkup', api_key: e2eKey.api_key,
    account_id: e2eAccount.account_id, base_url: emulator.url, plan: 'free',
  }]);
  const page = await openOptions();
  const item = page.getByRole('listitem').filter({ hasText: 'Sales' });
  await item.waitFor();
  assert.ok(!(await page.locator('body').textContent()).includes(e2eKey.api_key), 'the list masks the key');

  await button(page, 'Edit Sales').click();
  await page.getByRole('heading', { name: 'Edit Sales' }).waitFor();
  assert.equal(await field(page, 'Label').inputValue(), 'Sales');
  assert.equal(await field(page, 'Base URL').inputValue(), emulator.url);
  // The key is write-only: the field starts blank, and Show reveals nothing stored.
  assert.equal(await field(page, 'API key').inputValue(), '');
  assert.equal(await field(page, 'API key').getAttribute('placeholder'), 'Leave blank to keep the current key');
  await button(page, 'Show key').click();
  assert.ok(!(await page.content()).includes(e2eKey.api_key), 'the stored key is not in the page');
  // Pointing the key at another origin needs the key typed again.
  await field(page, 'Base URL').fill('https://elsewhere.example');
  await button(page, 'Save').click();
  assert.match(await alertText(page), /API key is not valid\.[\s\S]*enter the key for it/);
  assert.equal(await field(page, 'API key').getAttribute('aria-invalid'), 'true');
  assert.equal((await storedAccounts())[0].base_url, emulator.url, 'nothing was saved');
  await field(page, 'Base URL').fill(emulator.url);
  await field(page, 'Label').fill('Sales EU');
  await field(page, 'LinkedIn plan').selectOption('premium');
  await button(page, 'Save').click();
  await statusSaying(page, 'Saved.').waitFor();
  assert.deepEqual(await storedAccounts(), [{
    id: 'sales', label: 'Sales EU', provider: 'linkup', api_key: e2eKey.api_key,
    account_id: e2eAccount.account_id, base_url: emulator.url, plan: 'premium', auto_withdraw: RULE_OFF,
  }]);
  assert.ok(await field(page, 'Label').isHidden(), 'the form closes after saving');
  await page.getByRole('listitem').filter({ hasText: 'Sales EU' }).filter({ hasText: 'Premium' }).waitFor();

  await button(page, 'Remove Sales EU').click();
  const prompt = page.getByRole('group', { name: /Remove Sales EU\?/ });
  await prompt.waitFor();
  assert.ok(await isFocused(button(page, 'Keep')), 'the safe choice has focus');
  await screenshot(page, 'options-confirm-remove');
  await button(page, 'Keep').click();
  assert.equal(await prompt.count(), 0);
  assert.equal((await storedAccounts()).length, 1, 'Keep keeps it');

  await button(page, 'Remove Sales EU').click();
  await button(page, 'Yes, remove').click();
  await statusSaying(page, 'Removed Sales EU.').waitFor();
  assert.deepEqual(await storedAccounts(), []);
  await page.getByText('No account is set up yet.').waitFor();
  assert.ok(await isFocused(button(page, 'Add account')), 'focus goes to Add account');
});

test('an account can be added with the keyboard alone', async () => {
  const page = await openOptions();
  await field(page, 'Provider').waitFor();
  const tabTo = async (locator) => {
    await page.keyboard.press('Tab');
    assert.ok(await isFocused(locator), `Tab reaches ${await locator.evaluate((e) => e.id || e.textContent)}`);
  };
  await tabTo(field(page, 'Provider'));
  await tabTo(field(page, 'Label'));
  await page.keyboard.type('Keyboard');
  await tabTo(field(page, 'API key'));
  await page.keyboard.type(e2eKey.api_key);
  await tabTo(button(page, 'Show key'));
  await page.keyboard.press('Space');
  assert.equal(await button(page, 'Show key').getAttribute('aria-pressed'), 'true');
  await tabTo(field(page, 'Account ID'));
  await page.keyboard.type(e2eAccount.account_id);
  await tabTo(field(page, 'Base URL'));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(emulator.url);
  await tabTo(field(page, 'LinkedIn plan'));
  await tabTo(field(page, 'Withdraw automatically'));
  await tabTo(field(page, 'Older than (days)'));
  await tabTo(field(page, 'At most a day'));
  await tabTo(button(page, 'Save'));
  await tabTo(button(page, 'Test connection'));
  for (let back = 0; back < 6; back += 1) await page.keyboard.press('Shift+Tab');
  assert.ok(await isFocused(field(page, 'Base URL')));
  await page.keyboard.press('Enter');

  await statusSaying(page, 'Saved.').waitFor();
  const [stored] = await storedAccounts();
  assert.equal(stored.label, 'Keyboard');
  assert.equal(stored.api_key, e2eKey.api_key);
  const edit = button(page, 'Edit Keyboard');
  assert.ok(await isFocused(edit), 'focus lands on the saved account');
  const outline = await edit.evaluate((element) => getComputedStyle(element).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused button shows it');
  await screenshot(page, 'options-keyboard-focus');

  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Edit Keyboard' }).waitFor();
  await page.keyboard.press('Escape');
  assert.ok(await isFocused(edit), 'Escape cancels the edit and returns to the account');
});

test('the check intervals are saved with the other settings, re-arm the alarm and say what they cost; 0 is refused', async () => {
  const storedSettings = async () =>
    (await browser.worker.evaluate(() => chrome.storage.local.get('settings'))).settings;
  const alarmPeriod = () => browser.worker.evaluate(async () => (await chrome.alarms.get('refresh'))?.periodInMinutes);
  const page = await openOptions();
  await page.getByRole('heading', { name: 'Staying up to date' }).waitFor();
  const section = page.getByRole('region', { name: 'Staying up to date' });
  const minutes = section.getByRole('spinbutton', { name: 'Refresh every (minutes)', exact: true });
  const sentMinutes = section.getByRole('spinbutton', { name: 'Check sent invitations every (minutes)', exact: true });
  const days = section.getByRole('spinbutton', { name: 'Read every list in full every (days)', exact: true });
  await page.waitForFunction(() => Boolean(document.querySelector('[name="poll_minutes"]')?.value));
  assert.deepEqual(await Promise.all([minutes, sentMinutes, days].map((input) => input.inputValue())), ['15', '60', '30'],
    'the defaults show when nothing is stored');
  const cost = section.locator('#refresh-cost');
  assert.match(await cost.textContent(), /96 a day for received invitations and 24 for sent ones/);

  await minutes.fill('0');
  await button(page, 'Save refresh settings').click();
  const alert = section.getByRole('alert');
  await alert.getByText('Refresh every (minutes) is not valid.').waitFor();
  assert.match(await alert.textContent(), /Enter a number of minutes from 1 to 1440\./);
  assert.equal(await minutes.getAttribute('aria-invalid'), 'true');
  assert.ok(await isFocused(minutes), 'focus goes to the field to correct');
  assert.equal(await storedSettings(), undefined, 'nothing was saved');
  await screenshot(page, 'options-refresh-refused');

  // A full read more than three months apart is refused by its own name.
  await minutes.fill('30');
  assert.equal(await minutes.getAttribute('aria-invalid'), null, 'typing clears the mark');
  await days.fill('100');
  await button(page, 'Save refresh settings').click();
  await alert.getByText('Read every list in full every (days) is not valid.').waitFor();
  assert.equal(await days.getAttribute('aria-invalid'), 'true');
  assert.equal(await storedSettings(), undefined, 'nothing was saved');

  // Corrected and saved with Enter, from the field.
  await days.fill('7');
  await days.press('Enter');
  await statusSaying(page, 'Saved.').waitFor();
  assert.equal(await section.locator('#refresh-error').textContent(), '', 'the alert is gone');
  assert.deepEqual(await storedSettings(), { poll_minutes: 30, sent_check_minutes: 60, reconcile_days: 7 });
  assert.match(await cost.textContent(), /48 a day for received invitations and 24 for sent ones/);
  await until(async () => (await alarmPeriod()) === 30, 'the worker to re-arm its alarm');
  await screenshot(page, 'options-refresh-saved');

  // The page shows what is stored, and keeps settings it does not know.
  await browser.worker.evaluate(() => chrome.storage.local.set({ settings: { poll_minutes: 30, later: 'kept' } }));
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[name="poll_minutes"]')?.value === '30');
  await minutes.fill('45');
  await button(page, 'Save refresh settings').click();
  await statusSaying(page, 'Saved.').waitFor();
  assert.deepEqual(await storedSettings(), { poll_minutes: 45, later: 'kept', sent_check_minutes: 60, reconcile_days: 30 });
});

test('weekly caps and pacing are saved with the other settings; a cap above LinkedIn\'s, a reversed range or a delay out of bounds is refused', async () => {
  const storedSettings = async () =>
    (await browser.worker.evaluate(() => chrome.storage.local.get('settings'))).settings;
  const before = { poll_minutes: 30, later: 'kept' };
  await browser.worker.evaluate((settings) => chrome.storage.local.set({ settings }), before);
  const page = await openOptions();
  await page.getByRole('heading', { name: 'Limits and pacing' }).waitFor();
  const section = page.getByRole('region', { name: 'Limits and pacing' });
  const freeCap = section.getByRole('spinbutton', { name: 'Weekly cap, free accounts', exact: true });
  const premiumCap = section.getByRole('spinbutton', { name: 'Weekly cap, Premium accounts', exact: true });
  const actions = section.getByRole('group', { name: 'Delay between actions (accept, decline, withdraw)' });
  const invites = section.getByRole('group', { name: 'Delay between invitations' });
  const range = (group) => [
    group.getByRole('spinbutton', { name: 'From', exact: true }),
    group.getByRole('spinbutton', { name: 'to', exact: true }),
  ];
  const [actionMin, actionMax] = range(actions);
  const [inviteMin, inviteMax] = range(invites);
  const save = section.getByRole('button', { name: 'Save limits', exact: true });
  const alert = section.getByRole('alert');
  const values = () => Promise.all([freeCap, premiumCap, actionMin, actionMax, inviteMin, inviteMax]
    .map((input) => input.inputValue()));

  // The page fills the inputs once its wasm module is ready, which can be after the load event.
  await page.waitForFunction(() => Boolean(document.querySelector('[name="invite_delay_max_s"]')?.value));
  assert.deepEqual(await values(), ['100', '200', '5', '20', '2', '5'], 'the defaults show when nothing is stored');
  assert.match(await actions.textContent(), /seconds/);
  assert.match(await invites.textContent(), /minutes/);

  // A day's cap out of bounds, then one within them.
  const dailyWithdrawals = section.getByRole('spinbutton', { name: 'Withdrawals a day', exact: true });
  assert.equal(await dailyWithdrawals.inputValue(), '100', 'the default');
  await dailyWithdrawals.fill('101');
  await save.click();
  assert.match(await alert.textContent(), /Withdrawals a day is not valid\..*from 1 to 100/);
  assert.deepEqual(await storedSettings(), before, 'nothing was saved');

  await dailyWithdrawals.fill('40');

  // A cap above LinkedIn's.
  await freeCap.fill('151');
  await save.click();
  await alert.getByText('Weekly cap, free accounts is not valid.').waitFor();
  assert.match(await alert.textContent(), /Enter a whole number of invitations from 1 to 150\./);
  assert.match(await alert.textContent(), /Correct it and try again\./);
  assert.equal(await freeCap.getAttribute('aria-invalid'), 'true');
  assert.match(await freeCap.getAttribute('aria-describedby'), /\blimits-error\b/, 'the field points at its alert');
  assert.equal(await premiumCap.getAttribute('aria-invalid'), null, 'only the field at fault is marked');
  assert.ok(await isFocused(freeCap), 'focus goes to the field to correct');
  assert.deepEqual(await storedSettings(), before, 'nothing was saved');
  await screenshot(page, 'options-limits-refused');
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'options-limits-refused-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await freeCap.fill('120');
  assert.equal(await freeCap.getAttribute('aria-invalid'), null, 'typing clears the mark');

  // A range whose shortest delay is longer than its longest: both ends are marked.
  await actionMin.fill('30');
  await save.click();
  await alert.getByText('Delay between actions (accept, decline, withdraw) is not valid.').waitFor();
  assert.match(await alert.textContent(), /The shortest delay is longer than the longest\./);
  assert.equal(await actionMin.getAttribute('aria-invalid'), 'true');
  assert.equal(await actionMax.getAttribute('aria-invalid'), 'true');
  assert.equal(await freeCap.getAttribute('aria-invalid'), null);
  assert.ok(await isFocused(actionMin));
  assert.deepEqual(await storedSettings(), before, 'nothing was saved');
  await actionMin.fill('8');
  assert.equal(await actionMax.getAttribute('aria-invalid'), null, 'correcting one end clears the range');

  // An invitation delay under 12 seconds, with its bounds told in the input's unit.
  await inviteMin.fill('0.1');
  await inviteMin.press('Enter');
  await alert.getByText('Shortest delay between invitations is not valid.').waitFor();
  assert.match(await alert.textContent(), /from 0\.2 to 1440/);
  assert.equal(await inviteMin.getAttribute('aria-invalid'), 'true');
  assert.equal(await inviteMax.getAttribute('aria-invalid'), null, 'the end within bounds is not marked');
  assert.deepEqual(await storedSettings(), before, 'nothing was saved');

  // An empty cap is refused like any value out of range.
  await inviteMin.fill('0.5');
  await premiumCap.fill('');
  await save.click();
  await alert.getByText('Weekly cap, Premium accounts is not valid.').waitFor();
  assert.equal(await premiumCap.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await storedSettings(), before, 'nothing was saved');

  // Corrected, with a fraction of a minute, and saved from the keyboard.
  await inviteMax.fill('6');
  await actionMax.fill('25');
  await premiumCap.fill('250');
  await premiumCap.press('Enter');
  await statusSaying(page, 'Limits saved.').waitFor();
  assert.equal(await alert.count(), 0, 'the alert is gone');
  assert.equal(await section.locator('[aria-invalid="true"]').count(), 0, 'no field is marked');
  const saved = {
    poll_minutes: 30,
    later: 'kept',
    weekly_cap_free: 120,
    weekly_cap_premium: 250,
    daily_cap_free: 20,
    daily_cap_premium: 40,
    daily_withdrawals: 40,
    action_delay_min_s: 8,
    action_delay_max_s: 25,
    invite_delay_min_s: 30,
    invite_delay_max_s: 360,
  };
  assert.deepEqual(await storedSettings(), saved);
  await screenshot(page, 'options-limits-saved');

  // The page shows what is stored, and the check intervals still save on their own, keeping the limits.
  await page.reload();
  await page.getByRole('heading', { name: 'Limits and pacing' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[name="invite_delay_max_s"]')?.value === '6');
  assert.deepEqual(await values(), ['120', '250', '8', '25', '0.5', '6']);
  await page.getByRole('spinbutton', { name: 'Refresh every (minutes)', exact: true }).fill('45');
  await button(page, 'Save refresh settings').click();
  await statusSaying(page, 'Saved.').waitFor();
  assert.deepEqual(await storedSettings(), { ...saved, poll_minutes: 45, sent_check_minutes: 60, reconcile_days: 30 });
});

test('a saved setting that cannot be read is named on the page, counts as its lowest value, and saving mends it', async () => {
  await browser.worker.evaluate((settings) => chrome.storage.local.set({ settings }),
    { weekly_cap_free: 'lots', daily_cap_free: 2, notify_new: null });
  const page = await openOptions();
  const section = page.getByRole('region', { name: 'Limits and pacing' });
  const alert = section.getByRole('alert');
  await alert.filter({ hasText: 'could not read' }).waitFor();
  assert.match(await alert.textContent(),
    /could not read the saved “Weekly cap, free accounts” and 1 other setting\..*counts as its lowest value/);
  const freeCap = section.getByRole('spinbutton', { name: 'Weekly cap, free accounts', exact: true });
  assert.equal(await freeCap.inputValue(), '1', 'the lowest value, never the default 100');
  assert.equal(await section.getByRole('spinbutton', { name: 'Daily cap, free accounts', exact: true }).inputValue(), '2');
  await freeCap.fill('50');
  await section.getByRole('button', { name: 'Save limits', exact: true }).click();
  await until(async () => (await browser.worker.evaluate(() => chrome.storage.local.get('settings'))).settings.weekly_cap_free === 50,
    'the mended cap saved');
  assert.equal(await alert.isVisible(), false, 'nothing left to say of the limits');
});

test('a job whose items lost a chunk is named in Repair as damaged bulk jobs', async () => {
  await storeAccounts([{
    id: 'sales', label: 'Sales', provider: 'linkup', api_key: e2eKey.api_key,
    account_id: e2eAccount.account_id, base_url: emulator.url, plan: 'free',
  }]);
  await waitForBadge(browser.worker, String(RECEIVED));
  const page = await openOptions();
  const repair = page.getByRole('region', { name: 'Repair' });
  // A withdrawal job of three, paced far apart, as the popup starts one.
  await browser.worker.evaluate(() => chrome.storage.local.set({ settings: { action_delay_min_s: 3600, action_delay_max_s: 3600 } }));
  const items = e2eAccount.sent.slice(0, 3).map((invitation) => ({ account: 'sales', invitation: invitation.id }));
  const started = await page.evaluate((items) => chrome.runtime.sendMessage({ type: 'start_job', action: 'withdraw', items }), items);
  assert.equal(started.ok, true, JSON.stringify(started.error));
  await page.reload();
  await page.getByRole('heading', { name: 'Staying up to date' }).waitFor();
  assert.equal(await repair.isHidden(), true, 'whole, the jobs need no repair');

  const chunk = await browser.worker.evaluate(async () => Object.keys(await chrome.storage.local.get(null)).find((key) => key.startsWith('job_items:')));
  assert.ok(chunk, 'the job keeps its items in a chunk');
  await browser.worker.evaluate((key) => chrome.storage.local.remove(key), chunk);
  await page.reload();
  await repair.getByText('The saved bulk jobs cannot be read.').waitFor();
  assert.match(await repair.textContent(), /Bulk jobs in progress are forgotten/);
});

test('a damaged limits ledger stops sending, and Repair resets it after saying what that means', async () => {
  await storeAccounts([{
    id: 'sales', label: 'Sales', provider: 'linkup', api_key: e2eKey.api_key,
    account_id: e2eAccount.account_id, base_url: emulator.url, plan: 'free',
  }]);
  await browser.worker.evaluate(() => chrome.storage.local.set({ ledger: 'not a ledger' }));
  const page = await openOptions();
  // A send, as the popup asks for one.
  const answer = await page.evaluate(() => chrome.runtime.sendMessage(
    { type: 'send', account: 'sales', profile: 'https://www.linkedin.com/in/noah-berg/', note: null }));
  assert.equal(answer.ok, false);
  assert.equal(answer.error.code, 'damaged');
  assert.equal(answer.error.message, 'Invite Desk\'s saved limits ledger cannot be read.');
  assert.match(answer.error.next_step, /open Options and use Repair/);
  // The popup says so too, rather than showing room under the caps the ledger cannot vouch for.
  const popup = await browser.openPopup();
  await popup.getByRole('tab', { name: 'Invite' }).click();
  await popup.locator('#standing').filter({ hasText: 'Invite Desk\'s saved limits ledger cannot be read.' }).waitFor();
  assert.doesNotMatch(await popup.locator('#standing').textContent(), /this week/);
  await popup.close();

  const repair = page.getByRole('region', { name: 'Repair' });
  await repair.getByText('The saved limits ledger cannot be read.').waitFor();
  assert.match(await repair.textContent(), /sends no invitation for 7 days/);
  await screenshot(page, 'options-repair');
  await repair.getByRole('button', { name: 'Reset the limits ledger' }).click();
  await statusSaying(page, 'The limits ledger was reset.').waitFor();
  await repair.waitFor({ state: 'hidden' });
  const stored = await browser.worker.evaluate(() => chrome.storage.local.get(['ledger', 'damaged:ledger']));
  assert.equal(stored['damaged:ledger'], 'not a ledger', 'the damaged copy is kept aside');
  const ledger = stored.ledger[`linkup:${e2eAccount.account_id}`];
  assert.ok(ledger.blocked_until_ms > Date.now() + 6 * 86_400_000, 'sending stopped for a week');
});
