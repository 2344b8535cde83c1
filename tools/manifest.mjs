// The one manifest source, extension/manifest.json, written for each target: Chrome and Edge
// take it as it is; Firefox gets an event page instead of a service worker and its add-on
// settings; the test, demo and bench copies also reach the emulator on loopback.
//
// Usage: node tools/manifest.mjs firefox <manifest.json>
//        node tools/manifest.mjs loopback <manifest.json> <name suffix>
//        node tools/manifest.mjs background <manifest.json> <script.js>
// Each rewrites the file in place.
import { readFileSync, writeFileSync } from 'node:fs';

const GECKO_ID = 'invite-desk@invitedesk.app';
// The lowest Firefox with everything the extension uses, as web-ext lint measures it against
// each key's first version: `data_collection_permissions` (140; 142 on Android),
// `optional_host_permissions` (128), module event pages (112). The suite runs on ESR 140.
const FIREFOX_MIN = '140.0';
const FIREFOX_ANDROID_MIN = '142.0';
const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];

function firefox(manifest) {
  const { minimum_chrome_version: _chromeOnly, background, ...rest } = manifest;
  return {
    ...rest,
    background: { scripts: [background.service_worker], type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN,
        // What leaves the browser goes to the provider the person chose, never to us: their
        // key (authentication), the profiles they invite or answer (identifying) and their notes
        // (communications).
        data_collection_permissions: { required: ['authenticationInfo', 'personallyIdentifyingInfo', 'personalCommunications'] },
      },
      gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN },
    },
  };
}

// Loopback goes in the optional hosts only on Firefox, where the tests grant it from the
// options page as a person grants a provider's address; on Chrome both lists have it, and
// notifications are granted at install too: no automation answers Chrome's permission dialog,
// so there the options page's request finds the permission already given.
function loopback(manifest, suffix) {
  const optional = [...(manifest.optional_host_permissions ?? []), ...LOOPBACK];
  const onChrome = !manifest.browser_specific_settings;
  const granted = onChrome ? [...manifest.host_permissions, ...LOOPBACK] : manifest.host_permissions;
  const permissions = onChrome ? [...manifest.permissions, ...manifest.optional_permissions] : manifest.permissions;
  return {
    ...manifest,
    name: `Invite Desk (${suffix})`,
    permissions,
    host_permissions: granted,
    optional_host_permissions: optional,
  };
}

function background(manifest, script) {
  const worker = manifest.background.service_worker
    ? { service_worker: script }
    : { scripts: [script] };
  return { ...manifest, background: { ...worker, type: 'module' } };
}

const targets = { firefox, loopback, background };
const [target, file, ...args] = process.argv.slice(2);
if (!targets[target] || !file) {
  console.error('usage: node tools/manifest.mjs firefox|loopback|background <manifest.json> [argument]');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(file, 'utf8'));
writeFileSync(file, `${JSON.stringify(targets[target](manifest, ...args), null, 2)}\n`);
