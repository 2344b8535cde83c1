// Accessibility measured with axe-core in Chromium: the popup (each tab, no account, an account's
// error banner, the received filters with an error, ticked rows, the confirmation dialog, a
// running bulk job) and the options page
// (its three forms, then each showing an error), in the light and the dark colour scheme, have no
// violation. A failure names every rule broken in every state, its impact, what it asks, and the
// elements at fault, so the message says what to fix.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { freshEmulatorAndBrowser, linkup, popupUpToDate, storedAccount, unipile } from './lib/e2e-scenario.mjs';
import { waitForBadge } from './lib/extension.mjs';

// Evaluated through the DevTools protocol: the extension's pages allow no inline script, so
// page.addScriptTag is refused by their Content Security Policy, which stays as shipped.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const COLOR_SCHEMES = ['light', 'dark'];
// Ten minutes between actions: a bulk job started in a test is still running when axe looks at it.
const SLOW_PACING = { action_delay_min_s: 600, action_delay_max_s: 600 };

const session = freshEmulatorAndBrowser();

const storeAccounts = (accounts) =>
  session.browser.worker.evaluate((list) => chrome.storage.local.set({ accounts: list }), accounts);

/** One violation as a line per element at fault, with why axe says it fails. */
function describeViolation({ id, impact, help, nodes }) {
  const targets = nodes.map((node) => `      ${node.target.join(' ')}: ${(node.failureSummary ?? '').replace(/\s+/g, ' ')}`);
  return [`    ${id} (${impact}): ${help}`, ...targets].join('\n');
}

/**
 * What axe finds on one page in one colour scheme: `audit` runs it on the page as it is now and
 * logs the counts; `assertNone` fails with every violation of every state audited.
 */
function auditor(pageName, colorScheme) {
  const found = [];
  return {
    async audit(page, state) {
      const where = `${pageName} ${state} ${colorScheme}`;
      const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
      assert.equal(dark, colorScheme === 'dark', `${where}: the page is in the colour scheme audited`);
      if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
      const { violations, passes } = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
      console.log(`axe: ${where}: ${violations.length} violations, ${passes.length} passes`);
      if (violations.length) found.push(`  ${where}:\n${violations.map(describeViolation).join('\n')}`);
    },
    assertNone: () => assert.equal(found.length, 0, `axe violations:\n${found.join('\n')}`),
  };
}

/** A new page on `path` of the extension, in `colorScheme`, at `size`. */
async function openExtensionPage(path, colorScheme, size) {
  const page = await session.browser.context.newPage();
  if (size) await page.setViewportSize(size);
  await page.emulateMedia({ colorScheme });
  await page.goto(`chrome-extension://${session.browser.extensionId}/${path}`);
  return page;
}

const rowCount = (popup, count) =>
  popup.waitForFunction((n) => document.querySelectorAll('#list > li').length === n, count);

