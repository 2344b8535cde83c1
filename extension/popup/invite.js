// The popup's Invite panel: profile URL (filled in from the active tab when it is a LinkedIn
// profile), note with its length against LinkedIn's limit, account, "Send invitation". The rules
// on a profile and a note are the module's, checked here before the intent leaves and again by
// the service worker.
import { inputsOf, problemOf, showProblem } from '../lib/problem.js';
import { ask } from '../lib/worker.js';
import { $ } from '../lib/dom.js';

const form = $('invite');
const accountSelect = $('invite-account');
const profile = $('invite-profile');
const note = $('invite-note');
const send = $('invite-send');

let accounts = [];
let wasm;

/** Wires the panel; `wasm()` resolves to the module, `announce` is the popup's. */
export function setUpInvite({ wasm: moduleReady, announce }) {
  wasm = moduleReady;
  note.addEventListener('input', showNoteLength);
  accountSelect.addEventListener('change', showPlanHint);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (send.disabled) return;
    const invitation = {
      type: 'send',
      account: accountSelect.value,
      profile: profile.value.trim(),
      note: note.value.trim() === '' ? null : note.value,
    };
    const refused = await check(invitation);
    showError(refused);
    if (refused) return;
    send.disabled = true;
    send.textContent = 'Sending…';
    form.setAttribute('aria-busy', 'true');
    announce('Sending the invitation…');
    const answer = await ask(invitation, wasm);
    form.setAttribute('aria-busy', 'false');
    send.disabled = false;
    send.textContent = 'Send invitation';
    if (!answer.ok) {
      announce('The invitation was not sent.');
      return showError(answer.error);
    }
    announce(`Invitation sent to ${answer.result?.name ?? invitation.profile}.`);
    // Sent, but not recorded: the person learns it, and the limits still count it.
    showError(answer.result?.bookkeeping ?? null);
    profile.value = '';
    note.value = '';
    showNoteLength();
  });
  showNoteLength();
}

/** The accounts to send from: those whose settings can be read. */
export function setInviteAccounts(known) {
  const usable = known.filter((account) => account.provider);
  const ids = usable.map((account) => account.id).join('\n');
  if (ids === accounts.map((account) => account.id).join('\n')) return;
  const selected = accountSelect.value;
  accounts = usable;
  accountSelect.replaceChildren(...usable.map((account) => new Option(account.label, account.id)));
  if (usable.some((account) => account.id === selected)) accountSelect.value = selected;
  send.disabled = usable.length === 0;
  showPlanHint();
}

/** Fills in the profile URL when the active tab shows a LinkedIn profile (granted by activeTab). */
export async function prefillFromActiveTab() {
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true }).catch(() => []);
  const url = tab?.url;
  if (!url || profile.value || !url.includes('://')) return false;
  try {
    (await wasm()).check_invitation(url, '');
  } catch {
    return false;
  }
  profile.value = url;
  return true;
}

/** What is wrong with the invitation before it leaves, or null. */
async function check(invitation) {
  const module = await wasm();
  if (!invitation.account) return module.no_account();
  try {
    module.check_invitation(invitation.profile, invitation.note ?? '');
    return null;
  } catch (problem) {
    return problemOf(problem);
  }
}

function showError(problem) {
  for (const input of [profile, note]) input.removeAttribute('aria-invalid');
  showProblem($('invite-error'), problem);
  const [field] = inputsOf(form, problem?.field);
  field?.setAttribute('aria-invalid', 'true');
  field?.focus();
}

async function showNoteLength() {
  const length = (await wasm()).note_length(note.value);
  const count = $('note-count');
  count.textContent = length.text;
  count.classList.toggle('over', length.over);
}

async function showPlanHint() {
  const account = accounts.find((known) => known.id === accountSelect.value);
  const freePlan = $('free-plan');
  freePlan.textContent = (await wasm()).note_quota(account?.plan ?? null);
  freePlan.hidden = !freePlan.textContent;
  note.setAttribute('aria-describedby', freePlan.hidden ? 'note-count' : 'note-count free-plan');
}
