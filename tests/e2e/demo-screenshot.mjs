// `./build.sh demo` without a display: opens the demo extension headless, waits for its popup
// to show the emulator's invitations, and saves a screenshot. Usage: node demo-screenshot.mjs <out.png>
import { launchExtension } from './lib/extension.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node tests/e2e/demo-screenshot.mjs <out.png>');
  process.exit(2);
}
const browser = await launchExtension();
try {
  const popup = await browser.openPopup();
  await popup.getByRole('listitem').first().waitFor({ timeout: 30_000 });
  await popup.getByRole('status').filter({ hasText: 'Up to date' }).waitFor({ timeout: 30_000 });
  await popup.screenshot({ path: out });
} finally {
  await browser.close();
}
