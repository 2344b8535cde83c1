// Invite Desk options page: the accounts under `accounts` and the settings under `settings` in
// chrome.storage.local, of which it is the only writer, and the repair of damaged saved data.
// Each section is its own module under options/; every rule and number they show is the wasm
// module's.
import init, * as backend from './pkg/invite_desk.js';
import { $ } from './lib/dom.js';

await init({ module_or_path: new URL('./pkg/invite_desk_bg.wasm', import.meta.url) });
// The sections ask the module as they load, so they are imported once it is ready.
const [{ setUpAccounts }, { setUpSettings }, { setUpRepair }, { setUpNotifications }] = await Promise.all([
  import('./options/accounts.js'), import('./options/settings.js'), import('./options/repair.js'),
  import('./options/notifications.js'),
]);

const wasm = async () => backend;
const said = (id, text) => () => {
  $(id).textContent = text;
};

await setUpRepair({ section: $('repair'), list: $('repair-list'), status: $('page-status'), wasm });
await setUpSettings({
  form: $('refresh-form'),
  alert: $('refresh-error'),
  lead: $('refresh-lead'),
  saved: said('page-status', 'Saved.'),
  shown: (settings) => {
    $('refresh-cost').textContent = backend.poll_cost_hint(settings);
  },
});
await setUpSettings({ form: $('limits-form'), alert: $('limits-error'), lead: $('limits-lead'), saved: said('limits-status', 'Limits saved.') });
await setUpNotifications();
await setUpAccounts(wasm);
