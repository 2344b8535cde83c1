// The automatic withdraw rule, turned on in Options as a person does, against the emulator: it
// withdraws exactly the sent invitations past its days, oldest first, stops at its share for
// the day and says until when, shows in the jobs panel as automatic, and pauses and resumes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { chromiumBackground, testClock } from './lib/clock.mjs';
import { freshEmulatorAndBrowser, popupUpToDate } from './lib/e2e-scenario.mjs';
import { scenarioPath } from './lib/emulator.mjs';
import { screenshot } from './lib/extension.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('bulk-ui.json'), 'utf8'));
const linkupKey = scenario.keys.find((key) => key.provider === 'linkup');
const LINKUP = linkupKey.accounts[0];

const session = freshEmulatorAndBrowser('bulk-ui.json');

const work = () => ({
  id: 'work', label: 'Work', provider: 'linkup', api_key: linkupKey.api_key,
  account_id: LINKUP.account_id, base_url: session.emulator.url, plan: LINKUP.plan,
});

/** The invitation ids of the LinkUp withdrawals that went through, in order. */
async function withdrawn() {
  return (await session.emulator.requests())
    .filter((request) => request.body?.action === 'withdraw' && request.status === 200)
    .map((request) => String(request.body.params.invitation_id ?? request.body.params.entity_urn.split(':').at(-1)));
}

test('the rule turned on in Options withdraws the oldest invitations past its days, its share a day, and pauses', async () => {
  const popup = await popupUpToDate(session, { accounts: [work()], settings: {}, received: LINKUP.received.length });
  const options = await session.browser.context.newPage();
  await options.goto(`chrome-extension://${session.browser.extensionId}/options.html`);
  await options.getByRole('button', { name: 'Edit Work' }).click();
  const rule = options.getByRole('group', { name: 'Automatic withdraw' });
  await rule.getByRole('checkbox', { name: 'Withdraw automatically' }).check();
  await rule.getByRole('spinbutton', { name: 'Older than (days)' }).fill('6');
  await options.getByRole('button', { name: 'Save', exact: true }).click();
  assert.match(await options.getByRole('alert').textContent(), /Older than \(days\) is not valid\..*from 7 to 180/);

  await rule.getByRole('spinbutton', { name: 'Older than (days)' }).fill('10');
  await rule.getByRole('spinbutton', { name: 'At most a day' }).fill('2');
  await options.getByRole('button', { name: 'Save', exact: true }).click();
  await options.getByRole('button', { name: 'Edit Work' }).waitFor();
  const stored = (await session.browser.worker.evaluate(() => chrome.storage.local.get('accounts'))).accounts;
  assert.deepEqual(stored[0].auto_withdraw, { enabled: true, older_than_days: 10, per_day: 2 });

  // Past 10 days: 40.5, 25.5, 17.5 and 10.5 days old. LinkUp's whole days win over its "1w",
  // and 10 whole days are at least 10: the youngest reading is past the rule's days.
  const due = LINKUP.sent.filter((invitation) => invitation.days_ago > 10).sort((a, b) => b.days_ago - a.days_ago);
  assert.equal(due.length, 4);
  const job = popup.getByRole('region', { name: 'Bulk jobs' }).getByRole('article', { name: 'Automatic withdraw' });
  await job.getByText('Sent invitations older than 10 days are withdrawn, at most 2 a day.').waitFor();
  await session.runJobs((stored) => stored.automatic && stored.reason?.code === 'limit_reached', 'rule at its share for the day');
  await job.getByText(/^Waiting until /).waitFor();
  assert.match(await job.locator('.state').textContent(), /2 of 2 withdrawals in the last 24 hours/);
  assert.match(await job.locator('.counts').textContent(), /^2 done · 2 remaining/);
  assert.deepEqual(await withdrawn(), due.slice(0, 2).map((invitation) => String(invitation.id)),
    'the two oldest, and no more today');
  await screenshot(popup, 'popup-automatic-withdraw-waiting');

  await job.getByRole('button', { name: /^Pause/ }).click();
  await job.locator('.state').filter({ hasText: /^Paused/ }).waitFor();
  await job.getByRole('button', { name: /^Resume/ }).click();
  await job.getByText(/^Waiting until /).waitFor();
  assert.equal((await withdrawn()).length, 2, 'resuming does not lift the day’s share');
});

test('with this computer\'s clock a month ahead of the provider\'s, the rule withdraws nothing and the jobs panel says why', async () => {
  // The worker's clock alone moves a month on; the provider's stays where it is.
  const machine = testClock(chromiumBackground(session.browser));
  await machine.advance(30 * 24 * 60);
  await machine.apply();
  const rule = { enabled: true, older_than_days: 10, per_day: 2 };
  const popup = await popupUpToDate(session, {
    accounts: [{ ...work(), auto_withdraw: rule }], settings: {}, received: LINKUP.received.length,
  });
  const job = popup.getByRole('region', { name: 'Bulk jobs' }).getByRole('article', { name: 'Automatic withdraw' });
  await job.locator('.state').filter({ hasText: /^Withdrawing nothing/ }).waitFor();
  assert.match(await job.textContent(), /computer's clock is more than an hour off the provider's/);
  assert.match(await job.textContent(), /check this computer's date, time and time zone/);
  await screenshot(popup, 'popup-automatic-withdraw-clocks-disagree');
  assert.deepEqual(await withdrawn(), [], 'every sent invitation looks a month older, and none is withdrawn');
});
