// The e2e scenario as the tests' oracle: what the emulator was told to hold, read from the
// scenario file itself, never from the emulator or the extension.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach } from 'node:test';
import { scenarioPath, startEmulator } from './emulator.mjs';
import { chromiumBackground, runJobsUntil, testClock } from './clock.mjs';
import { launchExtension, waitForBadge } from './extension.mjs';

export const scenario = JSON.parse(readFileSync(scenarioPath('e2e.json'), 'utf8'));
const people = new Map(scenario.people.map((person) => [person.public_identifier, person]));

export const personOf = (identifier) => people.get(identifier);
// As LinkedIn shows a name: Chinese, Japanese and Korean family name first, without a space.
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\s]+$/u;
export function fullName(person) {
  const parts = [person.first_name, person.last_name].filter(Boolean);
  return CJK.test(parts.join('')) ? parts.reverse().join('') : parts.join(' ');
}

const keyOf = (apiKey) => scenario.keys.find((key) => key.api_key === apiKey);
export const linkup = { key: keyOf('lk_e2e_key'), account: keyOf('lk_e2e_key').accounts[0] };
export const unipile = { key: keyOf('up_e2e_key'), account: keyOf('up_e2e_key').accounts[0] };

/** The people of a scenario list, newest first, as the popup shows them. */
export const newestFirst = (invitations) =>
  [...invitations].sort((a, b) => a.days_ago - b.days_ago).map((invitation) => personOf(invitation.person));

/** The stored account that points one of the scenario's accounts at the running emulator. */
export function storedAccount(which, emulatorUrl, overrides = {}) {
  const provider = which.key.provider;
  return {
    id: provider === 'linkup' ? 'work' : 'recruiting',
    label: provider === 'linkup' ? 'Work' : 'Recruiting',
    provider,
    api_key: which.key.api_key,
    account_id: which.account.account_id,
    base_url: emulatorUrl,
    plan: which.account.plan,
    ...overrides,
  };
}

/** The bulk jobs as stored, read in the worker that runs now, each with its items from the
 * chunks the worker keeps them in (`job_items:{job}:{n}`). */
export async function storedJobs(browser) {
  const worker = browser.context.serviceWorkers()[0];
  const stored = await worker.evaluate(() => chrome.storage.local.get(null));
  return (stored.jobs ?? []).map((job) => {
    const prefix = `job_items:${job.id}:`;
    const keys = Object.keys(stored).filter((key) => key.startsWith(prefix))
      .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
    return { ...job, items: keys.flatMap((key) => stored[key]) };
  });
}

/**
 * Each test of the calling file gets a fresh emulator on a scenario (this one by default) and a
 * fresh browser, and `session.clock`, the test's clock. `session.pin(at, timezone)`, called first
 * in a test, starts them at the instant `at` instead, the browser in `timezone`.
 */
export function freshEmulatorAndBrowser(scenarioName = 'e2e.json') {
  const session = {
    /**
     * Runs the jobs' paced steps at once, each when the clock reaches it, until a stored job
     * satisfies `predicate`, and returns that job. Stored, not shown: a popup repaints a moment
     * after, and one step too many could move the clock past a day's share.
     */
    runJobs: (predicate, what) => runJobsUntil(chromiumBackground(session.browser), session.clock,
      async () => (await storedJobs(session.browser)).find(predicate), what),
    async pin(at, timezone) {
      await session.browser?.close();
      await session.emulator?.stop();
      session.emulator = await startEmulator(scenarioName, { clock: at });
      session.browser = await launchExtension(undefined, undefined, { timezone });
      session.clock = testClock(chromiumBackground(session.browser), { at, emulator: session.emulator });
      await session.clock.apply();
    },
  };
  beforeEach(async () => {
    session.emulator = await startEmulator(scenarioName);
    session.browser = await launchExtension();
    session.clock = testClock(chromiumBackground(session.browser), { emulator: session.emulator });
  });
  afterEach(async () => {
    await session.browser?.close();
    await session.emulator?.stop();
  });
  return session;
}

/**
 * Stores `accounts` and `settings` as the options page would, waits until the badge counts the
 * `received` invitations, and opens the popup once it says it is up to date.
 */
export async function popupUpToDate(session, { accounts, settings, received }) {
  await session.browser.worker.evaluate(
    ([accounts, settings]) => chrome.storage.local.set({ accounts, settings }),
    [accounts, settings],
  );
  await waitForBadge(session.browser.worker, String(received));
  const popup = await session.browser.openPopup((page) => session.clock?.follow(page));
  await popup.getByRole('status').filter({ hasText: 'Up to date' }).waitFor();
  return popup;
}
