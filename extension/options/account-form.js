// The options page's account form: provider (from the module's table of providers), label, key,
// account id, Base URL, plan and the automatic withdraw rule; Test connection and Save. What makes an account valid is the
// module's; reaching the provider is the service worker's (a `test_connection` intent). A key
// lives only in the password input's value: a stored key never comes back into the page.
import {
  account_origin, auto_withdraw_form, check_account, check_kept_key, host_permission, not_allowed, providers,
} from '../pkg/invite_desk.js';
import { $, element } from '../lib/dom.js';
import { clearMarksOnInput, problemOf, showFormProblem } from '../lib/problem.js';
import { writeLocal } from '../lib/storage.js';
import { ask } from '../lib/worker.js';

const editor = $('editor');
const heading = $('form-heading');
const form = $('account-form');
const alert = $('form-error');
const status = $('form-status');
const testButton = $('test');
const cancelButton = $('cancel');
const revealButton = $('reveal-key');
const fields = form.elements;

export const PROVIDERS = providers();
/** The automatic withdraw rule's labels, defaults and bounds, from the module. */
const RULE = auto_withdraw_form();
const providerOf = (kind) => PROVIDERS.find((provider) => provider.kind === kind) ?? PROVIDERS[0];
export const providerName = (kind) => providerOf(kind).name;
export const displayName = (account) => account.label?.trim() || providerName(account.provider);

let editing = null;
/** Bumped whenever the form changes hands, so a late test answer does not land on another account. */
let generation = 0;
let page;

/** Rust never puts a key in an error; this page checks anyway, since it knows the key. */
function clean(text) {
  const key = fields.api_key.value.trim();
  return key ? String(text ?? '').split(key).join('[API key]') : String(text ?? '');
}

const showError = (problem) => {
  status.textContent = '';
  showFormProblem(form, alert, problem && problemOf(problem), clean);
};

/** Opens the form on `account`, or empty for a new one (which gets its id now). */
export function openForm(account = null, { focus = true } = {}) {
  generation += 1;
  page.status.textContent = '';
  editing = account ? { id: account.id, stored: true } : { id: crypto.randomUUID(), stored: false };
  showError(null);
  setKeyShown(false);
  heading.textContent = account ? `Edit ${displayName(account)}` : 'Add an account';
  fields.provider.value = account?.provider ?? PROVIDERS[0].kind;
  fields.label.value = account?.label ?? '';
  fields.api_key.value = '';
  fields.api_key.placeholder = account ? 'Leave blank to keep the current key' : '';
  fields.account_id.value = account?.account_id ?? '';
  fields.base_url.value = account?.base_url || providerOf(fields.provider.value).default_base_url;
  fields.plan.value = account?.plan === 'premium' ? 'premium' : 'free';
  const rule = account?.auto_withdraw;
  fields.auto_withdraw_enabled.checked = rule?.enabled === true;
  fields.auto_withdraw_older_than_days.value = String(rule?.older_than_days ?? RULE.older_than.default);
  fields.auto_withdraw_per_day.value = String(rule?.per_day ?? RULE.per_day.default);
  describeBaseUrl();
  // With no account stored there is nothing to go back to.
  cancelButton.hidden = !account && page.accounts().length === 0;
  editor.hidden = false;
  page.addButton.hidden = true;
  if (focus) heading.focus();
}

export function closeForm() {
  generation += 1;
  editing = null;
  form.reset();
  fields.api_key.placeholder = '';
  setKeyShown(false);
  showError(null);
  setTesting(false);
  editor.hidden = true;
  page.addButton.hidden = false;
}

export const editingId = () => editing?.id ?? null;

/** The account as the form describes it; the provider's own default address is stored as ''. */
function readForm() {
  const provider = fields.provider.value;
  const baseUrl = fields.base_url.value.trim();
  return {
    id: editing.id,
    label: fields.label.value.trim(),
    provider,
    api_key: fields.api_key.value.trim(),
    account_id: fields.account_id.value.trim(),
    base_url: baseUrl === providerOf(provider).default_base_url ? '' : baseUrl,
    plan: fields.plan.value,
    auto_withdraw: {
      enabled: fields.auto_withdraw_enabled.checked,
      older_than_days: Number(fields.auto_withdraw_older_than_days.value),
      per_day: Number(fields.auto_withdraw_per_day.value),
    },
  };
}

/**
 * The form's account, checked by the module, with the stored key when the key was left blank;
 * `null`, with the problem shown, otherwise. A blank key is refused when the Base URL now points
 * at another origin than the stored key was for: the old key must not go there.
 */
