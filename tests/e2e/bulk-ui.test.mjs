// The popup's bulk tools as a user meets them, against the emulator: ticked rows, "Select all
// shown", Accept all with Stop, "Withdraw sent older than", CSV export, "Invite a list" with a
// {first_name} template, the account's standing, the confirmation and the jobs panel. Each flow
// is checked where it matters: what the popup shows, and the requests the emulator saw.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { chromiumBackground, fireAndWait } from './lib/clock.mjs';
import { freshEmulatorAndBrowser, fullName, popupUpToDate, storedJobs } from './lib/e2e-scenario.mjs';
import { scenarioPath } from './lib/emulator.mjs';
import { screenshot, waitForBadge } from './lib/extension.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('bulk-ui.json'), 'utf8'));
const people = new Map(scenario.people.map((person) => [person.public_identifier, person]));
const nameOf = (identifier) => fullName(people.get(identifier));
/** The popup's search rule for a one-word query: name or headline holds it, case and accents aside. */
const matches = (invitation, word) =>
  `${nameOf(invitation.person)}\n${people.get(invitation.person).headline}`
    .normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().includes(word);
const [linkupKey, unipileKey] = scenario.keys;
const LINKUP = linkupKey.accounts[0];
const UNIPILE = unipileKey.accounts[0];

// A fixed pace, as the options page would store it: 30 s between actions, 2 minutes between
// invitations. The tests do not wait for it: they run each step when the clock reaches it.
const PACE = { action_delay_min_s: 30, action_delay_max_s: 30, invite_delay_min_s: 120, invite_delay_max_s: 120 };

const session = freshEmulatorAndBrowser('bulk-ui.json');

const work = () => ({
  id: 'work', label: 'Work', provider: 'linkup', api_key: linkupKey.api_key,
  account_id: LINKUP.account_id, base_url: session.emulator.url, plan: LINKUP.plan,
});
const recruiting = () => ({
  id: 'recruiting', label: 'Recruiting', provider: 'unipile_v2', api_key: unipileKey.api_key,
  account_id: UNIPILE.account_id, base_url: session.emulator.url, plan: UNIPILE.plan,
});

/** Stores accounts and settings as the options page would, and opens the popup once it is up to date. */
const popupWith = (accounts, settings = PACE) => popupUpToDate(session, {
  accounts,
  settings,
  received: accounts.reduce((sum, account) => sum + (account.provider === 'linkup' ? LINKUP : UNIPILE).received.length, 0),
});

const listLength = (popup, n) =>
  popup.waitForFunction((n) => document.querySelectorAll('#list > li').length === n, n);
const row = (popup, name) => popup.locator('#list > li').filter({ hasText: name });
const jobsPanel = (popup) => popup.getByRole('region', { name: 'Bulk jobs' });

/** The LinkUp calls of one action that succeeded, as the invitation ids they named. */
async function linkupDone(action) {
  return (await session.emulator.requests())
    .filter((request) => request.body?.action === action && request.status === 200)
    .map((request) => String(request.body.params.invitation_id ?? request.body.params.entity_urn.split(':').at(-1)));
}

