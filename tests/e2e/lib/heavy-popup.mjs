// What the popup feels like on a heavy account, for `./build.sh bench`: in a popup-sized page on
// lists the worker read from the emulator, when it settles (the end of its last long task), the
// rows and nodes in the DOM and the JS heap once it has, the frames of a scroll down the list,
// a search keystroke to the list updated, and a switch between Received and Sent, beside an
// empty extension page's first paint. Figures, not pass/fail.
import { launchExtension } from './extension.mjs';
import { median, percentile } from './figures.mjs';
import { addAccount, readerPage } from './sync-events.mjs';

const OPENS = 3;


/** Long tasks, from the page's start (what keeps it from answering), and the first row's paint. */
function watchLongTasks() {
  self.longTasks = [];
  self.firstRowPainted = 0;
  new PerformanceObserver((list) => self.longTasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    const row = list.getEntries().find((entry) => entry.identifier === 'invitation');
    if (row && !self.firstRowPainted) self.firstRowPainted = row.renderTime || row.loadTime;
  }).observe({ type: 'element', buffered: true });
}

/**
 * In the page: makes the change `name` with `argument`, then follows the frames until the list has
 * not changed for five of them; how long after the change came the last frame with a change in
 * it. Rows appended over several frames count until the last one.
 */
async function timedChange([name, argument]) {
  const list = document.getElementById('list');
  const changes = {
    search: (text) => {
      const box = document.getElementById('search');
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    },
    tab: (tab) => document.querySelector(`[role="tab"][data-tab="${tab}"]`).click(),
  };
  let changed = 0;
  const observer = new MutationObserver(() => { changed = performance.now(); });
  observer.observe(list, { childList: true, subtree: true, attributes: true });
  const start = performance.now();
  changes[name](argument);
  let lastChangeFrame = start;
  let seen = 0;
  let quiet = 0;
  while (quiet < 5) {
    const frame = await new Promise((resolve) => requestAnimationFrame(resolve));
    if (changed !== seen) {
      seen = changed;
      lastChangeFrame = frame;
      quiet = 0;
    } else {
      quiet += 1;
    }
  }
  observer.disconnect();
  return Math.max(lastChangeFrame, start) - start;
}

/** When the text of an empty extension page (bench.mjs writes it) is on screen: the reference. */
async function emptyPage(browser) {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/bench-empty.html`);
  const at = await page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((entries) => resolve(entries.getEntries()[0].renderTime)).observe({ type: 'element', buffered: true });
  }));
  await page.close();
  return at;
}

async function openOnce(browser) {
  const page = await browser.context.newPage();
  await page.addInitScript(watchLongTasks);
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  // Settled: the full lists are in, and no long task for a second.
  await page.locator('#list-tools').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => {
    const last = self.longTasks.at(-1);
    return performance.now() - (last ? last.startTime + last.duration : 0) > 1000;
  }, null, { timeout: 120_000, polling: 100 });
  const settled = await page.evaluate(() => {
    const last = self.longTasks.at(-1);
    return Math.max(last ? last.startTime + last.duration : 0, self.firstRowPainted);
  });
  const dom = await page.evaluate(() => ({
    rows: document.querySelectorAll('#list > li').length,
    nodes: document.getElementsByTagName('*').length,
    heapMb: performance.memory.usedJSHeapSize / 2 ** 20,
  }));
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const gaps = [];
    let last = performance.now();
    const step = (now) => {
      gaps.push(now - last);
      last = now;
      scrollBy(0, 240);
      if (gaps.length < 150) requestAnimationFrame(step);
      else resolve(gaps.slice(1));
    };
    requestAnimationFrame(step);
  }));
  await page.evaluate(() => scrollTo(0, 0));
  const searches = [];
  for (const query of ['1', '12', '123', '1234', '']) searches.push(await page.evaluate(timedChange, ['search', query]));
  const switches = [];
  for (const tab of ['sent', 'received', 'sent', 'received']) switches.push(await page.evaluate(timedChange, ['tab', tab]));
  await page.close();
  return { settled, ...dom, scrollP95: percentile(frames, 0.95), search: median(searches), tabSwitch: median(switches) };
}

/** The popup's figures on `account` (stored as Options would), the median of a few opens. */
export async function heavyPopup(extensionDir, account) {
  const browser = await launchExtension(extensionDir);
  try {
    const reader = await readerPage(browser);
    await addAccount(browser, reader, account);
    await reader.close();
    const opens = [];
    for (let open = 0; open < OPENS; open += 1) opens.push({ ...await openOnce(browser), emptyPage: await emptyPage(browser) });
    const of = (name) => median(opens.map((figures) => figures[name]));
    return Object.fromEntries(Object.keys(opens[0]).map((name) => [name, of(name)]));
  } finally {
    await browser.close();
  }
}
