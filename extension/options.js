// Invite Desk options page: adds, edits and removes the accounts under `accounts` in
// chrome.storage.local, and sets how often the worker refreshes, the weekly caps and the pacing
// of bulk jobs under `settings`; it is the only writer of both. What makes an account valid and each
// provider's default address come from the wasm module; reaching a provider is the service
// worker's job, asked for with a `test_connection` intent. A key lives only in the password
// input's value: never in text, an attribute or a log line.
import init, {
  check_account, check_settings, daily_cost, damaged_values, default_base_url, poll_cost_hint,
  settings_with_defaults,
} from './pkg/invite_desk.js';

await init({ module_or_path: new URL('./pkg/invite_desk_bg.wasm', import.meta.url) });

const $ = (id) => document.getElementById(id);
const list = $('accounts');
const noAccounts = $('no-accounts');
const pageStatus = $('page-status');
const addButton = $('add-account');
const editor = $('editor');
const formHeading = $('form-heading');
const form = $('account-form');
const formError = $('form-error');
const formStatus = $('form-status');
const testButton = $('test');
const cancelButton = $('cancel');
const revealButton = $('reveal-key');
const baseUrlHint = $('base-url-hint');
const fields = {
  provider: $('provider'),
  label: $('label'),
  api_key: $('api-key'),
  account_id: $('account-id'),
  base_url: $('base-url'),
  plan: $('plan'),
};

// The label each field shows is the name Rust uses for it in an error's `field`.
const fieldByName = new Map([...form.querySelectorAll('label')]
  .map((label) => [label.textContent.trim(), label.control]));

let accounts = [];
/** The account in the form: its id (new ones get theirs when the form opens) and whether it is stored. */
let editing = null;
/** Bumped whenever the form changes hands, so a late test answer does not land on another account. */
let formGeneration = 0;

const providerName = (provider) =>
  [...fields.provider.options].find((option) => option.value === provider)?.textContent ?? provider;
const displayName = (account) => account.label?.trim() || providerName(account.provider);
const defaultBaseUrl = (provider) => default_base_url(provider) ?? '';
const providerDefaults = () => new Set([...fields.provider.options]
  .map((option) => defaultBaseUrl(option.value)).filter(Boolean));

async function loadAccounts() {
  const { accounts: stored } = await chrome.storage.local.get('accounts');
  return Array.isArray(stored) ? stored : [];
}

// ---- The list ----------------------------------------------------------------------------------

/** Enough of a key to tell two apart, and only when the key is long enough to spare it. */
function maskedKey(key) {
  return typeof key === 'string' && key.length >= 16 ? `••••${key.slice(-4)}` : '••••';
}

/** A button whose visible word is `verb` and whose accessible name adds the account's name. */
function namedButton(verb, name, className) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  const hidden = document.createElement('span');
  hidden.className = 'visually-hidden';
  hidden.textContent = ` ${name}`;
  button.append(verb, hidden);
  return button;
}

function accountItem(account) {
  const name = displayName(account);
  const item = document.createElement('li');
  item.className = 'account';
  item.dataset.id = account.id;

  const main = document.createElement('div');
  main.className = 'account-main';
  const title = document.createElement('span');
  title.className = 'account-label';
  title.textContent = name;
  const meta = document.createElement('span');
  meta.className = 'account-meta';
  // No-break spaces keep each name with its value when the line wraps.
  const parts = [providerName(account.provider), `Account ID\u00a0${account.account_id}`, `Key\u00a0${maskedKey(account.api_key)}`];
  if (account.plan === 'premium') parts.push('Premium');
  meta.textContent = parts.join(' · ');
  const cost = document.createElement('span');
  cost.className = 'account-meta account-cost';
  main.append(title, meta, cost);
  paintCost(cost, account);

  const actions = document.createElement('div');
  actions.className = 'account-actions';
  const edit = namedButton('Edit', name, 'secondary edit');
  edit.addEventListener('click', () => openForm(account));
  const remove = namedButton('Remove', name, 'secondary danger remove');
  remove.addEventListener('click', () => askToRemove(item, account, remove));
  actions.append(edit, remove);

  item.append(main, actions);
  return item;
}

/** Each LinkUp account's credits left, as last asked of its provider, by account id. */
const creditsLeft = new Map();