test('two ticked received rows are accepted together after a confirmation, and leave the list', async () => {
  const popup = await popupWith([work()]);
  const [ken, hostile] = [LINKUP.received[1], LINKUP.received[3]];
  assert.equal(hostile.person, 'script-in-name', 'one of them has a name made of HTML');
  const dialogs = [];
  popup.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss(); });

  await popup.getByRole('checkbox', { name: `Select ${nameOf(ken.person)}`, exact: true }).check();
  await popup.getByRole('button', { name: 'Accept selected (1)' }).waitFor();
  await popup.getByRole('checkbox', { name: `Select ${nameOf(hostile.person)}`, exact: true }).check();
  await popup.getByRole('button', { name: 'Decline selected (2)' }).waitFor();
  assert.equal(await popup.getByRole('button', { name: 'Withdraw selected' }).count(), 0, 'not on Received');
  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Accept selected (2)' }).click();

  const dialog = popup.getByRole('dialog', { name: 'Accept 2 received invitations?' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(),
    /One every 30 seconds, about 30 seconds in all\. You can close the popup; it keeps going\./);
  assert.ok(await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    'the safe choice has the focus');
  await screenshot(popup, 'popup-bulk-dialog-selected');
  await dialog.getByRole('button', { name: 'Accept 2', exact: true }).click();

  const job = jobsPanel(popup).getByRole('article', { name: 'Accepting 2 received invitations' });
  await session.runJobs((stored) => stored.state === 'finished', 'finished job');
  await job.getByText('Finished', { exact: true }).waitFor();
  await job.getByText('2 done · 0 remaining', { exact: true }).waitFor();
  assert.deepEqual(await job.getByRole('progressbar').evaluate((bar) => [bar.value, bar.max]), [2, 2]);
  await job.getByText('Results').click();
  await job.getByText(`${nameOf(ken.person)} — Done`, { exact: true }).waitFor();
  await job.getByText(`${nameOf(hostile.person)} — Done`, { exact: true }).waitFor();

  assert.deepEqual((await linkupDone('accept')).sort(), [ken.id, hostile.id].sort(), 'exactly these two, once each');
  await listLength(popup, LINKUP.received.length - 2);
  assert.equal(await row(popup, nameOf(ken.person)).count(), 0);
  await popup.getByRole('tab', { name: `Received ${LINKUP.received.length - 2}` }).waitFor();
  assert.equal(await popup.getByRole('button', { name: /selected \(/ }).count(), 0, 'the selection is cleared');
  assert.equal(await popup.locator('#jobs img, #jobs script, #jobs b').count(), 0, 'names stay text');
  assert.equal(await popup.title(), 'Invite Desk');
  assert.deepEqual(dialogs, []);
  await screenshot(popup, 'popup-bulk-jobs-finished');
});

