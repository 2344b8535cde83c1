// Acceptance stats in the popup, against the emulator's changes on LinkedIn: an invitation the
// other person accepted, one they declined (it left the list), and one withdrawn from the popup
// are told apart, week by week, and the CSV export says what became of each.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, fullName, linkup, personOf, popupUpToDate, storedAccount } from './lib/e2e-scenario.mjs';
import { screenshot, until } from './lib/extension.mjs';
import { poll, readerPage, workerClock } from './lib/sync-events.mjs';

const session = freshEmulatorAndBrowser();
const SENT_AFTER = ['fatima-zahra-rabat', 'lukas-novak', 'script-in-name'];

test('stats count an acceptance by the other person, a withdrawal of ours and one that left the list', async () => {
  const account = storedAccount(linkup, session.emulator.url);
  const popup = await popupUpToDate(session, {
    accounts: [account], settings: { action_delay_min_s: 1, action_delay_max_s: 1 }, received: linkup.account.received.length,
  });
  const tab = popup.getByRole('tab', { name: 'Stats' });
  await tab.click();
  const panel = popup.getByRole('tabpanel', { name: 'Stats' });
  await panel.getByText(/^Counting since \d{4}-\d{2}-\d{2}$/).waitFor();
  const term = (name) => panel.locator('dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]');
  assert.equal(await term('Sent').textContent(), '0', 'what was pending before is not counted');

  // Three invitations sent from LinkedIn's site; the sent list is checked an hour on.
  const made = await session.emulator.linkedin(linkup.account.account_id,
    SENT_AFTER.map((person) => ({ sent_on_site: { person } })));
  const [acceptedId, declinedId, withdrawnId] = made.changes.map((change) => change.id);
  const reader = await readerPage(session.browser);
  const clock = workerClock(session.browser);
  await clock.advance(61);
  await poll(session.browser, clock, reader, account.id, ['sent']);
  await until(async () => (await term('Still pending').textContent()) === '3', 'three pending');

  // One accepted and one declined on LinkedIn; one withdrawn here.
  await session.emulator.linkedin(linkup.account.account_id,
    [{ accepted_by_them: acceptedId }, { declined_by_them: declinedId }]);
  await popup.getByRole('tab', { name: /^Sent/ }).click();
  const hostile = fullName(personOf('script-in-name'));
  const row = popup.getByRole('listitem').filter({ hasText: hostile });
  await row.getByRole('button', { name: 'Withdraw' }).click();
  await row.getByText('Withdrawn', { exact: true }).waitFor();
  await clock.advance(61);
  await poll(session.browser, clock, reader, account.id, ['sent']);

  await tab.click();
  await until(async () => (await term('Accepted').textContent()) === '1', 'the acceptance');
  assert.equal(await term('Sent').textContent(), '3');
  assert.equal(await term('Acceptance rate').textContent(), '33 %');
  assert.equal(await term('Withdrawn by you').textContent(), '1');
  assert.equal(await term('Left the list').textContent(), '1');
  assert.equal(await term('Still pending').textContent(), '0');
  assert.match(await term('Median time to accept').textContent(), /^\d+ (seconds|minutes|hours)$/);
  const thisWeek = panel.getByRole('row').nth(1);
  assert.match(await thisWeek.textContent(), /^week of \d{4}-\d{2}-\d{2}\s*3\s*1\s*33 %$/);
  assert.equal(await panel.getByRole('row').count(), 9, 'a header and eight weeks');
  const checks = (await session.emulator.requests()).filter((request) => request.body?.action === 'check_invitation');
  assert.equal(checks.length, 2, 'one credit for each invitation gone, none for our withdrawal');
  await screenshot(popup, 'popup-stats');

  const [download] = await Promise.all([
    popup.waitForEvent('download'),
    panel.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trim().split('\r\n');
  assert.equal(lines[0], 'Account,Name,Profile URL,Sent,Note,Outcome,Ended');
  assert.equal(lines.length, 4);
  const outcomeOf = (person) => lines.find((line) => line.includes(`/in/${person}`))?.split(',').at(-2);
  assert.equal(outcomeOf('fatima-zahra-rabat'), 'accepted');
  assert.equal(outcomeOf('lukas-novak'), 'left the list');
  assert.equal(outcomeOf('script-in-name'), 'withdrawn by you');
  assert.ok(!csv.includes(linkup.key.api_key), 'no key in the export');
  assert.ok(acceptedId && declinedId && withdrawnId);
});