/**
 * What staying in sync costs the account a day at the current settings and, for LinkUp, the
 * credits left (free to ask; asked again only with `askCredits`). The counts come from the
 * worker's stored view.
 */
async function paintCost(line, account, { askCredits = true } = {}) {
  if (account.provider === 'linkup' && (askCredits || !creditsLeft.has(account.id))) {
    const answer = await chrome.runtime.sendMessage({ type: 'credits', account: account.id }).catch(() => null);
    creditsLeft.set(account.id, answer?.ok
      ? `${answer.result.credits.toLocaleString()} credits left.`
      : `Credits left unknown: ${answer?.error?.message ?? 'the background service did not answer.'}`);
  }
  const { view, settings } = await chrome.storage.local.get(['view', 'settings']);
  const status = view?.accounts?.find((known) => known.id === account.id);
  const daily = status?.provider ? daily_cost(settings ?? {}, status) : '';
  line.textContent = [creditsLeft.get(account.id), daily].filter(Boolean).join(' ');
}

/** The counts in the view changed: each account's daily cost again, without asking for credits. */
function repaintCosts() {
  for (const item of list.children) {
    const account = accounts.find((known) => known.id === item.dataset.id);
    if (account) paintCost(item.querySelector('.account-cost'), account, { askCredits: false });
  }
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && 'view' in changes) repaintCosts();
});

function renderList() {
  list.replaceChildren(...accounts.map(accountItem));
  noAccounts.hidden = accounts.length > 0;
  list.hidden = accounts.length === 0;
}

/** Removal is confirmed in the row itself; Escape or "Keep" backs out. */
function askToRemove(item, account, removeButton) {
  const name = displayName(account);
  const actions = item.querySelector('.account-actions');
  const prompt = document.createElement('div');
  prompt.className = 'confirm';
  prompt.setAttribute('role', 'group');
  const question = document.createElement('p');
  question.id = `confirm-${account.id}`;
  question.textContent = `Remove ${name}? Its key is deleted from this browser.`;
  prompt.setAttribute('aria-labelledby', question.id);
  const yes = document.createElement('button');
  yes.type = 'button';
  yes.className = 'danger-solid';
  yes.textContent = 'Yes, remove';
  const keep = document.createElement('button');
  keep.type = 'button';
  keep.className = 'secondary';
  keep.textContent = 'Keep';
  const buttons = document.createElement('div');
  buttons.className = 'confirm-actions';
  buttons.append(yes, keep);
  prompt.append(question, buttons);

  const back = () => {
    prompt.remove();
    actions.hidden = false;
    removeButton.focus();
  };
  keep.addEventListener('click', back);
  prompt.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') back();
  });
  yes.addEventListener('click', () => removeAccount(account));

  actions.hidden = true;
  item.append(prompt);
  keep.focus();
}

async function removeAccount(account) {
  const index = accounts.findIndex((stored) => stored.id === account.id);
  let remaining;
  try {
    remaining = (await loadAccounts()).filter((stored) => stored.id !== account.id);
    await chrome.storage.local.set({ accounts: remaining });
  } catch {
    pageStatus.textContent = `${displayName(account)} could not be removed: the browser refused to save. Try again.`;
    return;
  }
  accounts = remaining;
  if (editing?.id === account.id) closeForm();
  renderList();
  pageStatus.textContent = `Removed ${displayName(account)}.`;
  // Focus stays in the list: on the account that took this one's place, else the one before.
  const neighbour = list.children[Math.min(index, list.children.length - 1)];
  (neighbour?.querySelector('.edit') ?? addButton).focus();
}

// ---- The form ----------------------------------------------------------------------------------

