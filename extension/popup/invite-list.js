// The Invite tab's "Invite a list": the pasted profiles read by the module (the lines left out
// shown), a {first_name} note template, where the account stands against its weekly cap, and a
// confirmation saying what fits the cap and the pace, all worded by the module. The job runs in
// the service worker.
import { inputsOf, problemOf, showProblem } from '../lib/problem.js';
import { ask } from '../lib/worker.js';
import { confirmed } from './confirm.js';
import { $, bulk, counted, plural, when, WORDS } from './shared.js';

let invitees = { profiles: [], problems: [] };
const form = () => $('invite-many');

function currentAccount() {
  const id = $('invite-account').value;
  return (bulk.popup.state.snapshot?.accounts ?? []).find((account) => account.id === id) ?? null;
}

/** Reads the pasted list with the module's rule; shows the lines left out and the button's count. */
async function readList() {
  const text = $('invite-list').value;
  const read = (await bulk.popup.wasm()).read_invite_list(text);
  if (text !== $('invite-list').value) return invitees;
  invitees = read;
  $('list-problems').replaceChildren(...read.problems.map((problem) => {
    const line = document.createElement('li');
    line.textContent = `Line ${problem.line}: ${problem.message}`;
    return line;
  }));
  paintInviteButton();
  return read;
}

function paintInviteButton() {
  const count = invitees.profiles.length;
  const button = $('invite-many-send');
  button.disabled = count === 0 || !currentAccount();
  button.textContent = count === 0 ? 'Invite…' : `Invite ${counted(count, WORDS.invite)}…`;
}

/** Shows a problem of the list form, marking and focusing the input it names. */
function showListError(problem) {
  for (const input of form().querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  showProblem($('invite-many-error'), problem && problemOf(problem));
  const [input] = inputsOf(form(), problem?.field);
  input?.setAttribute('aria-invalid', 'true');
  input?.focus();
}

async function inviteList() {
  showListError(null);
  const { popup } = bulk;
  const module = await popup.wasm();
  const { profiles, problems } = await readList();
  const account = currentAccount();
  if (!account) return showListError(module.no_account());
  if (profiles.length === 0) return popup.announce(WORDS.invite.none);
  const template = $('note-template').value.trim() || null;
  const count = profiles.length;
  let lines;
  try {
    if (template) module.check_note_template(template);
    lines = module.invite_confirmation(bulk.stored.ledger, bulk.stored.settings, account.ledger_key ?? account.id,
      account.plan, count, template !== null, Date.now());
  } catch (problem) {
    return showListError(problem);
  }
  const ok = await confirmed({
    title: `Invite ${counted(count, WORDS.invite)} from ${account.label}?`,
    lines: [problems.length ? `${plural(problems.length, 'line')} left out: not a profile to invite.` : '', ...lines],
    go: `Invite ${count}`,
  });
  if (!ok) return;
  const answer = await ask({ type: 'start_job', action: 'invite', account: account.id, profiles, note: template }, popup.wasm);
  if (!answer.ok) {
    popup.announce('The invitations were not started.');
    return showListError(answer.error);
  }
  popup.announce(`${WORDS.invite.doing} ${counted(count, WORDS.invite)}.`);
  $('invite-list').value = '';
  await readList();
}

/** "37 of 100 this week · 2 of 5 notes this month", under the Invite tab's account. */
export async function paintStanding() {
  const line = $('standing');
  const account = currentAccount();
  paintInviteButton();
  if (!account) {
    line.textContent = '';
    line.classList.remove('blocked');
    return;
  }
  let standing;
  try {
    standing = (await bulk.popup.wasm()).standing(bulk.stored.ledger, bulk.stored.settings, account.ledger_key ?? account.id,
      account.plan, Date.now());
  } catch (problem) {
    standing = { summary: problemOf(problem).message };
  }
  if (currentAccount()?.id !== account.id) return;
  line.textContent = [standing.summary, standing.notes_summary].filter(Boolean).join(' · ');
  line.classList.toggle('blocked', Boolean(standing.next_send_at_ms));
  if (standing.next_send_at_ms) {
    const again = document.createElement('span');
    again.textContent = `. Sending is possible again ${when(standing.next_send_at_ms)}.`;
    line.append(again);
  }
}

export function setUpInviteList() {
  $('invite-account').addEventListener('change', paintStanding);
  let listTimer = 0;
  $('invite-list').addEventListener('input', () => {
    clearTimeout(listTimer);
    listTimer = setTimeout(readList, 200);
  });
  form().addEventListener('submit', (event) => {
    event.preventDefault();
    inviteList();
  });
}
