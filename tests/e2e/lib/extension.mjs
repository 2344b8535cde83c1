// Launches Debian's Chromium with the built extension loaded unpacked, in a fresh profile, and
// gives the tests what a user touches: the service worker (for storage and the badge) and the
// popup page.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const POPUP_SIZE = { width: 380, height: 600 };

/**
 * A browser with the extension; `keptProfile` reuses a profile and leaves it for the next launch;
 * `timezone` (an IANA name) is the browser's time zone, else the machine's.
 */
export async function launchExtension(extensionDir = process.env.INVITE_DESK_EXTENSION, keptProfile = undefined, { timezone } = {}) {
  if (!extensionDir) throw new Error('INVITE_DESK_EXTENSION is not set: run the tests through ./build.sh test');
  const profile = keptProfile ?? mkdtempSync(join(tmpdir(), 'invite-desk-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: POPUP_SIZE,
    ...(timezone ? { env: { ...process.env, TZ: timezone } } : {}),
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    worker,
    extensionId,
    /** The popup, opened as a page of the popup's size; `prepare(page)` runs before it loads. */
    openPopup: async (prepare) => {
      const page = await context.newPage();
      await prepare?.(page);
      await page.goto(`chrome-extension://${extensionId}/popup.html`);
      return page;
    },
    close: async () => {
      await context.close();
      if (!keptProfile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Stops the extension's service worker the way Chrome does after 30 s idle, from
 * chrome://serviceworker-internals (CDP's stopAllWorkers would close the whole context).
 * Returns the stopped worker's performance.timeOrigin, for `workerStartedAfter`.
 */
export async function stopServiceWorker(browser) {
  const before = await browser.context.serviceWorkers()[0].evaluate(() => performance.timeOrigin);
  const internals = await browser.context.newPage();
  await internals.goto('chrome://serviceworker-internals/');
  await internals.getByRole('button', { name: 'Stop' }).first().click();
  await internals.close();
  return before;
}

/** The service worker that started after `timeOrigin`, once one has. */
export async function workerStartedAfter(browser, timeOrigin, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const worker of browser.context.serviceWorkers()) {
      // A stopped worker's handle may never answer.
      const origin = await Promise.race([
        worker.evaluate(() => performance.timeOrigin).catch(() => timeOrigin),
        new Promise((resolve) => setTimeout(resolve, 250, timeOrigin)),
      ]);
      if (origin > timeOrigin) return worker;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no service worker started again');
}

/** Waits until `condition` resolves to something truthy, and returns it. */
export async function until(condition, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the toolbar badge shows `expected`, and returns it. */
export async function waitForBadge(worker, expected, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let text;
  while (Date.now() < deadline) {
    text = await worker.evaluate(() => chrome.action.getBadgeText({}));
    if (text === expected) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`badge is "${text}", expected "${expected}"`);
}

/** Saves a screenshot for people to look at, when the run asks for them: the whole page, or the viewport of a long one. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  const dir = process.env.INVITE_DESK_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}

/**
 * Every invitation the extension keeps, read from chrome.storage.local as `src/lists.rs` lays it
 * out (a head per account and direction naming its chunks of rows): `{received, sent}`, each
 * account's rows in its provider's order, accounts one after the other; `heads` by key. `where`
 * is the worker or an extension page.
 */
export async function storedLists(where) {
  return where.evaluate(async () => {
    const stored = await chrome.storage.local.get(null);
    const lists = { received: [], sent: [], heads: {} };
    for (const [key, head] of Object.entries(stored)) {
      const [kind, direction, ...account] = key.split(':');
      if (kind !== 'list') continue;
      lists.heads[key] = head;
      for (const chunk of head.chunks) lists[direction].push(...stored[`rows:${direction}:${account.join(':')}:${chunk.seq}`]);
    }
    return lists;
  });
}