function openForm(account = null, { focus = true } = {}) {
  formGeneration += 1;
  pageStatus.textContent = '';
  editing = account ? { id: account.id, stored: true } : { id: crypto.randomUUID(), stored: false };
  clearMessages();
  setKeyShown(false);
  formHeading.textContent = account ? `Edit ${displayName(account)}` : 'Add an account';
  fields.provider.value = account?.provider ?? 'linkup';
  fields.label.value = account?.label ?? '';
  // Write-only: a stored key never comes back into the page; blank keeps it.
  fields.api_key.value = '';
  fields.api_key.placeholder = account ? 'Leave blank to keep the current key' : '';
  fields.account_id.value = account?.account_id ?? '';
  fields.base_url.value = account?.base_url || defaultBaseUrl(fields.provider.value);
  fields.plan.value = account?.plan === 'premium' ? 'premium' : 'free';
  describeBaseUrl();
  // With no account stored there is nothing to go back to.
  cancelButton.hidden = !account && accounts.length === 0;
  editor.hidden = false;
  addButton.hidden = true;
  if (focus) formHeading.focus();
}

function closeForm() {
  formGeneration += 1;
  editing = null;
  form.reset();
  fields.api_key.value = '';
  fields.api_key.placeholder = '';
  setKeyShown(false);
  clearMessages();
  setTesting(false);
  editor.hidden = true;
  addButton.hidden = false;
}

/** The origin a stored or typed account's key goes to. */
function keyOrigin(account) {
  try {
    return new URL(account.base_url || defaultBaseUrl(account.provider)).origin;
  } catch {
    return null;
  }
}

/**
 * The account as the form describes it, with the stored key when the field was left blank while
 * editing; `null`, with the field marked, when the key must be typed again because the Base URL
 * now points at another origin than the one the stored key was for.
 */
function formAccount() {
  const account = readForm();
  const stored = editing?.stored ? accounts.find((known) => known.id === account.id) : null;
  if (account.api_key || !stored) return account;
  if (keyOrigin(stored) !== keyOrigin(account) || stored.provider !== account.provider) {
    showError({
      message: 'API key is required.',
      next_step: 'The Base URL now points elsewhere: enter the key for it, so that the old one does not go there.',
      field: 'API key',
    });
    return null;
  }
  return { ...account, api_key: stored.api_key };
}

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
    base_url: baseUrl === defaultBaseUrl(provider) ? '' : baseUrl,
    plan: fields.plan.value,
  };
}

function describeBaseUrl() {
  const provider = fields.provider.value;
  const required = !defaultBaseUrl(provider);
  fields.base_url.required = required;
  fields.base_url.setAttribute('aria-required', String(required));
  baseUrlHint.textContent = required
    ? 'Required: paste the DSN from your Unipile dashboard, e.g. https://api1.unipile.com:13111'
    : `The address of the ${providerName(provider)} API. Keep it unless your provider gave you another.`;
  fields.base_url.placeholder = required ? 'https://api1.unipile.com:13111' : '';
}

// A Base URL the person typed is theirs; an empty one or another provider's default follows the
// provider.
fields.provider.addEventListener('change', () => {
  const current = fields.base_url.value.trim();
  if (!current || providerDefaults().has(current)) {
    fields.base_url.value = defaultBaseUrl(fields.provider.value);
  }
  describeBaseUrl();
});

function setKeyShown(shown) {
  fields.api_key.type = shown ? 'text' : 'password';
  revealButton.setAttribute('aria-pressed', String(shown));
}

revealButton.addEventListener('click', () => {
  setKeyShown(fields.api_key.type === 'password');
});

// ---- Messages ----------------------------------------------------------------------------------

function clearMessages() {
  formError.replaceChildren();
  formStatus.textContent = '';
  for (const input of Object.values(fields)) markInvalid(input, false);
}

