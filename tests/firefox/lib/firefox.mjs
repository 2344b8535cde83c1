// Launches Debian's Firefox ESR headless through geckodriver with the Firefox build installed as
// a temporary add-on, at a fixed internal UUID, and gives the tests what a person touches: the
// extension's pages in tabs, the permission prompt, and the background page, which a test may
// stop as Firefox does when it is idle.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Builder, By, until as seleniumUntil } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { until } from '../../e2e/lib/extension.mjs';

export { By, until };

/** A Firefox with the extension at `extensionDir`; `preferences` are set before it starts. */
export async function launchFirefox(extensionDir = process.env.INVITE_DESK_FIREFOX_EXTENSION, preferences = {}) {
  if (!extensionDir) throw new Error('INVITE_DESK_FIREFOX_EXTENSION is not set: run the tests through ./build.sh test');
  const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8'));
  const addonId = manifest.browser_specific_settings.gecko.id;
  const uuid = randomUUID();
  const options = new firefox.Options()
    .setBinary(process.env.FIREFOX ?? '/usr/bin/firefox-esr')
    .addArguments('-headless')
    .windowSize({ width: 1000, height: 900 })
    // WebDriver may not open moz-extension:// pages: the tests open them from the browser's own
    // window, at a base address they know.
    .setPreference('extensions.webextensions.uuids', JSON.stringify({ [addonId]: uuid }))
    .setPreference('browser.shell.checkDefaultBrowser', false)
    .setPreference('datareporting.policy.dataSubmissionEnabled', false)
    .setPreference('app.update.disabledForTesting', true);
  for (const [name, value] of Object.entries(preferences)) options.setPreference(name, value);
  const service = new firefox.ServiceBuilder(process.env.GECKODRIVER ?? 'geckodriver')
    .addArguments('--allow-system-access');
  const driver = await new Builder()
    .forBrowser(Browser.FIREFOX)
    .setFirefoxOptions(options)
    .setFirefoxService(service)
    .build();
  await driver.installAddon(extensionDir, true);
  const base = `moz-extension://${uuid}`;

  /** Runs `script` (a function body with `arguments`) in the browser's own window. */
  async function inChrome(script, ...args) {
    await driver.setContext('chrome');
    try {
      return await driver.executeAsyncScript(script, ...args);
    } finally {
      await driver.setContext('content');
    }
  }

  /** Runs `script` (an async function body taking `args`) in the current extension page. */
  const inPage = (script, ...args) => driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const args = [...arguments].slice(0, -1);
    (async (...args) => { ${script} })(...args).then(
      (value) => done({ value }),
      (error) => done({ error: String(error?.message ?? error) }),
    );`, ...args).then((answer) => {
    if (answer.error) throw new Error(answer.error);
    return answer.value;
  });

  return {
    driver,
    addonId,
    base,
    /** Opens an extension page in a new tab and makes it the one WebDriver drives. */
    async open(path) {
      const before = new Set(await driver.getAllWindowHandles());
      await inChrome(`
        const [url, done] = arguments;
        gBrowser.selectedTab = gBrowser.addTab(url, {
          triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal(),
        });
        done();`, `${base}/${path}`);
      const handle = await until(async () => (await driver.getAllWindowHandles()).find((h) => !before.has(h)), `a tab for ${path}`);
      await driver.switchTo().window(handle);
      await driver.wait(async () => (await driver.getCurrentUrl()).startsWith(base), 10_000);
      await driver.wait(seleniumUntil.elementLocated(By.css('body')), 10_000);
      return handle;
    },
    /**
     * Answers the browser's permission prompt for the extension, "Allow" or "Don't allow", once it
     * shows; returns the hosts it named.
     */
    answerPermissionPrompt: (allow) => inChrome(`
      const [allow, done] = arguments;
      const deadline = Date.now() + 15000;
      (function look() {
        const prompt = PopupNotifications.getNotification('addon-webext-permissions');
        const shown = prompt && PopupNotifications.panel.state === 'open'
          && [...PopupNotifications.panel.children].find((node) => node.notification === prompt);
        if (shown) {
          const named = [...shown.querySelectorAll('li')].map((item) => item.textContent);
          (allow ? shown.button : shown.secondaryButton).click();
          return done({ named });
        }
        if (Date.now() > deadline) return done({ error: 'no permission prompt showed' });
        setTimeout(look, 100);
      })();`, allow).then((answer) => {
      if (answer.error) throw new Error(answer.error);
      return answer.named;
    }),
    /** Stops the background page as Firefox does after it has been idle, and waits until it is stopped. */
    stopBackground: () => inChrome(`
      const [id, done] = arguments;
      const extension = WebExtensionPolicy.getByID(id).extension;
      extension.terminateBackground({ ignoreDevToolsAttached: true }).then(
        () => done({ state: extension.backgroundState }),
        (error) => done({ error: String(error) }),
      );`, addonId).then((answer) => {
      if (answer.error) throw new Error(answer.error);
      return answer.state;
    }),
    /** The background page's state: "running", "suspending", "stopped" or "starting". */
    backgroundState: () => inChrome(`
      const [id, done] = arguments;
      done(WebExtensionPolicy.getByID(id).extension.backgroundState);`, addonId),
    inPage,
    /**
     * The background's side of the test clock (`../e2e/lib/clock.mjs`), reached from the current
     * extension page; the test build's background defines `pinClock` in its own realm.
     */
    background: {
      pin: (offsetMs) => inPage('(await browser.runtime.getBackgroundPage()).pinClock(args[0]);', offsetMs),
      alarm: (name) => inPage('return (await browser.alarms.get(args[0])) ?? null;', name),
      fire: (name) => inPage('await browser.alarms.create(args[0], { when: Date.now() });', name),
      session: (key) => inPage('return (await browser.storage.session.get(args[0]))[args[0]];', key),
    },
    quit: () => driver.quit(),
  };
}
