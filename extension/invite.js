// The popup's Invite panel: profile URL (filled in from the active tab when it is a LinkedIn
// profile), note with its live count, account, "Send invitation". The rules on a profile and a
// note are the wasm module's, checked here before the intent leaves and again by the backend.

const NOTE_MAX = 300;

const form = document.getElementById('invite');
const accountSelect = document.getElementById('invite-account');
const profile = document.getElementById('invite-profile');
const note = document.getElementById('invite-note');
const noteCount = document.getElementById('note-count');
const freePlan = document.getElementById('free-plan');
const error = document.getElementById('invite-error');
const send = document.getElementById('invite-send');

let accounts = [];

/** Wires the panel; `wasm()` resolves to the module, `sendIntent` and `announce` are the popup's. */
export function setUpInvite({ wasm, sendIntent, announce }) {
  note.addEventListener('input', showNoteCount);
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
    const checked = await check(wasm, invitation);
    if (checked) return showError(checked);
    showError(null);
    send.disabled = true;
    send.textContent = 'Sending…';
    form.setAttribute('aria-busy', 'true');
    announce('Sending the invitation…');
    const answer = await sendIntent(invitation);
    form.setAttribute('aria-busy', 'false');
    send.disabled = false;
    send.textContent = 'Send invitation';
    if (!answer.ok) {
      announce('The invitation was not sent.');
      return showError(answer.error);
    }
    const who = answer.result?.name ?? invitation.profile;
    announce(`Invitation sent to ${who}.`);
    // Sent, but not recorded: the person learns it, and the limits still count it.
    showError(answer.result?.bookkeeping ?? null);
    profile.value = '';
    note.value = '';
    showNoteCount();
  });
  showNoteCount();
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
export async function prefillFromActiveTab(wasm) {
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

async function check(wasm, invitation) {
  if (!invitation.account) {
    return { message: 'There is no account to send from.', next_step: 'Add an account in Options.' };
  }
  try {
    (await wasm()).check_invitation(invitation.profile, invitation.note ?? '');
    return null;
  } catch (problem) {
    return problem;
  }
}

function showError(problem) {
  profile.removeAttribute('aria-invalid');
  note.removeAttribute('aria-invalid');
  error.hidden = !problem;
  error.replaceChildren();
  if (!problem) return;
  const field = { 'Profile URL': profile, Note: note }[problem.field];
  field?.setAttribute('aria-invalid', 'true');
  const title = document.createElement('strong');
  title.textContent = problem.message;
  const next = document.createElement('span');
  next.textContent = [problem.detail, problem.next_step].filter(Boolean).join('. ');
  error.append(title, next);
  field?.focus();
}

function showNoteCount() {
  const length = Array.from(note.value.trim()).length;
  noteCount.textContent = `${length} of ${NOTE_MAX} characters`;
  noteCount.classList.toggle('over', length > NOTE_MAX);
}

function showPlanHint() {
  const account = accounts.find((known) => known.id === accountSelect.value);
  freePlan.hidden = account?.plan !== 'free';
  note.setAttribute('aria-describedby', freePlan.hidden ? 'note-count' : 'note-count free-plan');
}
