// The options page's list of accounts: each with its provider, account id, masked key and what
// staying in sync costs it a day (from the module) with, for LinkUp, the credits left; Edit
// opens the form, Remove asks in the row itself first.
import { daily_cost } from '../pkg/invite_desk.js';
import { $, element, namedButton } from '../lib/dom.js';
import { onLocalChange, readLocal, writeLocal } from '../lib/storage.js';
import { ask } from '../lib/worker.js';
import { closeForm, displayName, editingId, openForm, providerName, setUpAccountForm } from './account-form.js';

const list = $('accounts');
const addButton = $('add-account');
const status = $('page-status');

let accounts = [];
let wasm;
/** Each LinkUp account's credits left, as last asked of its provider, by account id. */
const creditsLeft = new Map();

/** Enough of a key to tell two apart, and only when the key is long enough to spare it. */
const maskedKey = (key) => (typeof key === 'string' && key.length >= 16 ? `••••${key.slice(-4)}` : '••••');

/** The daily cost at the stored settings and counts; the credits asked again only with `askCredits`. */
async function paintCost(line, account, { askCredits = true } = {}) {
  if (account.provider === 'linkup' && (askCredits || !creditsLeft.has(account.id))) {
    const answer = await ask({ type: 'credits', account: account.id }, wasm);
    creditsLeft.set(account.id, answer.ok
      ? `${answer.result.credits.toLocaleString()} credits left.`
      : `Credits left unknown: ${answer.error.message}`);
  }
  const { view, settings } = await readLocal(['view', 'settings']);
  const known = view?.accounts?.find((status) => status.id === account.id);
  const daily = known?.provider ? daily_cost(settings ?? {}, known) : '';
  line.textContent = [creditsLeft.get(account.id), daily].filter(Boolean).join(' ');
}

function accountItem(account) {
  const name = displayName(account);
  // No-break spaces keep each name with its value when the line wraps.
  const parts = [providerName(account.provider), `Account ID\u00a0${account.account_id}`, `Key\u00a0${maskedKey(account.api_key)}`];
  if (account.plan === 'premium') parts.push('Premium');
  const cost = element('span', { className: 'account-meta account-cost' });
  paintCost(cost, account);
  const edit = namedButton('Edit', name, 'secondary edit');
  edit.addEventListener('click', () => openForm(account));
  const remove = namedButton('Remove', name, 'secondary danger remove');
  const actions = element('div', { className: 'account-actions' }, edit, remove);
  const item = element('li', { className: 'account' },
    element('div', { className: 'account-main' },
      element('span', { className: 'account-label', textContent: name, dir: 'auto' }),
      element('span', { className: 'account-meta', textContent: parts.join(' · ') }),
      cost),
    actions);
  item.dataset.id = account.id;
  remove.addEventListener('click', () => askToRemove(item, account, actions, remove));
  return item;
}

function renderList() {
  list.replaceChildren(...accounts.map(accountItem));
  $('no-accounts').hidden = accounts.length > 0;
  list.hidden = accounts.length === 0;
}

const focusRow = (id) => (id && list.querySelector(`li[data-id="${CSS.escape(id)}"] .edit`)) || addButton;

/** Removal is confirmed in the row itself; Escape or "Keep" backs out. */
function askToRemove(item, account, actions, removeButton) {
  const question = element('p', { id: `confirm-${account.id}`, textContent: `Remove ${displayName(account)}? Its key is deleted from this browser.` });
  const yes = element('button', { type: 'button', className: 'danger-solid', textContent: 'Yes, remove' });
  const keep = element('button', { type: 'button', className: 'secondary', textContent: 'Keep' });
  const prompt = element('div', { className: 'confirm', attributes: { role: 'group', 'aria-labelledby': question.id } },
    question, element('div', { className: 'confirm-actions' }, yes, keep));
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
  const remaining = accounts.filter((stored) => stored.id !== account.id);
  try {
    await writeLocal({ accounts: remaining });
  } catch (problem) {
    status.textContent = `${displayName(account)} could not be removed: ${problem.message} ${problem.next_step}`;
    return;
  }
  accounts = remaining;
  if (editingId() === account.id) closeForm();
  renderList();
  status.textContent = `Removed ${displayName(account)}.`;
  // Focus stays in the list: on the account that took this one's place, else the one before.
  const neighbour = list.children[Math.min(index, list.children.length - 1)];
  (neighbour?.querySelector('.edit') ?? addButton).focus();
}

/** Shows the stored accounts, and the form at once when there is none; `wasm()` gives the module. */
export async function setUpAccounts(moduleReady) {
  wasm = moduleReady;
  setUpAccountForm({
    accounts: () => accounts,
    saved(stored, account) {
      accounts = stored;
      renderList();
      status.textContent = 'Saved.';
      focusRow(account.id).focus();
    },
    cancelled: (id) => focusRow(id).focus(),
    addButton,
    status,
    wasm,
  });
  addButton.addEventListener('click', () => openForm());
  // Another options tab may change the accounts; the list follows. This page's own writes are
  // already on screen: repainting would drop focus and open prompts.
  onLocalChange(['accounts'], (changes) => {
    const next = Array.isArray(changes.accounts.newValue) ? changes.accounts.newValue : [];
    if (JSON.stringify(next) === JSON.stringify(accounts)) return;
    accounts = next;
    renderList();
  });
  // The counts or the settings changed: each daily cost again, without asking for credits.
  onLocalChange(['view', 'settings'], () => {
    for (const item of list.children) {
      const account = accounts.find((known) => known.id === item.dataset.id);
      if (account) paintCost(item.querySelector('.account-cost'), account, { askCredits: false });
    }
  });
  const { accounts: stored } = await readLocal('accounts');
  accounts = Array.isArray(stored) ? stored : [];
  renderList();
  if (accounts.length === 0) openForm(null, { focus: false });
}
