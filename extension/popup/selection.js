// The popup's list tools: ticked rows and "Select all shown", Accept or Decline all (of the rows
// the received filters keep, when set), "Withdraw sent older than", CSV export. Each bulk action asks first, with the pace from the module, and
// runs as a job in the service worker. Which rows are old enough, and the CSV, are the module's.
import { element } from '../lib/dom.js';
import { downloadCsv } from '../lib/download.js';
import { problemOf, showProblem } from '../lib/problem.js';
import { ask } from '../lib/worker.js';
import { confirmed } from './confirm.js';
import { $, bulk, counted, keyOf, plural, WORDS } from './shared.js';

let shownTab = null;
const showError = (problem) => showProblem($('bulk-error'), problem && problemOf(problem));

/** Each list's keys, computed once per list read from storage. */
const listedKeys = new WeakMap();
function listed(direction) {
  const rows = bulk.popup.state.snapshot?.[direction] ?? [];
  let keys = listedKeys.get(rows);
  if (!keys) {
    keys = new Set(rows.map(keyOf));
    listedKeys.set(rows, keys);
  }
  return { rows, keys };
}

/** The rows the tab shows that can still be acted on (not those already handled here). */
export function selectable() {
  const { state } = bulk.popup;
  if (!bulk.popup.showsList()) return [];
  const { keys } = listed(state.tab);
  return state.shown.filter((row) => keys.has(keyOf(row)));
}

/** The ticked rows still listed in the tab. */
function selectedRows() {
  const { state } = bulk.popup;
  if (!bulk.popup.showsList() || state.selected.size === 0) return [];
  return listed(state.tab).rows.filter((row) => state.selected.has(keyOf(row)));
}

function syncBoxes() {
  const { state, list } = bulk.popup;
  for (const box of list.querySelectorAll('.select')) box.checked = state.selected.has(box.parentElement.dataset.key);
}

export function paintTools() {
  const { state } = bulk.popup;
  if (shownTab !== state.tab) {
    shownTab = state.tab;
    showError(null);
  }
  const listing = bulk.popup.showsList();
  // Until the full lists are read, "all" would mean the first screen only.
  const ready = listing && state.full && (state.snapshot?.accounts?.length ?? 0) > 0;
  $('list-tools').hidden = !ready;
  const shown = ready ? selectable() : [];
  const selected = ready ? selectedRows().length : 0;
  $('selection').hidden = shown.length === 0 && selected === 0;
  if (!ready) return;

  $('select-shown-label').textContent = `Select all shown (${shown.length})`;
  const box = $('select-shown');
  const shownSelected = shown.reduce((sum, row) => sum + (state.selected.has(keyOf(row)) ? 1 : 0), 0);
  box.checked = shown.length > 0 && shownSelected === shown.length;
  box.indeterminate = shownSelected > 0 && shownSelected < shown.length;
  box.disabled = shown.length === 0;
  const received = state.tab === 'received';
  for (const [id, mine] of [['accept-selected', received], ['decline-selected', received], ['withdraw-selected', !received]]) {
    const button = $(id);
    const hide = !mine || selected === 0;
    if (hide && button === document.activeElement) box.focus();
    button.hidden = hide;
    button.textContent = `${WORDS[button.dataset.action].verb} selected (${selected})`;
  }
  if (selected === 0 && $('clear-selection') === document.activeElement) box.focus();
  $('clear-selection').hidden = selected === 0;
  $('selected-actions').hidden = selected === 0;
  $('received-tools').hidden = !received;
  $('filters').hidden = !received;
  $('sent-tools').hidden = received;
}

/** Ticks (or unticks) every row the search shows, painted yet or not. */
async function selectShown(on) {
  await bulk.popup.loadFull();
  const { state } = bulk.popup;
  for (const row of selectable()) {
    if (on) state.selected.add(keyOf(row));
    else state.selected.delete(keyOf(row));
  }
  syncBoxes();
  paintTools();
}

async function allOf(direction) {
  await bulk.popup.loadFull();
  return bulk.popup.state.snapshot?.[direction] ?? [];
}

/** Accept or Decline all: every received invitation, or with a filter set the ones it shows. */
async function receivedFor(action) {
  const { state } = bulk.popup;
  if (!state.filter) return startListed(action, await allOf('received'));
  await bulk.popup.loadFull();
  return startListed(action, selectable(), 'matching the filter');
}

const FILTER_INPUTS = ['filter-note', 'filter-headline', 'filter-more', 'filter-less'];

/** The filters as typed, or null when none is set. */
function typedFilter() {
  const days = (id) => ($(id).value.trim() === '' ? null : Number($(id).value));
  const filter = {
    with_note: $('filter-note').checked,
    headline: $('filter-headline').value.trim(),
    more_than_days: days('filter-more'),
    less_than_days: days('filter-less'),
  };
  const set = filter.with_note || filter.headline || filter.more_than_days !== null || filter.less_than_days !== null;
  return set ? filter : null;
}

