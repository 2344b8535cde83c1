// Selective accept and decline: the received list's filters (a note, words in the headline, how
// many days ago) show the matching rows of every account, a filter nothing could match is
// refused where it was typed, and Accept all or Decline all then act on exactly those rows, as
// a paced job.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, fullName, popupUpToDate } from './lib/e2e-scenario.mjs';
import { scenarioPath } from './lib/emulator.mjs';
import { screenshot } from './lib/extension.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('selective.json'), 'utf8'));
const people = new Map(scenario.people.map((person) => [person.public_identifier, person]));
const [linkupKey, unipileKey] = scenario.keys;
const LINKUP = linkupKey.accounts[0];
const UNIPILE = unipileKey.accounts[0];

const session = freshEmulatorAndBrowser('selective.json');

const accounts = () => [
  { id: 'work', label: 'Work', provider: 'linkup', api_key: linkupKey.api_key,
    account_id: LINKUP.account_id, base_url: session.emulator.url, plan: LINKUP.plan },
  { id: 'recruiting', label: 'Recruiting', provider: 'unipile_v2', api_key: unipileKey.api_key,
    account_id: UNIPILE.account_id, base_url: session.emulator.url, plan: UNIPILE.plan },
];

const nameOf = (invitation) => fullName(people.get(invitation.person));
const shownNames = async (popup) => (await popup.locator('#list > li .name').allTextContents()).sort();
const rowCount = (popup, n) => popup.waitForFunction((n) => document.querySelectorAll('#list > li').length === n, n);

/** The LinkUp calls of one action that went through, as the invitation ids they named. */
async function linkupDone(action) {
  return (await session.emulator.requests())
    .filter((request) => request.body?.action === action && request.status === 200)
    .map((request) => String(request.body.params.invitation_id ?? request.body.params.entity_urn.split(':').at(-1)));
}

test('the filters show the matching rows, refuse an empty range, and Accept all and Decline all take exactly those', async () => {
  const received = LINKUP.received.length + UNIPILE.received.length;
  const popup = await popupUpToDate(session, { accounts: accounts(), settings: {}, received });
  await popup.getByText('Filter', { exact: true }).click();

  // LinkUp does not say whether an invitation came with a note; Unipile does.
  await popup.getByLabel('Has a note').check();
  const withNote = UNIPILE.received.filter((invitation) => invitation.note);
  assert.equal(withNote.length, 2);
  await rowCount(popup, withNote.length);
  assert.deepEqual(await shownNames(popup), withNote.map(nameOf).sort());

  await popup.getByLabel('Headline has').fill('ENGINEER');
  const engineer = withNote.filter((invitation) => /engineer/i.test(people.get(invitation.person).headline));
  assert.equal(engineer.length, 1);
  await rowCount(popup, 1);
  assert.deepEqual(await shownNames(popup), engineer.map(nameOf));

  // More than 10 and less than 5 days ago: nothing could match; the list stays as it was.
  await popup.getByLabel('Headline has').fill('');
  await rowCount(popup, withNote.length);
  await popup.getByLabel('Received more than').fill('10');
  await popup.getByLabel('and less than').fill('5');
  const refusal = popup.locator('#bulk-error');
  await refusal.getByText('Received less than (days ago) is not valid.').waitFor();
  assert.equal(await popup.getByLabel('and less than').getAttribute('aria-invalid'), 'true');
  await popup.getByLabel('Received more than').fill('');
  await refusal.waitFor({ state: 'hidden' });
  const recent = withNote.filter((invitation) => invitation.days_ago < 5);
  assert.equal(recent.length, 1);
  await rowCount(popup, 1);
  assert.deepEqual(await shownNames(popup), recent.map(nameOf));
  await screenshot(popup, 'popup-filters');

  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Accept all' }).click();
  const accept = popup.getByRole('dialog', { name: 'Accept 1 received invitation matching the filter?' });
  await accept.getByRole('button', { name: 'Accept 1', exact: true }).click();
  await popup.getByRole('article', { name: 'Accepting 1 received invitation' }).getByText('Finished', { exact: true }).waitFor();
  const unipile = await session.emulator.account(UNIPILE.account_id);
  assert.deepEqual([unipile.received, unipile.connections], [UNIPILE.received.length - 1, 1], 'exactly the one shown');
  assert.deepEqual(await linkupDone('accept'), [], 'nothing on the other account');

  // Those received more than 10 days ago, on both accounts (LinkUp says "2w" and "1mo").
  await popup.getByLabel('Has a note').uncheck();
  await popup.getByLabel('and less than').fill('');
  await popup.getByLabel('Received more than').fill('10');
  const oldLinkup = LINKUP.received.filter((invitation) => invitation.days_ago > 10);
  const oldUnipile = UNIPILE.received.filter((invitation) => invitation.days_ago > 10);
  const old = oldLinkup.length + oldUnipile.length;
  await rowCount(popup, old);
  await popup.getByRole('button', { name: 'Decline all' }).click();
  const decline = popup.getByRole('dialog', { name: `Decline ${old} received invitations matching the filter?` });
  await decline.getByRole('button', { name: `Decline ${old}`, exact: true }).click();
  await session.runJobs((job) => job.action === 'decline' && job.state === 'finished', 'finished decline');
  await popup.getByRole('article', { name: `Declining ${old} received invitations` }).getByText('Finished', { exact: true }).waitFor();
  assert.deepEqual((await linkupDone('decline')).sort(), oldLinkup.map((invitation) => invitation.id).sort());
  assert.equal((await session.emulator.account(UNIPILE.account_id)).received, UNIPILE.received.length - 1 - oldUnipile.length);
  assert.equal((await session.emulator.account(LINKUP.account_id)).received, LINKUP.received.length - oldLinkup.length);
});
