// Time as the tests' input. The extension reads the time from `Date` (the wasm module calls
// `Date.now`), so a test moves the clock of the worker, of the pages it follows and of the
// emulator together, and fires the alarms the worker set rather than waiting for them: no test
// waits for a poll period or a job's pace, and none depends on the day or the hour it runs.
import { until } from './extension.mjs';
import { pinDate } from './pin-date.js';

/**
 * The clock of one test: `at` (RFC 3339) pins it to that instant, else it starts at the
 * machine's time. `where` gives the background's side (`chromiumBackground` or Firefox's own):
 * `pin(offsetMs)`, `alarm(name)`, `fire(name)`, `session(key)`. `emulator`, when given, is moved
 * with it, so the provider's ages, windows and cooldowns agree with the extension's clock.
 */
export function testClock(where, { at, emulator } = {}) {
  let offsetMs = at === undefined ? 0 : Date.parse(at) - Date.now();
  const pages = new Set();
  const clock = {
    /** The extension's time now. */
    now: () => Date.now() + offsetMs,
    get offsetMs() { return offsetMs; },
    /** Applies the offset to the background (again after it restarted) and every page followed. */
    async apply() {
      await where.pin(offsetMs);
      for (const page of pages) {
        if (!page.isClosed()) await page.evaluate(pinDate, offsetMs);
      }
    },
    /** Moves every clock `minutes` forward. */
    async advance(minutes) {
      offsetMs += minutes * 60_000;
      await emulator?.advanceClock(minutes * 60);
      await clock.apply();
    },
    /** Moves every clock forward to `ms` of the extension's time (never back). */
    async advanceTo(ms) {
      const ahead = ms - clock.now();
      if (ahead > 0) await clock.advance(ahead / 60_000);
    },
    /** Follows a Playwright page: it is pinned before its scripts run, and moved with the rest. */
    async follow(page) {
      await page.addInitScript(pinDate, offsetMs);
      pages.add(page);
      return page;
    },
  };
  return clock;
}

/** The Chromium side of `testClock`: the extension's service worker (whichever runs now). */
export function chromiumBackground(browser) {
  const worker = () => browser.context.serviceWorkers()[0];
  return {
    pin: (offsetMs) => worker().evaluate(pinDate, offsetMs),
    alarm: (name) => worker().evaluate((name) => chrome.alarms.get(name), name),
    // The worker's own alarm handler, at once (Chrome delivers an alarm due now a second late);
    // a failure is the worker's to show, as when its listener calls it.
    fire: (name) => worker().evaluate((name) => { self.alarmFired(name).catch(() => {}); }, name),
    session: async (key) => (await worker().evaluate((key) => chrome.storage.session.get(key), key))[key],
    // What chrome.idle tells the worker, since no automation idles or locks a machine: 'idle' or
    // 'locked' from now on (in this worker), or 'active' for the browser's own answer again.
    presence: (state) => worker().evaluate((state) => {
      self.browserQueryState ??= chrome.idle.queryState;
      chrome.idle.queryState = state === 'active' ? self.browserQueryState : async () => state;
    }, state),
    // The worker's own listener of chrome.idle.onStateChanged, as the browser calls it.
    presenceChanged: (state) => worker().evaluate((state) => { self.presenceChanged(state).catch(() => {}); }, state),
  };
}

/**
 * Fires the alarm `name` now and waits until the work it starts has ended, as the worker records
 * in session storage under `endedKey` (`synced`, `jobs_advanced`): a negative check after it
 * sees every step of that work done.
 */
export async function fireAndWait(where, clock, name, endedKey) {
  const since = clock.now();
  await where.fire(name);
  await until(async () => ((await where.session(endedKey)) ?? 0) >= since, `the ${name} alarm's work to end`, 120_000);
}

/** The jobs' next paced step, now: the clock moves to the wake-up the worker set, and it is fired. */
export async function nextJobStep(where, clock) {
  const alarm = await where.alarm('jobs');
  if (alarm) await clock.advanceTo(alarm.scheduledTime);
  await fireAndWait(where, clock, 'jobs', 'jobs_advanced');
}

/**
 * Runs the jobs' paced steps one after the other, each at once, until `condition` resolves to
 * something truthy, and returns it; at most `steps` wake-ups.
 */
export async function runJobsUntil(where, clock, condition, what, steps = 200) {
  for (let step = 0; step < steps; step += 1) {
    const value = await condition();
    if (value) return value;
    await nextJobStep(where, clock);
  }
  throw new Error(`${steps} job steps and still no ${what}`);
}
