// One invitation as a list item: picture, name linking to the profile, age, headline, note,
// account and its action buttons, and how an action on it shows. Provider text is only ever set
// as textContent; links and pictures arrive checked by the module (linkedin.com over https,
// pictures from LinkedIn's media hosts).

const ACTIONS = {
  received: [
    { intent: 'accept', label: 'Accept', working: 'Accepting…', done: 'Accepted' },
    { intent: 'decline', label: 'Decline', working: 'Declining…', done: 'Declined' },
  ],
  sent: [{ intent: 'withdraw', label: 'Withdraw', working: 'Withdrawing…', done: 'Withdrawn' }],
};

export const actionsOf = (direction) => ACTIONS[direction];

let nameIds = 0;

/** A new list item for `invitation`; `accountLabel` is shown when set. */
export function invitationItem(invitation, accountLabel, ageOf) {
  const { person } = invitation;
  const item = document.createElement('li');
  item.className = 'invitation';
  item.dataset.direction = invitation.direction;
  // Arrows move focus from row to row (popup/window.js); Tab goes through its controls.
  item.tabIndex = -1;
  const select = document.createElement('input');
  select.type = 'checkbox';
  select.className = 'select';
  select.setAttribute('aria-label', `Select ${person.name}`);
  item.append(select, avatar(person));

  const body = document.createElement('div');
  body.className = 'body';
  const top = document.createElement('div');
  top.className = 'top';
  const name = document.createElement(person.profile_url ? 'a' : 'span');
  name.className = 'name';
  name.id = `name-${++nameIds}`;
  // Lets `./build.sh bench` see when the first invitation is on screen.
  name.setAttribute('elementtiming', 'invitation');
  name.textContent = person.name;
  // Provider text may be in any script: each piece finds its own direction (Arabic, Hebrew).
  name.dir = 'auto';
  if (person.profile_url) {
    name.href = person.profile_url;
    name.target = '_blank';
    name.rel = 'noopener noreferrer';
  }
  top.append(name, ageElement(invitation, ageOf));
  if (accountLabel) {
    const account = document.createElement('span');
    account.className = 'account';
    account.dir = 'auto';
    account.textContent = accountLabel;
    top.append(account);
  }
  body.append(top);

  for (const [className, text] of [['headline', person.headline], ['note', invitation.note]]) {
    if (!text) continue;
    const line = document.createElement(className === 'note' ? 'blockquote' : 'div');
    line.className = className;
    line.dir = 'auto';
    line.textContent = text;
    body.append(line);
  }

  const actions = document.createElement('div');
  actions.className = 'actions';
  for (const action of actionsOf(invitation.direction)) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.label;
    button.dataset.intent = action.intent;
    button.setAttribute('aria-describedby', name.id);
    actions.append(button);
  }
  const outcome = document.createElement('p');
  outcome.className = 'outcome';
  outcome.hidden = true;
  outcome.tabIndex = -1;
  body.append(actions, outcome);
  item.append(body);
  return item;
}

function ageElement(invitation, ageOf) {
  const age = document.createElement('time');
  age.className = 'age';
  const sent = new Date(invitation.sent_at_ms ?? NaN);
  // A row stored by an earlier version may hold a date no Date can write: shown with no date.
  if (Number.isNaN(sent.getTime())) return age;
  age.dateTime = sent.toISOString();
  age.title = (invitation.sent_at_exact ? 'Sent ' : 'Sent about ') + sent.toLocaleDateString();
  age.dataset.sentAt = String(invitation.sent_at_ms);
  age.textContent = ageOf(invitation.sent_at_ms);
  return age;
}

function avatar(person) {
  const initials = document.createElement('span');
  initials.className = 'avatar';
  initials.setAttribute('aria-hidden', 'true');
  initials.textContent = Array.from(person.name.split(/\s+/).filter(Boolean).slice(0, 2), (part) => Array.from(part)[0]).join('');
  if (!person.picture_url) return initials;
  const picture = document.createElement('img');
  picture.className = 'avatar';
  picture.alt = '';
  picture.loading = 'lazy';
  picture.referrerPolicy = 'no-referrer';
  picture.addEventListener('error', () => picture.replaceWith(initials), { once: true });
  picture.src = person.picture_url;
  return picture;
}

/** Shows an action under way, done, or failed on an item made by `invitationItem`. */
export function showOutcome(item, { state, intent, text, detail }) {
  item.setAttribute('aria-busy', String(state === 'working'));
  item.classList.toggle('handled', state === 'done');
  // A handled row cannot be ticked for a bulk action any more.
  const select = item.firstElementChild;
  select.disabled = state === 'done';
  if (state === 'done') select.checked = false;
  for (const button of item.querySelectorAll('.actions button')) {
    const action = actionsOf(item.dataset.direction).find((known) => known.intent === button.dataset.intent);
    button.disabled = state === 'working';
    button.hidden = state === 'done';
    button.textContent = state === 'working' && action.intent === intent ? action.working : action.label;
  }
  const outcome = item.querySelector('.outcome');
  outcome.hidden = state === 'working';
  outcome.className = `outcome ${state}`;
  if (state === 'failed') outcome.setAttribute('role', 'alert');
  else outcome.removeAttribute('role');
  outcome.textContent = text ?? '';
  outcome.dir = 'auto';
  if (detail) {
    const more = document.createElement('span');
    more.className = 'detail';
    more.textContent = detail;
    outcome.append(more);
  }
}
