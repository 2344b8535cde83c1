// Acceptance stats in the popup, against the emulator's changes on LinkedIn: an invitation the
// other person accepted, one they declined (it left the list), and one withdrawn from the popup
// are told apart, week by week, and the CSV export says what became of each.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, fullName, linkup, personOf, popupUpToDate, storedAccount } from './lib/e2e-scenario.mjs';
import { screenshot, until } from './lib/extension.mjs';
import { poll, readerPage } from './lib/sync-events.mjs';

const session = freshEmulatorAndBrowser();
const SENT_AFTER = ['fatima-zahra-rabat', 'lukas-novak', 'script-in-name'];

// The test moves the clock two hours on. It runs at fixed instants in Paris, each with the week
// its sends belong to: the middle of a week; a Sunday evening, so the two hours cross midnight
// and the week's end and the popup opens on a new week; the night the clocks go forward.
const INSTANTS = [
  { when: 'in the middle of a week', at: '2026-12-09T12:00:00+01:00', week: '2026-12-07' },
  { when: "across midnight and the week's end", at: '2026-12-13T22:30:00+01:00', week: '2026-12-07' },
  { when: 'across a change to summer time', at: '2027-03-28T01:30:00+01:00', week: '2027-03-22' },
];

for (const { when, at, week } of INSTANTS) test(`stats count an acceptance by the other person, a withdrawal of ours and one that left the list (${when})`, async () => {
  await session.pin(at, 'Europe/Paris');
  const account = storedAccount(linkup, session.emulator.url);
  const popup = await popupUpToDate(session, {
    accounts: [account], settings: {}, received: linkup.account.received.length,
  });
  assert.equal(await popup.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone), 'Europe/Paris');
  assert.equal(await popup.evaluate(() => new Date().toISOString().slice(0, 13)), new Date(at).toISOString().slice(0, 13), 'the page runs at the instant');
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
  const { clock } = session;
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
  const sendingWeek = panel.getByRole('row').filter({ hasText: `week of ${week}` });
  assert.match(await sendingWeek.textContent(), /^week of \d{4}-\d{2}-\d{2}\s*3\s*1\s*33 %$/);
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