test('"Select all shown" ticks exactly the rows the search shows; Escape cancels with nothing sent', async () => {
  const popup = await popupWith([work()]);
  await popup.getByRole('searchbox', { name: 'Search' }).fill('an');
  const expected = LINKUP.received.filter((invitation) => matches(invitation, 'an'));
  assert.ok(expected.length > 1 && expected.length < LINKUP.received.length);
  await listLength(popup, expected.length);
  const all = popup.getByRole('checkbox', { name: `Select all shown (${expected.length})` });
  await all.check();
  await popup.getByRole('button', { name: `Decline selected (${expected.length})` }).waitFor();
  assert.equal(await popup.locator('#list .select:checked').count(), expected.length);

  await popup.getByRole('searchbox', { name: 'Search' }).fill('');
  await listLength(popup, LINKUP.received.length);
  assert.equal(await popup.locator('#list .select:checked').count(), expected.length, 'hidden rows stay ticked');
  assert.equal(await popup.getByRole('checkbox', { name: `Select all shown (${LINKUP.received.length})` })
    .evaluate((box) => box.indeterminate), true);

  await session.emulator.clearRequests();
  const decline = popup.getByRole('button', { name: `Decline selected (${expected.length})` });
  await decline.click();
  await popup.getByRole('dialog', { name: `Decline ${expected.length} received invitations?` }).waitFor();
  await popup.keyboard.press('Escape');
  await popup.getByRole('dialog').waitFor({ state: 'hidden' });
  assert.ok(await decline.evaluate((el) => el === document.activeElement), 'focus is back on the button');
  await popup.getByRole('button', { name: 'Clear selection' }).click();
  assert.equal(await popup.locator('#list .select:checked').count(), 0);
  assert.equal(await popup.getByRole('button', { name: /selected \(/ }).count(), 0);
  assert.deepEqual(await session.emulator.requests(), [], 'nothing was sent');
  assert.equal(await jobsPanel(popup).count(), 0, 'no job');
});

test('Accept all asks with the count, the badge follows, and Stop leaves the rest "Not done" with no call after it', async () => {
  const popup = await popupWith([work()]);
  const total = LINKUP.received.length;
  await popup.getByRole('button', { name: 'Accept all' }).click();
  const dialog = popup.getByRole('dialog', { name: `Accept ${total} received invitations?` });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), new RegExp(`One every 30 seconds, about ${Math.round((total - 1) / 2)} minutes in all`));
  await session.emulator.clearRequests();
  await dialog.getByRole('button', { name: `Accept ${total}`, exact: true }).click();

  const job = jobsPanel(popup).getByRole('article', { name: `Accepting ${total} received invitations` });
  await job.getByText('Running', { exact: true }).waitFor();
  await session.runJobs((stored) => stored.progress.done >= 2, 'two accepted');
  await job.getByText(/^2 done · /).waitFor();
  await screenshot(popup, 'popup-bulk-jobs-running');
  const stop = job.getByRole('button', { name: /^Stop/ });
  await stop.focus();
  await popup.keyboard.press('Enter');
  await job.getByText('Stopped', { exact: true }).waitFor();
  await job.getByText(/ · 0 remaining$/).waitFor();
  const close = job.getByRole('button', { name: /^Close/ });
  assert.ok(await close.evaluate((el) => el === document.activeElement), 'focus moves from Stop to Close');

  const { progress } = (await storedJobs(session.browser))[0];
  assert.ok(progress.done >= 2 && progress.done < total, `stopped midway (${progress.done} done)`);
  assert.equal(progress.done + progress.not_done, total);
  await job.getByText(`${progress.done} done · ${progress.not_done} not done · 0 remaining`, { exact: true }).waitFor();
  await job.getByText('Results').click();
  // The results are written when the details open (its toggle event comes after the click).
  await job.getByRole('listitem').filter({ hasText: / — Not done$/ }).first().waitFor();
  assert.equal(await job.getByRole('listitem').filter({ hasText: / — Not done$/ }).count(), progress.not_done);
  assert.equal(await job.getByRole('listitem').filter({ hasText: / — Done$/ }).count(), progress.done);
  await screenshot(popup, 'popup-bulk-jobs-stopped');

  // An hour later, the jobs' alarm fired and its run ended: still nothing more.
  await session.clock.advance(60);
  await fireAndWait(chromiumBackground(session.browser), session.clock, 'jobs', 'jobs_advanced');
  assert.equal((await linkupDone('accept')).length, progress.done, 'one accept per item done, none after Stop');
  assert.equal((await session.emulator.account(LINKUP.account_id)).received, total - progress.done);
  await waitForBadge(session.browser.worker, String(total - progress.done));
  await popup.getByRole('tab', { name: `Received ${total - progress.done}` }).waitFor();

  await close.click();
  await jobsPanel(popup).waitFor({ state: 'hidden' });
  assert.deepEqual(await storedJobs(session.browser), [], 'Close dismissed the job');
});