/** Marks `input` (in)valid and links it to, or unlinks it from, the alert that explains it. */
function markInvalid(input, invalid, alert = formError) {
  const described = new Set((input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
  if (invalid) {
    input.setAttribute('aria-invalid', 'true');
    described.add(alert.id);
  } else {
    input.removeAttribute('aria-invalid');
    described.delete(alert.id);
  }
  if (described.size) input.setAttribute('aria-describedby', [...described].join(' '));
  else input.removeAttribute('aria-describedby');
}

for (const input of Object.values(fields)) {
  input.addEventListener('input', () => markInvalid(input, false));
}

/** The input an error is about: its `field`, else a field's name in its words. */
function fieldOf(error) {
  if (typeof error.field === 'string' && fieldByName.has(error.field)) return fieldByName.get(error.field);
  const words = [error.message, error.detail].filter((text) => typeof text === 'string');
  for (const [name, input] of fieldByName) {
    if (words.some((text) => text.includes(name))) return input;
  }
  return null;
}

/** Rust never puts a key in an error; this page checks anyway, since it knows the key. */
function scrub(text) {
  const key = fields.api_key.value.trim();
  let clean = String(text ?? '');
  if (key) clean = clean.split(key).join('[API key]');
  return clean;
}

const sentence = (text) => {
  const trimmed = text.trim();
  if (!trimmed) return '';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** Shows `{message, next_step, detail, field?}` in the alert and marks the field it names. */
function showError(error) {
  const plain = error && typeof error === 'object' ? error : {};
  const message = scrub(plain.message) || 'Something went wrong.';
  const detail = scrub(plain.detail);
  const nextStep = scrub(plain.next_step);

  const what = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = message;
  what.append(strong);
  if (detail && !message.includes(detail)) what.append(` ${sentence(detail)}`);
  formError.replaceChildren(what);
  if (nextStep) {
    const next = document.createElement('p');
    next.textContent = nextStep;
    formError.append(next);
  }
  formStatus.textContent = '';

  const input = fieldOf(plain);
  if (input) {
    markInvalid(input, true);
    input.focus();
  }
}

/** check_account throws the error object for the first thing wrong, or returns nothing. */
function validate(account) {
  try {
    check_account(account);
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}

// ---- Host permission -----------------------------------------------------------------------------

/**
 * Asks for the account's origin when the manifest does not already cover it. Called from a
 * click or a submit, which the browser requires for the prompt.
 */
async function ensureReachable(account) {
  const base = account.base_url || defaultBaseUrl(account.provider);
  let origin;
  try {
    origin = new URL(base).origin;
  } catch {
    showError({ message: 'Base URL is not valid.', next_step: 'Correct it and try again.', field: 'Base URL' });
    return false;
  }
  const permission = { origins: [`${origin}/*`] };
  let granted = false;
  try {
    granted = await chrome.permissions.contains(permission) || await chrome.permissions.request(permission);
  } catch {
    granted = false;
  }
  if (!granted) {
    showError({
      message: `Invite Desk cannot reach ${origin} without your permission.`,
      next_step: 'Try again and choose “Allow” when the browser asks, or check the Base URL.',
      field: 'Base URL',
    });
  }
  return granted;
}

// ---- Test connection and Save --------------------------------------------------------------------

function setTesting(testing) {
  testButton.disabled = testing;
  testButton.textContent = testing ? 'Testing…' : 'Test connection';
  form.setAttribute('aria-busy', String(testing));
}

testButton.addEventListener('click', async () => {
  clearMessages();
  const account = formAccount();
  if (!account || !validate(account)) return;
  const generation = formGeneration;
  if (!await ensureReachable(account)) return;
  if (generation !== formGeneration) return;

  setTesting(true);
  formStatus.textContent = 'Testing the connection…';
  let answer;
  try {
    answer = await chrome.runtime.sendMessage({ type: 'test_connection', account });
  } catch {
    answer = null;
  }
  if (generation !== formGeneration) return;
  setTesting(false);
  // Disabling the button dropped focus to the page; it goes back where it was.
  if (document.activeElement === document.body || document.activeElement === null) testButton.focus();

  const received = answer?.result?.received;
  if (answer?.ok && Number.isFinite(received)) {
    formStatus.textContent =
      `Connected: ${received} pending received ${received === 1 ? 'invitation' : 'invitations'}.`;
  } else if (answer?.ok === false && answer.error) {
    showError(answer.error);
  } else {
    showError({
      message: 'Invite Desk’s background service did not answer the test.',
      next_step: 'Try again; if it keeps happening, reload Invite Desk on the chrome://extensions page.',
    });
  }
});

let saving = false;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (saving || !editing) return;
  clearMessages();
  const account = formAccount();
  if (!account || !validate(account)) return;
  saving = true;
  try {
    if (!await ensureReachable(account)) return;
    let stored;
    try {
      stored = await loadAccounts();
      const index = stored.findIndex((existing) => existing.id === account.id);
      if (index >= 0) stored[index] = account;
      else stored.push(account);
      await chrome.storage.local.set({ accounts: stored });
    } catch {
      showError({
        message: 'The browser refused to save Invite Desk’s data.',
        next_step: 'Free some disk space or restart the browser, then try again.',
      });
      return;
    }
    accounts = stored;
    closeForm();
    renderList();
    pageStatus.textContent = 'Saved.';
    list.querySelector(`li[data-id="${CSS.escape(account.id)}"] .edit`)?.focus();
  } finally {
    saving = false;
  }
});

cancelButton.addEventListener('click', () => {
  const id = editing?.stored ? editing.id : null;
  closeForm();
  const row = id && list.querySelector(`li[data-id="${CSS.escape(id)}"] .edit`);
  (row || addButton).focus();
});

editor.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !cancelButton.hidden) cancelButton.click();
});

