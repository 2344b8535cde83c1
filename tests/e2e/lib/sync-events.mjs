// What staying in sync costs, measured in the real extension against the emulator: the calls
// and LinkUp credits the emulator counted and the bytes written to chrome.storage.local, for
// each event of a day (a poll with nothing new, a poll with 3 new, the popup opening, an
// accept). Shared by the e2e tests, which assert the goals, and `./build.sh bench`, which prints
// the figures. Time in the service worker is moved by replacing its `Date.now`, which the wasm
// module reads; alarms are fired by setting them to now.
import { chromiumBackground, fireAndWait, runJobsUntil, testClock } from './clock.mjs';
import { until } from './extension.mjs';

/** The key the reader page writes to know that every earlier storage event has reached it; not counted. */
const MARK_KEY = 'e2e:written-mark';

/**
 * A page of the extension that sends no intent and stays open: storage is read and watched from
 * it, so reading never wakes the worker.
 */
export async function readerPage(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/manifest.json`);
  await page.evaluate((markKey) => {
    self.written = { bytes: 0, keys: 0 };
    chrome.storage.onChanged.addListener((changes, area) => {
      if (area !== 'local') return;
      for (const [key, change] of Object.entries(changes)) {
        if (key === markKey) continue;
        self.written.keys += 1;
        self.written.bytes += change.newValue === undefined ? 0 : JSON.stringify(change.newValue).length;
      }
    });
  }, MARK_KEY);
  return page;
}

/**
 * What the reader counted once every write the worker made so far has reached it: the worker
 * writes a mark after them, and one writer's changes reach a listener in the order it made them.
 */
async function writtenSoFar(browser, reader) {
  const mark = String(Math.random());
  await reader.evaluate(([key, mark]) => {
    self.marked = new Promise((resolve) => {
      const seen = (changes, area) => {
        if (area !== 'local' || changes[key]?.newValue !== mark) return;
        chrome.storage.onChanged.removeListener(seen);
        resolve({ ...self.written });
      };
      chrome.storage.onChanged.addListener(seen);
    });
  }, [MARK_KEY, mark]);
  await browser.context.serviceWorkers()[0].evaluate(([key, mark]) => chrome.storage.local.set({ [key]: mark }), [MARK_KEY, mark]);
  return reader.evaluate(() => self.marked);
}

/** The service worker's clock, moved forward by `advance`; reapplied to a restarted worker. */
export const workerClock = (browser) => testClock(chromiumBackground(browser));

/** When the worker last finished looking at every due list (its own clock), from session storage. */
export async function syncedAt(reader) {
  return (await reader.evaluate(() => chrome.storage.session.get('synced'))).synced ?? 0;
}

/** When each list of `accountId` was last checked, from session storage. */
export function checkedAt(reader, accountId) {
  return reader.evaluate(async (id) => {
    const keys = [`checked:received:${id}`, `checked:sent:${id}`];
    const stored = await chrome.storage.session.get(keys);
    return { received: stored[keys[0]] ?? 0, sent: stored[keys[1]] ?? 0 };
  }, accountId);
}

/**
 * Fires the polling alarm now and waits until the lists of `which` ('received', 'sent') are
 * checked and the sync that checked them has ended, its announcement and rule included.
 */
export async function poll(browser, clock, reader, accountId, which = ['received']) {
  await clock.apply();
  const since = clock.now();
  await chromiumBackground(browser).fire('refresh');
  await until(async () => {
    const checked = await checkedAt(reader, accountId);
    const last = Math.max(...which.map((direction) => checked[direction]));
    return last >= since && await syncedAt(reader) >= last;
  }, `the poll of ${which.join(' and ')}`);
}

/** Stores `account` as the options page would and waits until both its lists are read. */
export async function addAccount(browser, reader, account, settings = {}) {
  const storedAt = await browser.worker.evaluate(async ([account, settings]) => {
    const at = Date.now();
    await chrome.storage.local.set({ accounts: [account], settings });
    return at;
  }, [account, settings]);
  // Read, and the sync that read them ended: what it writes after the counts (the rest of the
  // rows, the stats) is written too.
  await until(async () => {
    const { view } = await reader.evaluate(() => chrome.storage.local.get('view'));
    const status = view?.accounts?.find((known) => known.id === account.id);
    return status?.received_count != null && status?.sent_count != null && await syncedAt(reader) >= storedAt;
  }, 'the first read of both lists', 120_000);
  // The storage events of a first read of thousands of rows reach the reader page late: no
  // measure counts them.
  await writtenSoFar(browser, reader);
}

/**
 * What `run` costs: the provider calls the emulator saw, the LinkUp credits it charged, and the
 * bytes written to chrome.storage.local.
 */
export async function cost(browser, emulator, reader, accountId, run) {
  await emulator.clearRequests();
  const before = (await emulator.account(accountId)).credits ?? 0;
  await reader.evaluate(() => { self.written = { bytes: 0, keys: 0 }; });
  await run();
  const written = await writtenSoFar(browser, reader);
  const requests = await emulator.requests();
  return {
    calls: requests.length,
    credits: before - ((await emulator.account(accountId)).credits ?? 0),
    bytes: written.bytes,
  };
}

/**
 * The events of a day on one account, each measured: a poll with nothing new, a poll after 3
 * new invitations arrived, the hourly poll that checks both lists, the popup opening two minutes
 * later, accepting one invitation, and the full read of every list (the popup's Refresh).
 */
export async function measureDay(browser, emulator, account) {
  const reader = await readerPage(browser);
  const clock = workerClock(browser);
  await addAccount(browser, reader, account);
  const id = account.id;
  const providerAccount = account.account_id;
  const figures = {};

  await clock.advance(16);
  figures.idlePoll = await cost(browser, emulator, reader, providerAccount, () => poll(browser, clock, reader, id));

  await emulator.linkedin(providerAccount, [{ arrive: { count: 3 } }]);
  await clock.advance(16);
  figures.pollWithThreeNew = await cost(browser, emulator, reader, providerAccount, () => poll(browser, clock, reader, id));

  await clock.advance(60);
  figures.hourlyPoll = await cost(browser, emulator, reader, providerAccount,
    () => poll(browser, clock, reader, id, ['received', 'sent']));

  await clock.advance(2);
  let popup;
  figures.popupOpen = await cost(browser, emulator, reader, providerAccount, async () => {
    const since = clock.now();
    popup = await browser.openPopup();
    await until(async () => {
      const checked = await checkedAt(reader, id);
      return checked.received >= since && checked.sent >= since;
    }, 'the checks the popup asked for');
  });

  figures.accept = await cost(browser, emulator, reader, providerAccount, async () => {
    const row = popup.locator('#list > li').first();
    await row.locator('button[data-intent="accept"]').click();
    await row.locator('.outcome.done').waitFor();
  });

  figures.fullRead = await cost(browser, emulator, reader, providerAccount, async () => {
    const since = clock.now();
    // By id: with thousands of rows, finding buttons by role computes every row's name.
    await popup.locator('#refresh').click();
    await popup.locator('#confirm-go').click();
    await until(async () => {
      const checked = await checkedAt(reader, id);
      return checked.received >= since && checked.sent >= since;
    }, 'the full read');
  });
  await popup.close();
  await reader.close();
  return figures;
}

/**
 * What a check and a full read cost while the provider pages with each of `faults` (the
 * emulator's paging faults): calls and credits of a poll of the received list, and of the
 * popup's Refresh, which reads every list in full.
 */
export async function pagingFaults(browser, emulator, account, faults) {
  const reader = await readerPage(browser);
  const clock = workerClock(browser);
  await addAccount(browser, reader, account);
  const id = account.id;
  const providerAccount = account.account_id;
  const popup = await browser.openPopup();
  const figures = [];
  for (const fault of faults) {
    await emulator.paging(fault);
    await clock.advance(16);
    const check = await cost(browser, emulator, reader, providerAccount, () => poll(browser, clock, reader, id));
    const fullRead = await cost(browser, emulator, reader, providerAccount, async () => {
      const since = clock.now();
      await popup.locator('#refresh').click();
      await popup.locator('#confirm-go').click();
      await until(async () => {
        const checked = await checkedAt(reader, id);
        return checked.received >= since && checked.sent >= since && await syncedAt(reader) >= since;
      }, 'the full read');
    });
    figures.push({ fault: fault?.kind ?? 'none', check, fullRead });
  }
  await emulator.paging(null);
  await popup.close();
  await reader.close();
  return figures;
}

/**
 * A day at the default settings, lived by the worker in a few minutes: the polling alarm fired every
 * 15 minutes of its clock (96 times), and the popup opened ten times, 5 minutes after a poll
 * (`popupAfter(n)` says after which). With `awayPolls`, the machine is locked for the first that
 * many polls, and the person's return is told to the worker before the next one. `settings` are
 * stored with the account; `beforeDay` runs once its lists are read, `beforePoll(n)` before poll
 * n. Returns the credits and calls the emulator counted, and the calls by action (LinkUp's
 * `action`, else method and path).
 */
export async function simulateDay(browser, emulator, account, {
  settings = {}, beforeDay, beforePoll, awayPolls = 0, popupAfter = (poll) => poll % 10 === 5,
} = {}) {
  const reader = await readerPage(browser);
  const clock = workerClock(browser);
  await addAccount(browser, reader, account, settings);
  await beforeDay?.(clock, reader);
  await emulator.clearRequests();
  const before = (await emulator.account(account.account_id)).credits ?? 0;
  const byAction = {};
  const tally = async () => {
    const requests = await emulator.requests();
    await emulator.clearRequests();
    for (const request of requests) {
      const action = request.body?.action ?? `${request.method} ${request.path}`;
      byAction[action] = (byAction[action] ?? 0) + 1;
    }
    return requests.length;
  };
  let calls = 0;
  const background = chromiumBackground(browser);
  let minutesSincePoll = 0;
  for (let poll = 1; poll <= 96; poll += 1) {
    await beforePoll?.(poll);
    await clock.advance(15 - minutesSincePoll);
    minutesSincePoll = 0;
    if (poll <= awayPolls) {
      await background.presence('locked');
    } else if (poll === awayPolls + 1 && awayPolls > 0) {
      await background.presence('active');
      const since = clock.now();
      await background.presenceChanged('active');
      await until(async () => await syncedAt(reader) >= since, 'the check on return', 120_000);
    }
    await fireAndWait(background, clock, 'refresh', 'synced');
    if (popupAfter(poll)) {
      await clock.advance(5);
      minutesSincePoll = 5;
      const since = clock.now();
      const popup = await browser.openPopup();
      await until(async () => await syncedAt(reader) >= since, 'the popup\'s checks', 120_000);
      await popup.close();
    }
    calls += await tally();
  }
  // Work the day started (a bulk job's paced steps) ends before the count does; what waits past
  // the day (a rule's share for tomorrow) is not the day's.
  const dayEnds = clock.now() + 60_000;
  await runJobsUntil(background, clock, async () => {
    const alarm = await background.alarm('jobs');
    return !alarm || alarm.scheduledTime > dayEnds;
  }, 'end of the day\'s job steps');
  calls += await tally();
  const credits = before - ((await emulator.account(account.account_id)).credits ?? 0);
  await reader.close();
  return { credits, calls, byAction };
}

/**
 * A day of the automatic withdraw rule and the acceptance stats on `account` (LinkUp): the rule
 * on at its defaults (older than 30 days, 40 a day), 30 invitations sent from LinkedIn's site as
 * the day starts, 10 of them accepted by their recipients a fifth into the day and 5 declined
 * later. Bulk steps a second apart, which changes their pace, not their cost.
 */
export function ruleAndStatsDay(browser, emulator, account) {
  let sentToday = [];
  const changes = (kind, ids) => ids.map((id) => ({ [kind]: id }));
  return simulateDay(browser, emulator, {
    ...account, auto_withdraw: { enabled: true, older_than_days: 30, per_day: 40 },
  }, {
    settings: { action_delay_min_s: 1, action_delay_max_s: 1 },
    beforeDay: async () => {
      const made = await emulator.linkedin(account.account_id, [{ sent_on_site: { count: 30 } }]);
      sentToday = made.changes[0].ids;
    },
    beforePoll: async (poll) => {
      if (poll === 20) await emulator.linkedin(account.account_id, changes('accepted_by_them', sentToday.slice(0, 10)));
      if (poll === 60) await emulator.linkedin(account.account_id, changes('declined_by_them', sentToday.slice(10, 15)));
    },
  });
}