test('"Withdraw sent older than" counts by the scenario\'s ages, refuses a bad number of days, and withdraws', async () => {
  const popup = await popupWith([work()]);
  await popup.getByRole('tab', { name: 'Sent' }).click();
  await listLength(popup, LINKUP.sent.length);
  const older = (days) => LINKUP.sent.filter((invitation) => invitation.days_ago > days);
  const days = popup.getByLabel('Withdraw sent older than');
  const withdraw = popup.getByRole('button', { name: 'Withdraw…' });
  await session.emulator.clearRequests();

  await days.selectOption('30');
  await withdraw.click();
  await popup.getByRole('dialog', { name: `Withdraw ${older(30).length} sent invitation older than 30 days?` }).waitFor();
  await popup.keyboard.press('Escape');
  await popup.getByRole('dialog').waitFor({ state: 'hidden' });
  // The dialog's close event gives focus back to the button, a moment after it is hidden.
  await popup.waitForFunction(() => document.activeElement?.id === 'withdraw-older');

  await days.selectOption('other');
  const other = popup.getByRole('spinbutton', { name: 'Days' });
  assert.ok(await other.evaluate((el) => el === document.activeElement), '"Other…" moves to the number');
  await other.fill('0');
  await withdraw.click();
  const refusal = popup.locator('#bulk-error');
  await refusal.waitFor();
  assert.equal(await refusal.getAttribute('role'), 'alert');
  assert.equal(await refusal.locator('strong').textContent(), 'Days is not valid.');
  assert.match(await refusal.textContent(), /whole number of days/);
  assert.equal(await other.getAttribute('aria-invalid'), 'true');

  await other.fill('60');
  await withdraw.click();
  await popup.getByRole('status').filter({ hasText: 'Nothing to withdraw: no sent invitation is older than 60 days.' }).waitFor();
  assert.equal(await popup.getByRole('dialog').count(), 0, 'no dialog for nothing');
  await other.fill('20');
  await other.press('Enter');
  await popup.getByRole('dialog', { name: `Withdraw ${older(20).length} sent invitations older than 20 days?` }).waitFor();
  await popup.getByRole('button', { name: 'Cancel' }).click();

  await days.selectOption('14');
  const expected = older(14);
  await withdraw.click();
  const dialog = popup.getByRole('dialog', { name: `Withdraw ${expected.length} sent invitations older than 14 days?` });
  await dialog.waitFor();
  await screenshot(popup, 'popup-bulk-dialog-older');
  await popup.emulateMedia({ colorScheme: 'dark' });
  await screenshot(popup, 'popup-bulk-dialog-older-dark');
  await popup.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(await session.emulator.requests(), [], 'nothing sent before confirming');
  await dialog.getByRole('button', { name: `Withdraw ${expected.length}`, exact: true }).click();

  const job = jobsPanel(popup).getByRole('article', { name: `Withdrawing ${expected.length} sent invitations` });
  await session.runJobs((stored) => stored.state === 'finished', 'finished withdrawals');
  await job.getByText('Finished', { exact: true }).waitFor();
  assert.deepEqual((await linkupDone('withdraw')).sort(), expected.map((invitation) => invitation.id).sort());
  await listLength(popup, LINKUP.sent.length - expected.length);
  for (const invitation of expected) assert.equal(await row(popup, nameOf(invitation.person)).count(), 0);
  await popup.emulateMedia({ colorScheme: 'dark' });
  await screenshot(popup, 'popup-bulk-jobs-finished-dark');
});