addButton.addEventListener('click', () => openForm());

// Another options tab may change the accounts; the list follows.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !('accounts' in changes)) return;
  const next = Array.isArray(changes.accounts.newValue) ? changes.accounts.newValue : [];
  // This page's own writes are already on screen; repainting would drop focus and open prompts.
  if (JSON.stringify(next) === JSON.stringify(accounts)) return;
  accounts = next;
  renderList();
});

// ---- Repair ---------------------------------------------------------------------------------------

/** What resetting each damaged value means for the person, said before they choose it. */
const REPAIR_WORDS = {
  ledger: 'Invite Desk no longer knows what this browser sent lately, so after a reset it sends no '
    + 'invitation for 7 days, and none with a note for 30, to keep your LinkedIn account safe.',
  jobs: 'Bulk jobs in progress are forgotten; what they already did stays done.',
};

async function paintRepair() {
  const stored = await chrome.storage.local.get(['ledger', 'jobs']);
  const damaged = damaged_values(stored);
  $('repair').hidden = damaged.length === 0;
  $('repair-list').replaceChildren(...damaged.map(({ key, name }) => {
    const item = document.createElement('li');
    const what = document.createElement('p');
    const strong = document.createElement('strong');
    strong.textContent = `The saved ${name} cannot be read.`;
    what.append(strong, ` ${REPAIR_WORDS[key]}`);
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'secondary danger';
    reset.textContent = `Reset the ${name}`;
    reset.addEventListener('click', async () => {
      reset.disabled = true;
      const answer = await chrome.runtime.sendMessage({ type: 'repair', value: key }).catch(() => null);
      reset.disabled = false;
      // The page's status: the section itself goes once nothing is damaged.
      pageStatus.textContent = answer?.ok
        ? `The ${name} was reset.`
        : `The ${name} could not be reset: ${answer?.error?.message ?? 'the background service did not answer.'}`;
      paintRepair();
    });
    item.append(what, reset);
    return item;
  }));
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && ('ledger' in changes || 'jobs' in changes)) paintRepair();
});
await paintRepair();

// ---- Staying up to date -------------------------------------------------------------------------

const refreshForm = $('refresh-form');
const refreshError = $('refresh-error');
const pollMinutes = $('poll-minutes');
/** Each stored field of the section and its input; Rust's `check_settings` names the field at fault by its label. */
const REFRESH_FIELDS = [
  { key: 'poll_minutes', input: pollMinutes },
  { key: 'sent_check_minutes', input: $('sent-check-minutes') },
  { key: 'reconcile_hours', input: $('reconcile-hours') },
];
const refreshInput = (field) => REFRESH_FIELDS.map(({ input }) => input)
  .find((input) => refreshForm.querySelector(`label[for="${input.id}"]`).textContent.trim() === field);
/** What the inputs showed as stored; the person's own typing is kept when another tab saves. */
let shownRefresh = '';
const refreshValues = () => REFRESH_FIELDS.map(({ input }) => input.value).join(' ');

async function loadSettings() {
  const { settings } = await chrome.storage.local.get('settings');
  return settings && typeof settings === 'object' && !Array.isArray(settings) ? settings : {};
}

/** The stored values, with Rust's default for each one missing. */
function showRefresh(settings) {
  const full = settings_with_defaults(settings);
  for (const { key, input } of REFRESH_FIELDS) input.value = String(full[key]);
  shownRefresh = refreshValues();
  $('refresh-cost').textContent = poll_cost_hint(settings);
}