for (const colorScheme of COLOR_SCHEMES) {
  test(`the popup has no axe violation in any state, ${colorScheme}`, async () => {
    const { audit, assertNone } = auditor('popup', colorScheme);

    const empty = await openExtensionPage('popup.html', colorScheme);
    await empty.getByRole('button', { name: 'Add an account in Options' }).waitFor();
    await audit(empty, 'empty');
    await empty.close();

    await storeAccounts([storedAccount(linkup, session.emulator.url, { label: 'Old key', api_key: 'lk_revoked_a11y_0042' })]);
    await waitForBadge(session.browser.worker, '!');
    const rejected = await openExtensionPage('popup.html', colorScheme);
    await rejected.getByRole('alert').filter({ hasText: 'Old key: The API key was rejected.' }).waitFor();
    await rejected.getByText('Nothing to show until the problem above is solved.').waitFor();
    await audit(rejected, 'error');
    await rejected.close();

    const accounts = [storedAccount(linkup, session.emulator.url), storedAccount(unipile, session.emulator.url)];
    const received = linkup.account.received.length + unipile.account.received.length;
    const popup = await popupUpToDate(session, { accounts, settings: SLOW_PACING, received });
    await popup.emulateMedia({ colorScheme });
    await rowCount(popup, received);
    await popup.getByRole('button', { name: 'Accept all' }).waitFor();
    await audit(popup, 'received');
    await popup.getByText('Filter', { exact: true }).click();
    await popup.getByLabel('Received more than').fill('9');
    await popup.getByLabel('and less than').fill('2');
    await popup.locator('#bulk-error').getByText('Received less than (days ago) is not valid.').waitFor();
    await audit(popup, 'filters with an error');
    await popup.getByLabel('Received more than').fill('');
    await popup.getByLabel('and less than').fill('');
    await rowCount(popup, received);
    await popup.getByText('Filter', { exact: true }).click();

    await popup.getByRole('tab', { name: /^Sent/ }).click();
    await rowCount(popup, linkup.account.sent.length + unipile.account.sent.length);
    await popup.getByLabel('Withdraw sent older than').waitFor();
    await audit(popup, 'sent');

    await popup.getByRole('tab', { name: 'Invite' }).click();
    await popup.locator('#standing').filter({ hasText: /this week/ }).waitFor();
    await audit(popup, 'invite');

    await popup.getByRole('tab', { name: 'Stats' }).click();
    await popup.getByText(/^Counting since /).waitFor();
    await audit(popup, 'stats');

    await popup.getByRole('tab', { name: /^Received/ }).click();
    await rowCount(popup, received);
    for (const row of [0, 1]) await popup.locator('#list .select').nth(row).check();
    const acceptSelected = popup.getByRole('button', { name: 'Accept selected (2)' });
    await acceptSelected.waitFor();
    await audit(popup, 'selection');

    await acceptSelected.click();
    const dialog = popup.getByRole('dialog', { name: 'Accept 2 received invitations?' });
    await dialog.waitFor();
    await audit(popup, 'dialog');

    await dialog.getByRole('button', { name: 'Accept 2', exact: true }).click();
    const job = popup.getByRole('region', { name: 'Bulk jobs' }).getByRole('article', { name: 'Accepting 2 received invitations' });
    await job.getByText('Running', { exact: true }).waitFor();
    await job.getByRole('button', { name: /^Stop/ }).waitFor();
    await audit(popup, 'job');

    assertNone();
  });

  test(`the options page has no axe violation, with or without errors, ${colorScheme}`, async () => {
    const { audit, assertNone } = auditor('options', colorScheme);
    await storeAccounts([storedAccount(linkup, session.emulator.url, { label: 'Sales' })]);
    const page = await openExtensionPage('options.html', colorScheme, { width: 760, height: 900 });
    const button = (name) => page.getByRole('button', { name, exact: true });
    const field = (name) => page.getByLabel(name, { exact: true });

    await page.getByRole('listitem').filter({ hasText: 'Sales' }).locator('.account-cost').filter({ hasText: /credits/ }).waitFor();
    // The settings forms are filled once the page's wasm module is ready.
    await page.waitForFunction(() => Boolean(document.querySelector('[name="invite_delay_max_s"]')?.value));
    await button('Add account').click();
    await page.getByRole('heading', { name: 'Add an account' }).waitFor();
    await audit(page, 'forms');

    await field('Label').fill('Wrong key');
    await field('API key').fill('lk_wrong_a11y_key_0042');
    await field('Account ID').fill(linkup.account.account_id);
    await field('Base URL').fill(session.emulator.url);
    await button('Test connection').click();
    await page.locator('#form-error').getByText('The API key was rejected.').waitFor();
    await page.getByRole('spinbutton', { name: 'Refresh every (minutes)', exact: true }).fill('0');
    await button('Save refresh settings').click();
    await page.locator('#refresh-error').getByText('Refresh every (minutes) is not valid.').waitFor();
    await page.getByRole('spinbutton', { name: 'Weekly cap, free accounts', exact: true }).fill('151');
    await button('Save limits').click();
    await page.locator('#limits-error').getByText('Weekly cap, free accounts is not valid.').waitFor();
    await audit(page, 'errors');

    assertNone();
  });
}
