// The Stats tab: what became of the invitations each account sent while Invite Desk watched it,
// week by week, for one account or all. Every number and word is the module's
// (`stats_report`), the CSV too; this file only lays them out. Loaded when the tab is chosen.
import { $, element } from '../lib/dom.js';
import { problemOf, showProblem } from '../lib/problem.js';
import { downloadCsv } from '../lib/download.js';

let popup;
let csv = '';

/** `popup` is the popup's state, `wasm()` and `announce`; shows the tab's numbers now and as they change. */
export function setUpStats(given) {
  popup = given;
  $('stats-account').addEventListener('change', paintStats);
  $('stats-export').addEventListener('click', () => {
    downloadCsv('stats', csv);
    popup.announce('Exported the stats as CSV.');
  });
  chrome.storage.onChanged.addListener((changes, area) => {
    const statsChanged = Object.keys(changes).some((key) => key.startsWith('stats:'));
    if (area === 'local' && statsChanged && !$('panel-stats').hidden) paintStats();
  });
}

/** The account choice follows the accounts: all of them, then each by its label. */
function fillAccounts() {
  const select = $('stats-account');
  const chosen = select.value;
  const accounts = popup.state.snapshot?.accounts ?? [];
  select.replaceChildren(element('option', { value: '', textContent: 'All accounts' }),
    ...accounts.map((account) => element('option', { value: account.id, textContent: account.label })));
  if (accounts.some((account) => account.id === chosen)) select.value = chosen;
}

export async function paintStats() {
  fillAccounts();
  const module = await popup.wasm();
  let report;
  try {
    const offsetMinutes = -new Date().getTimezoneOffset();
    report = await module.stats_report($('stats-account').value || undefined, Date.now(), offsetMinutes);
  } catch (problem) {
    showProblem($('stats-error'), problemOf(problem));
    return;
  }
  showProblem($('stats-error'), null);
  const { view } = report;
  csv = report.csv;
  $('stats-since').textContent = view.since;
  $('stats-summary').replaceChildren(
    ...[
      ['Sent', view.sent], ['Accepted', view.accepted], ['Acceptance rate', view.rate],
      ['Still pending', view.pending], ['Withdrawn by you', view.withdrawn], ['Left the list', view.left],
      ['Median time to accept', view.median], ['… with a note', view.median_with_note],
      ['… without a note', view.median_without_note],
    ].flatMap(([term, value]) => [element('dt', { textContent: term }), element('dd', { textContent: String(value) })]),
  );
  $('stats-weeks').replaceChildren(...view.weeks.map((week) => element('tr', {},
    element('th', { scope: 'row', textContent: week.label }),
    element('td', { textContent: String(week.sent) }),
    element('td', { textContent: String(week.accepted) }),
    element('td', { textContent: week.rate }))));
  $('stats-export').disabled = view.sent === 0;
}