/** The same alert as the account form's: what is wrong in bold, then what to do. */
function showRefreshError(problem, { invalid = true } = {}) {
  const what = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = problem.message;
  what.append(strong);
  if (problem.detail) what.append(` ${sentence(problem.detail)}`);
  const next = document.createElement('p');
  next.textContent = problem.next_step;
  refreshError.replaceChildren(what, next);
  pageStatus.textContent = '';
  const input = invalid && refreshInput(problem.field);
  if (input) {
    markInvalid(input, true, refreshError);
    input.focus();
  }
}

refreshForm.addEventListener('input', (event) => markInvalid(event.target, false, refreshError));

let savingSettings = false;

refreshForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (savingSettings) return;
  refreshError.replaceChildren();
  for (const { input } of REFRESH_FIELDS) markInvalid(input, false, refreshError);
  savingSettings = true;
  try {
    // Other settings stay as they are; an empty input goes as -1, refused by its name.
    const settings = { ...await loadSettings() };
    for (const { key, input } of REFRESH_FIELDS) {
      settings[key] = Number.isFinite(input.valueAsNumber) ? input.valueAsNumber : -1;
    }
    try {
      check_settings(settings);
    } catch (problem) {
      showRefreshError(problem);
      return;
    }
    await chrome.storage.local.set({ settings });
    showRefresh(settings);
    pageStatus.textContent = 'Saved.';
  } catch {
    showRefreshError({
      message: 'The browser refused to save Invite Desk’s data.',
      next_step: 'Free some disk space or restart the browser, then try again.',
    }, { invalid: false });
  } finally {
    savingSettings = false;
  }
});

// Another options tab may change these settings; the inputs follow unless they are being edited.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !('settings' in changes)) return;
  const next = changes.settings.newValue;
  if (refreshValues() === shownRefresh) showRefresh(next && typeof next === 'object' && !Array.isArray(next) ? next : {});
  repaintCosts();
});

showRefresh(await loadSettings());

// ---- Limits and pacing ---------------------------------------------------------------------------

const limitsForm = $('limits-form');
const limitsError = $('limits-error');
const limitsStatus = $('limits-status');
/**
 * Each stored field: its input, how many seconds one unit of the input is, and the name Rust's `check_settings` gives it in an error's `field`. A range's two
 * inputs share a name: a reversed range is wrong in both.
 */
const LIMIT_FIELDS = [
  { key: 'weekly_cap_free', input: $('cap-free'), unit: 1, field: 'Weekly cap, free accounts' },
  { key: 'weekly_cap_premium', input: $('cap-premium'), unit: 1, field: 'Weekly cap, Premium accounts' },
  { key: 'action_delay_min_s', input: $('action-min'), unit: 1, field: 'Delay between actions' },
  { key: 'action_delay_max_s', input: $('action-max'), unit: 1, field: 'Delay between actions' },
  { key: 'invite_delay_min_s', input: $('invite-min'), unit: 60, field: 'Delay between invitations' },
  { key: 'invite_delay_max_s', input: $('invite-max'), unit: 60, field: 'Delay between invitations' },
];
/** check_settings also checks the refresh settings; their inputs are in the section above. */
const limitInputs = (field) => refreshInput(field)
  ? [refreshInput(field)]
  : LIMIT_FIELDS.filter((limit) => limit.field === field).map(({ input }) => input);
/** What the inputs showed as stored, so another tab's save does not overwrite what is being typed. */
let shownLimits = '';

/** The stored value in the input's unit: as few decimals as still give back the same whole second. */
function inUnit(value, unit) {
  if (unit === 1) return String(value);
  for (let digits = 0; digits < 4; digits += 1) {
    const shown = Number((value / unit).toFixed(digits));
    if (Math.round(shown * unit) === Math.round(value)) return String(shown);
  }
  return String(Number((value / unit).toFixed(4)));
}

/** An input's value in seconds (minutes are rounded to the whole second), or NaN when it is not a number. */
function inSeconds(input, unit) {
  const value = input.valueAsNumber;
  return unit === 1 ? value : Math.round(value * unit);
}

const limitValues = () => LIMIT_FIELDS.map(({ input }) => input.value).join(' ');

