// A heavy account in the real popup: 10,000 received and 10,000 sent on LinkUp. Only the rows in
// view and a margin are in the DOM, whatever the list's size; the scrollbar still spans the whole
// list, screen readers hear each row's place in it, and the keyboard walks it. Search, the
// filters, "Select all shown", "Withdraw sent older than" and the CSV take the whole list.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { freshEmulatorAndBrowser } from './lib/e2e-scenario.mjs';
import { scenarioPath } from './lib/emulator.mjs';
import { screenshot, storedLists } from './lib/extension.mjs';
import { addAccount, readerPage } from './lib/sync-events.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('sync.json'), 'utf8'));
const session = freshEmulatorAndBrowser('sync.json');
const MAX_ROWS_IN_DOM = 200;

async function heavyAccount() {
  const key = scenario.keys.find((known) => known.provider === 'linkup');
  const account = key.accounts.find((known) => known.account_id === 'acc_sync_linkup_10k');
  const reader = await readerPage(session.browser);
  await addAccount(session.browser, reader, {
    id: 'heavy', label: 'Heavy', provider: 'linkup', api_key: key.api_key,
    account_id: account.account_id, base_url: session.emulator.url, plan: account.plan,
  });
  await reader.close();
}

const rowsInDom = (popup) => popup.locator('#list > li').count();
/** The place in the list of the row that has focus, when it is whole in view below the selection bar. */
const focusedPlace = (popup) => popup.evaluate(() => {
  const row = document.activeElement.closest('li');
  const box = row?.getBoundingClientRect();
  const bar = document.getElementById('selection').getBoundingClientRect();
  return box && box.top >= Math.max(0, bar.bottom) - 1 && box.bottom <= innerHeight + 1 ? row.getAttribute('aria-posinset') : 'out of view';
});

test('10,000 received: at most 200 rows in the DOM, the last one reached by scrolling, the arrows walk the list', async () => {
  await heavyAccount();
  const popup = await session.browser.openPopup();
  await popup.locator('#count-received').filter({ hasText: '10000' }).waitFor();
  const first = popup.locator('#list > li').first();
  await first.waitFor();
  // The full lists are read once the first screen is up.
  await popup.locator('#list-tools').waitFor();
  assert.equal(await first.getAttribute('aria-posinset'), '1');
  assert.equal(await first.getAttribute('aria-setsize'), '10000');
  assert.ok(await rowsInDom(popup) <= MAX_ROWS_IN_DOM, `${await rowsInDom(popup)} rows in the DOM`);
  const inView = () => popup.evaluate(() => [...document.querySelectorAll('#list > li')]
    .filter((row) => { const box = row.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }).length);
  await screenshot(popup, 'heavy-received-top', { fullPage: false });
  assert.ok(await inView() >= 6, `${await inView()} whole rows in view at 380 × 600, under the tools`);

  await popup.evaluate(() => scrollTo(0, document.documentElement.scrollHeight));
  const last = popup.locator('#list > li[aria-posinset="10000"]');
  await last.waitFor();
  assert.ok(await last.isVisible());
  assert.ok(await rowsInDom(popup) <= MAX_ROWS_IN_DOM, `${await rowsInDom(popup)} rows in the DOM at the bottom`);
  await screenshot(popup, 'heavy-received-bottom', { fullPage: false });

  // Home from the last row, then down: focus moves from row to row, each brought into view.
  await last.focus();
  await popup.keyboard.press('Home');
  assert.equal(await focusedPlace(popup), '1');
  for (let step = 0; step < 3; step += 1) await popup.keyboard.press('ArrowDown');
  assert.equal(await focusedPlace(popup), '4');
  await popup.keyboard.press('PageDown');
  const paged = await focusedPlace(popup);
  assert.ok(Number(paged) > 6, `a page further: ${paged}`);
  await popup.keyboard.press('End');
  assert.equal(await focusedPlace(popup), '10000');
  assert.ok(await rowsInDom(popup) <= MAX_ROWS_IN_DOM + 1);

  // Sent: the whole list's count and places, the same bounded DOM.
  await popup.getByRole('tab', { name: /^Sent/ }).click();
  const sentFirst = popup.locator('#list > li').first();
  await sentFirst.waitFor();
  assert.equal(await sentFirst.getAttribute('aria-setsize'), '10000');
  assert.ok(await rowsInDom(popup) <= MAX_ROWS_IN_DOM);
});

test('10,000 + 10,000: a search, all of a filter selected, "withdraw older than" counted and the CSV of what is shown, with the page holding 200 rows at most', async () => {
  await heavyAccount();
  const popup = await session.browser.openPopup();
  await popup.locator('#list-tools').waitFor({ timeout: 60_000 });
  const stored = await storedLists(popup);
  assert.equal(stored.received.length, 10000);

  // Every received invitation whose headline holds "12", selected with at most 200 rows in the
  // DOM: the filter and the selection are the whole list's.
  await popup.locator('#filters summary').click();
  await popup.getByLabel('Headline has').fill('12');
  const kept = stored.received.filter((row) => (row.person.headline ?? '').toLowerCase().includes('12')).length;
  assert.ok(kept > 200 && kept < 10000, `${kept} kept by the filter`);
  const all = popup.getByRole('checkbox', { name: `Select all shown (${kept})` });
  await all.check();
  await popup.getByRole('button', { name: `Decline selected (${kept})` }).waitFor();
  assert.ok(await rowsInDom(popup) <= MAX_ROWS_IN_DOM);
  await popup.getByRole('button', { name: 'Clear selection' }).click();
  await popup.getByLabel('Headline has').fill('');

  // Sent: how many are older than 30 days is said before anything starts.
  await popup.getByRole('tab', { name: /^Sent/ }).click();
  const now = Date.now();
  const older = stored.sent.filter((row) => row.sent_at_ms != null && now - row.sent_at_ms > 30 * 86_400_000).length;
  assert.ok(older > 0 && older < 10000, `${older} older than 30 days`);
  await popup.getByLabel('Withdraw sent older than').selectOption('30');
  await popup.getByRole('button', { name: 'Withdraw…' }).click();
  await popup.getByRole('dialog', { name: `Withdraw ${older} sent invitations older than 30 days?` }).waitFor();
  await popup.keyboard.press('Escape');
  await popup.getByRole('dialog').waitFor({ state: 'hidden' });

  // A search, then the CSV of exactly what it shows.
  await popup.getByRole('searchbox', { name: 'Search' }).fill('contact 12');
  const found = stored.sent.filter((row) => {
    const text = `${row.person.name}\n${row.person.headline ?? ''}`.toLowerCase();
    return text.includes('contact') && text.includes('12');
  }).length;
  assert.ok(found > 0 && found < 10000, `${found} found`);
  await popup.getByRole('checkbox', { name: `Select all shown (${found})` }).waitFor();
  assert.ok(await rowsInDom(popup) <= Math.min(found, MAX_ROWS_IN_DOM));
  const [download] = await Promise.all([
    popup.waitForEvent('download'),
    popup.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
  assert.equal(lines.length, found + 1, 'the header and a row per invitation shown');
  assert.ok(lines.slice(1).every((line) => /contact/i.test(line) && line.includes('12')), 'each row is one the search found');
});