test('Export CSV downloads the list as shown: this tab, search applied, formulas neutralised, no key', async () => {
  const popup = await popupWith([work(), recruiting()]);
  await popup.getByRole('tab', { name: 'Sent' }).click();
  await listLength(popup, LINKUP.sent.length + (UNIPILE.sent?.length ?? 0));
  await popup.getByRole('searchbox', { name: 'Search' }).fill('r');
  const expected = LINKUP.sent.filter((invitation) => matches(invitation, 'r'));
  assert.ok(expected.some((invitation) => invitation.person === 'formula-name'));
  assert.ok(expected.length < LINKUP.sent.length, 'the search leaves some out');
  await listLength(popup, expected.length);

  const [download] = await Promise.all([
    popup.waitForEvent('download'),
    popup.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const now = new Date();
  const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
  assert.equal(download.suggestedFilename(), `invite-desk-sent-${today}.csv`);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.ok(csv.startsWith('Name,Headline,Profile URL,Direction,Sent,Account\r\n'));
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, expected.length + 1, 'the header and a row per invitation shown');
  for (const invitation of expected) {
    const first = people.get(invitation.person).first_name.replace(/"/g, '""');
    assert.ok(lines.some((line) => line.includes(first)), `${invitation.person} is in the file`);
  }
  assert.ok(lines.slice(1).every((line) => line.includes(',sent,') && line.endsWith(',Work')));
  assert.ok(csv.includes("'=HYPERLINK("), 'the formula is neutralised');
  assert.ok(!/(^|,)"?[=+@]/m.test(csv), 'no field starts a formula');
  for (const key of [linkupKey.api_key, unipileKey.api_key]) assert.ok(!csv.includes(key), 'no key in the file');
  await popup.getByRole('status').filter({ hasText: `Exported ${expected.length} sent invitations as CSV.` }).waitFor();
  assert.equal(await popup.locator('#list b, #list script').count(), 0, 'the hostile name is shown as text');
});

test('Invite a list on the Unipile account: bad lines shown and not sent, {first_name} filled, standing follows', async () => {
  const popup = await popupWith([work(), recruiting()]);
  await popup.getByRole('tab', { name: 'Invite' }).click();
  const account = popup.getByLabel('Account', { exact: true });
  const standing = popup.locator('#standing');
  await standing.getByText('0 of 20 today · 0 of 100 this week · 0 of 5 notes this month', { exact: true }).waitFor();
  await account.selectOption({ label: 'Recruiting' });
  await standing.getByText('0 of 40 today · 0 of 200 this week', { exact: true }).waitFor();
  assert.equal(await account.getAttribute('aria-describedby'), 'standing');

  await popup.getByLabel('Profile URLs, one per line').fill([
    'https://www.linkedin.com/in/elena-petrova/',
    'https://evil.example/in/mallory',
    '',
    'https://www.linkedin.com/in/marco-bianchi/',
    'https://www.linkedin.com/in/elena-petrova/',
  ].join('\n'));
  const problems = popup.getByRole('list', { name: 'Lines left out' });
  await problems.getByText(/^Line 2: /).waitFor();
  await popup.getByLabel('Note template').fill('Hi {first_name}, glad to connect!');
  await popup.getByText("{first_name} becomes each person's first name").waitFor();
  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Invite 2 people…' }).click();

  const dialog = popup.getByRole('dialog', { name: 'Invite 2 people from Recruiting?' });
  await dialog.waitFor();
  const text = await dialog.textContent();
  assert.match(text, /All fit today's and this week's caps \(0 of 40 today · 0 of 200 this week\)\./);
  assert.match(text, /1 line left out/);
  assert.match(text, /One every 2 minutes, about 2 minutes in all\. You can close the popup; it keeps going\./);
  await screenshot(popup, 'popup-bulk-dialog-invite');
  await dialog.getByRole('button', { name: 'Invite 2', exact: true }).click();

  await standing.getByText('1 of 40 today · 1 of 200 this week', { exact: true }).waitFor();
  const sends = async () => (await session.emulator.requests())
    .filter((request) => request.method === 'POST' && request.path.endsWith('/users/me/relation-requests'));
  let sent = await sends();
  assert.equal(sent.length, 1, 'the second waits its turn');
  assert.equal(sent[0].body.message, 'Hi Elena, glad to connect!');
  assert.equal(await popup.getByLabel('Profile URLs, one per line').inputValue(), '', 'ready for the next list');

  const job = jobsPanel(popup).getByRole('article', { name: 'Inviting 2 people' });
  await session.runJobs((stored) => stored.state === 'finished', 'finished invite list');
  await job.getByText('Finished', { exact: true }).waitFor();
  await standing.getByText('2 of 40 today · 2 of 200 this week', { exact: true }).waitFor();
  sent = await sends();
  assert.deepEqual(sent.map((request) => request.body.message), ['Hi Elena, glad to connect!', 'Hi Marco, glad to connect!']);
  assert.ok(!JSON.stringify(await session.emulator.requests()).includes('mallory'), 'the bad line was never sent');
  assert.equal((await session.emulator.account(UNIPILE.account_id)).sent, 2);
  await screenshot(popup, 'popup-bulk-invite-finished');
});

test('a list longer than the weekly cap says how many fit, and the job waits saying until when', async () => {
  const popup = await popupWith([work()], { ...PACE, weekly_cap_free: 1 });
  await popup.getByRole('tab', { name: 'Invite' }).click();
  await popup.locator('#standing').getByText('0 of 1 this week · 0 of 5 notes this month', { exact: true }).waitFor();
  await popup.getByLabel('Profile URLs, one per line').fill('elena-petrova\naisha-bello\n');
  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Invite 2 people…' }).click();
  const dialog = popup.getByRole('dialog', { name: 'Invite 2 people from Work?' });
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /1 fit this week's cap \(0 of 1 this week\); the rest wait until the limit frees\./);
  await dialog.getByRole('button', { name: 'Invite 2', exact: true }).click();

  const job = jobsPanel(popup).getByRole('article', { name: 'Inviting 2 people' });
  await session.runJobs((stored) => stored.reason?.code === 'limit_reached', 'job waiting for the cap');
  await job.getByText(/^Waiting until /).waitFor();
  assert.match(await job.locator('.state').textContent(), /can go on in 7 days/);
  assert.match(await job.locator('.counts').textContent(), /^1 done · 1 remaining/);
  await job.getByRole('button', { name: /^Stop/ }).waitFor();
  const standing = popup.locator('#standing');
  await standing.getByText(/^1 of 1 this week · 0 of 5 notes this month\. Sending is possible again on /).waitFor();
  assert.equal(await standing.getAttribute('class'), 'hint blocked');
  const invites = (await session.emulator.requests()).filter((request) => request.body?.action === 'invite');
  assert.equal(invites.length, 1, 'only what the cap allows');
  await screenshot(popup, 'popup-bulk-jobs-waiting');
});

test('a rejected key pauses the job saying what to do; Resume finishes it, each item done once', async () => {
  const popup = await popupWith([recruiting()]);
  const [fatima] = UNIPILE.received;
  await session.emulator.fault({
    method: 'POST',
    path_prefix: `/v2/${UNIPILE.account_id}/users/me/relation-requests/`,
    times: 1,
    response: { status: 401, body: { object: 'Error', status: 401, type: 'errors/invalid_credentials', title: 'Unauthorized' } },
  });
  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Accept all' }).click();
  const dialog = popup.getByRole('dialog', { name: 'Accept 1 received invitation?' });
  await dialog.getByText('It runs at once. You can close the popup; it keeps going.').waitFor();
  await dialog.getByRole('button', { name: 'Accept 1', exact: true }).click();

  const job = jobsPanel(popup).getByRole('article', { name: 'Accepting 1 received invitation' });
  const state = job.locator('.state');
  await state.getByText(/^Paused/).waitFor();
  assert.match(await state.textContent(), /^PausedThe API key was rejected\..*Check the API key in Options/);
  await popup.getByRole('status').filter({ hasText: 'Accepting 1 received invitation: Paused. The API key was rejected.' }).waitFor();
  await job.getByRole('button', { name: /^Stop/ }).waitFor();
  await job.getByText('0 done · 1 remaining', { exact: true }).waitFor();
  await screenshot(popup, 'popup-bulk-jobs-paused');

  await job.getByRole('button', { name: /^Resume/ }).click();
  await job.getByText('Finished', { exact: true }).waitFor();
  await job.getByText('1 done · 0 remaining', { exact: true }).waitFor();
  const accepts = (await session.emulator.requests()).filter((request) => request.path.endsWith(`/${fatima.id}/accept`));
  assert.deepEqual(accepts.map((request) => request.status), [401, 200], 'refused once, then accepted once');
  await popup.getByRole('tab', { name: 'Received 0' }).waitFor();
});