function showLimits(settings) {
  const full = settings_with_defaults(settings);
  for (const { key, input, unit } of LIMIT_FIELDS) input.value = inUnit(full[key], unit);
  shownLimits = limitValues();
}

function clearLimitMessages() {
  limitsError.replaceChildren();
  limitsStatus.textContent = '';
  for (const { input } of [...LIMIT_FIELDS, ...REFRESH_FIELDS]) markInvalid(input, false, limitsError);
}

/**
 * The inputs to mark for `problem`. In a range, an end out of bounds is wrong alone; when both
 * ends are fine alone, the range is reversed and both are wrong. Each end is asked of the module
 * as a range of one value, so the bounds stay in Rust.
 */
function wrongEnds(settings, problem) {
  const ends = LIMIT_FIELDS.filter((limit) => limit.field === problem?.field);
  if (ends.length !== 2) return limitInputs(problem?.field);
  const alone = ends.filter(({ key }) => {
    const probe = { ...settings };
    for (const end of ends) probe[end.key] = settings[key];
    try {
      check_settings(probe);
      return false;
    } catch (again) {
      return again?.field === problem.field;
    }
  });
  return (alone.length ? alone : ends).map(({ input }) => input);
}

/** The page's alert: what is wrong in bold, why, then what to do. */
function showLimitsError(error, { invalid = true, wrong = limitInputs(error?.field) } = {}) {
  const plain = error && typeof error === 'object' ? error : { message: String(error ?? '') };
  const message = String(plain.message ?? '').trim() || 'These limits could not be checked.';
  const detail = typeof plain.detail === 'string' ? plain.detail : '';
  const nextStep = typeof plain.next_step === 'string' ? plain.next_step.trim() : '';
  const what = document.createElement('p');
  const strong = document.createElement('strong');
  strong.textContent = message;
  what.append(strong);
  if (detail && !message.includes(detail)) what.append(` ${sentence(detail)}`);
  limitsError.replaceChildren(what);
  if (nextStep) {
    const next = document.createElement('p');
    next.textContent = nextStep;
    limitsError.append(next);
  }
  limitsStatus.textContent = '';
  if (!invalid) return;
  for (const input of wrong) markInvalid(input, true, limitsError);
  wrong[0]?.focus();
}

// Typing in a range clears the mark on both its inputs: the range was wrong, not one number.
limitsForm.addEventListener('input', (event) => {
  limitsStatus.textContent = '';
  const limit = LIMIT_FIELDS.find(({ input }) => input === event.target);
  if (limit) for (const input of limitInputs(limit.field)) markInvalid(input, false, limitsError);
});

let savingLimits = false;

limitsForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (savingLimits) return;
  clearLimitMessages();
  savingLimits = true;
  try {
    let stored;
    try {
      stored = await loadSettings();
    } catch {
      showLimitsError({
        message: 'The browser could not read Invite Desk’s settings.',
        next_step: 'Restart the browser, then try again.',
      }, { invalid: false });
      return;
    }
    // Other settings, the refresh interval among them, stay as they are. An empty or unreadable
    // input goes as -1, so the module names its field like any other value out of range.
    const settings = { ...stored };
    for (const { key, input, unit } of LIMIT_FIELDS) {
      const seconds = inSeconds(input, unit);
      settings[key] = Number.isFinite(seconds) ? seconds : -1;
    }
    try {
      check_settings(settings);
    } catch (problem) {
      showLimitsError(problem, { wrong: wrongEnds(settings, problem) });
      return;
    }
    try {
      await chrome.storage.local.set({ settings });
    } catch {
      showLimitsError({
        message: 'The browser refused to save Invite Desk’s data.',
        next_step: 'Free some disk space or restart the browser, then try again.',
      }, { invalid: false });
      return;
    }
    showLimits(settings);
    limitsStatus.textContent = 'Limits saved.';
  } finally {
    savingLimits = false;
  }
});

// Another options tab may change the limits; the inputs follow unless they are being edited.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area !== 'local' || !('settings' in changes) || limitValues() !== shownLimits) return;
  const next = changes.settings.newValue;
  showLimits(next && typeof next === 'object' && !Array.isArray(next) ? next : {});
});

showLimits(await loadSettings());

accounts = await loadAccounts();
renderList();
if (accounts.length === 0) openForm(null, { focus: false });