/** Applies the filters as typed once the module accepts them; a number it refuses is shown and marked. */
async function applyFilter() {
  const { popup } = bulk;
  const filter = typedFilter();
  for (const id of FILTER_INPUTS) $(id).removeAttribute('aria-invalid');
  try {
    (await popup.wasm()).search('received', '', filter, Date.now());
  } catch (problem) {
    const input = document.querySelector(`#filters [name="${CSS.escape(problem.field ?? '')}"]`);
    input?.setAttribute('aria-invalid', 'true');
    showError(problem);
    return;
  }
  showError(null);
  popup.state.filter = filter;
  popup.state.selected.clear();
  await popup.loadFull();
  popup.repaint();
}

async function startListed(action, rows, which = '') {
  showError(null);
  const { popup } = bulk;
  const words = WORDS[action];
  if (rows.length === 0) {
    popup.announce(words.none);
    return;
  }
  const what = counted(rows.length, words);
  const ok = await confirmed({
    title: `${words.verb} ${what}${which ? ` ${which}` : ''}?`,
    lines: [(await popup.wasm()).action_confirmation(bulk.stored.settings, rows.length)],
    go: `${words.verb} ${rows.length}`,
  });
  if (!ok) return;
  const items = rows.map((row) => ({ account: row.account, invitation: row.id }));
  const answer = await ask({ type: 'start_job', action, items }, popup.wasm);
  if (!answer.ok) {
    popup.announce(`${words.verb}: not started.`);
    showError(answer.error);
    return;
  }
  popup.state.selected.clear();
  syncBoxes();
  paintTools();
  popup.announce(`${words.doing} ${what}.`);
}

/** The module's ages for "Withdraw sent older than", before "Other…". */
async function fillOlderThanChoices() {
  const select = $('older-days');
  const { days, chosen } = (await bulk.popup.wasm()).older_than_choices();
  select.prepend(...days.map((age) => element('option', { value: String(age), textContent: plural(age, 'day') })));
  select.value = String(chosen);
}

async function withdrawOlder() {
  showError(null);
  const choice = $('older-days').value;
  const other = $('older-other');
  const days = choice === 'other' ? (other.value.trim() === '' ? NaN : Number(other.value)) : Number(choice);
  const sent = await allOf('sent');
  let indexes;
  try {
    indexes = (await bulk.popup.wasm()).older_than(sent, days, Date.now());
  } catch (problem) {
    other.setAttribute('aria-invalid', 'true');
    showError(problem);
    if (!other.hidden) other.focus();
    return;
  }
  other.removeAttribute('aria-invalid');
  const which = `older than ${plural(days, 'day')}`;
  const rows = Array.from(indexes, (index) => sent[index]);
  if (rows.length === 0) {
    bulk.popup.announce(`Nothing to withdraw: no sent invitation is ${which}.`);
    return;
  }
  startListed('withdraw', rows, which);
}

/** Downloads the list as shown (this tab, search applied) as CSV, written by the module. */
async function exportCsv() {
  showError(null);
  const { popup } = bulk;
  await popup.loadFull();
  const module = await popup.wasm();
  popup.repaint();
  const rows = selectable();
  if (rows.length === 0) {
    popup.announce('Nothing to export.');
    return;
  }
  let csv;
  try {
    csv = module.list_csv(rows, popup.state.snapshot?.accounts ?? [], Date.now());
  } catch (problem) {
    showError(problem);
    return;
  }
  downloadCsv(popup.state.tab, csv);
  popup.announce(`Exported ${plural(rows.length, `${popup.state.tab} invitation`)} as CSV.`);
}

export function setUpSelection() {
  $('select-shown').addEventListener('change', (event) => selectShown(event.target.checked));
  $('clear-selection').addEventListener('click', () => {
    bulk.popup.state.selected.clear();
    syncBoxes();
    paintTools();
    $('select-shown').focus();
  });
  for (const id of ['accept-selected', 'decline-selected', 'withdraw-selected']) {
    const button = $(id);
    button.addEventListener('click', () => startListed(button.dataset.action, selectedRows()));
  }
  $('accept-all').addEventListener('click', () => receivedFor('accept'));
  $('decline-all').addEventListener('click', () => receivedFor('decline'));
  for (const id of FILTER_INPUTS) $(id).addEventListener('input', applyFilter);
  fillOlderThanChoices();
  $('older-days').addEventListener('change', (event) => {
    const other = $('older-other');
    other.hidden = event.target.value !== 'other';
    other.removeAttribute('aria-invalid');
    if (!other.hidden) other.focus();
  });
  $('older-other').addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      withdrawOlder();
    }
  });
  $('withdraw-older').addEventListener('click', withdrawOlder);
  $('export-csv').addEventListener('click', exportCsv);
}
