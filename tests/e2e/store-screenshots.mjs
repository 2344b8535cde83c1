// `./build.sh store`: the store's screenshots at 1280×800 from the demo scenario. The popup is
// shown at its own size on a plain 1280×800 canvas with one line saying what it shows; the
// options page fills the frame. Usage: node tests/e2e/store-screenshots.mjs <out dir>
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchExtension, POPUP_SIZE } from './lib/extension.mjs';

const FRAME = { width: 1280, height: 800 };

const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/e2e/store-screenshots.mjs <out dir>');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

/** The popup's picture on the store's canvas, with its caption, saved as `name`. */
async function framed(browser, popupPicture, caption, name) {
  const canvas = await browser.context.newPage();
  await canvas.setViewportSize(FRAME);
  await canvas.setContent(`<!doctype html><meta charset="utf-8">
    <body style="margin:0;height:100vh;display:flex;align-items:center;justify-content:center;gap:64px;
      font:600 34px/1.3 system-ui,sans-serif;color:#1d2733;background:linear-gradient(135deg,#eef3f8,#dde7f1)">
      <p style="max-width:420px;margin:0"></p>
      <img alt="" style="width:${POPUP_SIZE.width}px;border-radius:10px;box-shadow:0 12px 40px #0003">
    </body>`);
  await canvas.evaluate(([text, picture]) => {
    document.querySelector('p').textContent = text;
    document.querySelector('img').src = `data:image/png;base64,${picture}`;
    return document.querySelector('img').decode();
  }, [caption, popupPicture.toString('base64')]);
  await canvas.screenshot({ path: join(out, `${name}.png`) });
  await canvas.close();
}

const browser = await launchExtension();
try {
  const popup = await browser.openPopup();
  await popup.getByRole('listitem').first().waitFor({ timeout: 30_000 });
  await popup.getByRole('status').filter({ hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  await framed(browser, await popup.screenshot(), 'Every pending invitation, from all your accounts, one click away.', 'popup-received');

  await popup.getByRole('tab', { name: 'Sent' }).click();
  await popup.getByRole('listitem').first().waitFor();
  await framed(browser, await popup.screenshot(), 'Withdraw what went unanswered, one by one or all older than a few weeks.', 'popup-sent');

  await popup.getByRole('tab', { name: 'Received' }).click();
  await popup.getByRole('button', { name: 'Accept all' }).click();
  await popup.getByRole('dialog').getByRole('button', { name: /^Accept \d+$/ }).click();
  await popup.getByRole('article').getByText('Running', { exact: true }).waitFor();
  await framed(browser, await popup.screenshot(), 'Bulk work runs paced, inside LinkedIn’s weekly limits, and can be stopped.', 'bulk-job');

  const options = await browser.context.newPage();
  await options.setViewportSize(FRAME);
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.getByRole('list').first().waitFor();
  await options.screenshot({ path: join(out, 'options.png') });
} finally {
  await browser.close();
}