function checkedAccount() {
  let account = readForm();
  const stored = editing.stored ? page.accounts().find((known) => known.id === account.id) : null;
  try {
    if (!account.api_key && stored) {
      check_kept_key(account, stored);
      account = { ...account, api_key: stored.api_key };
    }
    check_account(account);
    return account;
  } catch (problem) {
    showError(problem);
    return null;
  }
}

/** The rule's labels, bounds and hint, as the module gives them. */
function describeRule() {
  $('auto-withdraw-enabled-label').textContent = RULE.enabled;
  $('auto-withdraw-hint').textContent = RULE.hint;
  for (const [bound, input] of [[RULE.older_than, fields.auto_withdraw_older_than_days], [RULE.per_day, fields.auto_withdraw_per_day]]) {
    $(`${input.id}-label`).textContent = bound.label;
    input.min = String(bound.min);
    input.max = String(bound.max);
  }
}

function describeBaseUrl() {
  const provider = providerOf(fields.provider.value);
  const required = !provider.default_base_url;
  fields.base_url.required = required;
  fields.base_url.setAttribute('aria-required', String(required));
  fields.base_url.placeholder = provider.base_url_example;
  $('base-url-hint').textContent = provider.base_url_hint;
}

function setKeyShown(shown) {
  fields.api_key.type = shown ? 'text' : 'password';
  revealButton.setAttribute('aria-pressed', String(shown));
}

function setTesting(testing) {
  testButton.disabled = testing;
  testButton.textContent = testing ? 'Testing…' : 'Test connection';
  form.setAttribute('aria-busy', String(testing));
}

/**
 * Asks for the account's origin (the browser answers at once when it is granted already), from
 * the click or submit itself: Firefox shows the prompt only when nothing was awaited before. The
 * module has checked the address already.
 */
async function reachable(account) {
  const origin = account_origin(account);
  const granted = await chrome.permissions.request({ origins: [host_permission(origin)] }).catch(() => false);
  if (!granted) {
    showError(not_allowed(origin));
  }
  return granted;
}

async function testConnection() {
  showError(null);
  const account = checkedAccount();
  const asked = generation;
  if (!account || !await reachable(account) || asked !== generation) return;
  setTesting(true);
  status.textContent = 'Testing the connection…';
  const answer = await ask({ type: 'test_connection', account }, page.wasm);
  if (asked !== generation) return;
  setTesting(false);
  // Disabling the button dropped focus to the page; it goes back where it was.
  if (document.activeElement === document.body || document.activeElement === null) testButton.focus();
  if (!answer.ok) return showError(answer.error);
  const received = answer.result.received;
  status.textContent = `Connected: ${received} pending received ${received === 1 ? 'invitation' : 'invitations'}.`;
}

let saving = false;
async function save(event) {
  event.preventDefault();
  if (saving || !editing) return;
  showError(null);
  const account = checkedAccount();
  if (!account) return;
  saving = true;
  try {
    if (!await reachable(account)) return;
    const accounts = [...page.accounts()];
    const index = accounts.findIndex((existing) => existing.id === account.id);
    if (index >= 0) accounts[index] = account;
    else accounts.push(account);
    await writeLocal({ accounts });
    closeForm();
    page.saved(accounts, account);
  } catch (problem) {
    showError(problem);
  } finally {
    saving = false;
  }
}

/**
 * Wires the form. `options` gives the page's parts: `accounts()` (as stored), `saved(accounts,
 * account)`, `cancelled(id)`, `addButton`, `status` and `wasm`.
 */
export function setUpAccountForm(options) {
  page = options;
  fields.provider.replaceChildren(...PROVIDERS.map((provider) =>
    element('option', { value: provider.kind, textContent: provider.name })));
  // A Base URL the person typed is theirs; an empty one or another provider's default follows.
  fields.provider.addEventListener('change', () => {
    const current = fields.base_url.value.trim();
    if (!current || PROVIDERS.some((provider) => provider.default_base_url === current)) {
      fields.base_url.value = providerOf(fields.provider.value).default_base_url;
    }
    describeBaseUrl();
  });
  revealButton.addEventListener('click', () => setKeyShown(fields.api_key.type === 'password'));
  describeRule();
  clearMarksOnInput(form, alert);
  testButton.addEventListener('click', testConnection);
  form.addEventListener('submit', save);
  cancelButton.addEventListener('click', () => {
    const id = editing?.stored ? editing.id : null;
    closeForm();
    page.cancelled(id);
  });
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !cancelButton.hidden) cancelButton.click();
  });
}
