// Names in every script, end to end: a Japanese name family name first as LinkedIn shows it, an
// Arabic one laid out right to left, a member without a name, and an accented first name filled
// into a note, in the popup's lists, a single invitation and an invite list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, popupUpToDate } from './lib/e2e-scenario.mjs';
import { scenarioPath } from './lib/emulator.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('names.json'), 'utf8'));
const [linkupKey, unipileKey] = scenario.keys;
const LINKUP = linkupKey.accounts[0];
const UNIPILE = unipileKey.accounts[0];

const session = freshEmulatorAndBrowser('names.json');

const work = () => ({
  id: 'work', label: 'Work', provider: 'linkup', api_key: linkupKey.api_key,
  account_id: LINKUP.account_id, base_url: session.emulator.url, plan: LINKUP.plan,
});
const recruiting = () => ({
  id: 'recruiting', label: 'Recruiting', provider: 'unipile_v2', api_key: unipileKey.api_key,
  account_id: UNIPILE.account_id, base_url: session.emulator.url, plan: UNIPILE.plan,
});

const popupWith = (accounts) => popupUpToDate(session, {
  accounts,
  settings: {},
  received: accounts.reduce((sum, account) => sum + (account.provider === 'linkup' ? LINKUP : UNIPILE).received.length, 0),
});

const shownNames = (popup) => popup.locator('#list > li .name').allTextContents();

test('names show as LinkedIn shows them: family name first in Japanese, right to left in Arabic, a placeholder for none', async () => {
  const popup = await popupWith([work(), recruiting()]);
  assert.deepEqual((await shownNames(popup)).sort(), [
    'LinkedIn member', 'LinkedIn member', 'ليلى حداد', '佐藤健', '佐藤健',
  ].sort(), 'LinkUp gives the parts, Unipile the whole: both read 佐藤健');
  for (const element of await popup.locator('#list > li :is(.name, .headline)').all()) {
    assert.equal(await element.getAttribute('dir'), 'auto', 'provider text finds its own direction');
  }
  const arabic = popup.locator('#list > li .name').filter({ hasText: 'ليلى' });
  assert.equal(await arabic.evaluate((element) => getComputedStyle(element).direction), 'rtl');

  await popup.getByRole('searchbox').fill('佐藤');
  await popup.waitForFunction(() => document.querySelectorAll('#list > li').length === 2);
  assert.deepEqual(await popup.locator('#list > li .name').allTextContents(), ['佐藤健', '佐藤健']);
});

test('a single invitation fills {first_name} from an accented profile URL, and refuses a member without a name', async () => {
  const popup = await popupWith([work()]);
  await popup.getByRole('tab', { name: 'Invite' }).click();
  await session.emulator.clearRequests();
  const profile = popup.getByLabel('Profile URL', { exact: true });
  const note = popup.getByLabel('Note', { exact: true });

  await profile.fill('https://www.linkedin.com/in/member-8f2c1a/');
  await note.fill('Hi {first_name}, glad to connect.');
  await popup.getByRole('button', { name: 'Send invitation' }).click();
  await popup.getByText(/first name is not known/).first().waitFor();
  assert.equal((await session.emulator.requests()).filter((r) => r.body?.action === 'invite').length, 0,
    'nothing was sent');

  // As copied from the browser's address bar: percent-encoded.
  await profile.fill('https://www.linkedin.com/in/%C3%A9lodie-martin/');
  await note.fill('Bonjour {first_name}, ravi de vous rencontrer.');
  await popup.getByRole('button', { name: 'Send invitation' }).click();
  await popup.getByRole('status').filter({ hasText: 'Invitation sent to Élodie Martin.' }).waitFor();
  const invites = (await session.emulator.requests()).filter((r) => r.body?.action === 'invite');
  assert.equal(invites.length, 1);
  assert.equal(invites[0].body.params.message, 'Bonjour Élodie, ravi de vous rencontrer.');
});

test('an invite list sends to Élodie and to 結衣 by the first name their profiles give, and leaves out, saying why, the nameless member and one who invited us', async () => {
  const popup = await popupWith([recruiting()]);
  await popup.getByRole('tab', { name: 'Invite' }).click();
  await popup.getByLabel('Profile URLs, one per line').fill([
    'https://www.linkedin.com/in/%C3%A9lodie-martin/',
    'https://www.linkedin.com/in/member-3d9e0b/',
    'https://www.linkedin.com/in/yui-tanaka-osaka/',
    'https://www.linkedin.com/in/ken-sato-tokyo/',
  ].join('\n'));
  await popup.getByLabel('Note template').fill('Hi {first_name}!');
  await session.emulator.clearRequests();
  await popup.getByRole('button', { name: 'Invite 4 people…' }).click();
  await popup.getByRole('dialog').getByRole('button', { name: 'Invite 4', exact: true }).click();

  const job = popup.getByRole('region', { name: 'Bulk jobs' }).getByRole('article', { name: 'Inviting 4 people' });
  await session.runJobs((stored) => stored.state === 'finished', 'finished invite list');
  await job.getByText('Finished', { exact: true }).waitFor();
  const sends = (await session.emulator.requests())
    .filter((r) => r.method === 'POST' && r.path.endsWith('/users/me/relation-requests'));
  // The profile names its first name, so a CJK name needs no guess at its order.
  assert.deepEqual(sends.map((r) => r.body.message), ['Hi Élodie!', 'Hi 結衣!']);

  await job.getByText('Results').click();
  // The results are read from storage as the list opens.
  await job.getByRole('listitem').nth(3).waitFor();
  const results = await job.getByRole('listitem').allTextContents();
  assert.equal(results.length, 4);
  assert.match(results[0], /Done/);
  assert.match(results[1], /first name is not known.*note of your own/);
  assert.match(results[2], /Done/);
  // Ken's invitation to this account is pending: the profile lookup says so, and no place is spent.
  assert.match(results[3], /invited you already: accept their invitation instead/);
});
