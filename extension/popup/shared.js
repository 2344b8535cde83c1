// What the popup's bulk tools share: the popup's own state and helpers, the stored values they
// follow (`jobs`, `ledger`, `settings`), and how they word counts and times.

export const bulk = {
  /** The popup's state and helpers, given by `setUpBulk`. */
  popup: null,
  stored: { jobs: [], ledger: undefined, settings: {} },
};

export { $ } from '../lib/dom.js';
export const keyOf = (invitation) => `${invitation.account}\n${invitation.id}`;

export const WORDS = {
  accept: { verb: 'Accept', doing: 'Accepting', noun: 'received invitation', none: 'Nothing to accept.' },
  decline: { verb: 'Decline', doing: 'Declining', noun: 'received invitation', none: 'Nothing to decline.' },
  withdraw: { verb: 'Withdraw', doing: 'Withdrawing', noun: 'sent invitation', none: 'Nothing to withdraw.' },
  invite: { verb: 'Invite', doing: 'Inviting', noun: 'person', plural: 'people', none: 'No profile to invite.' },
};

export const plural = (count, noun, many = `${noun}s`) => `${count} ${count === 1 ? noun : many}`;
export const counted = (count, words) => plural(count, words.noun, words.plural);

const TIME = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const isToday = (date) => date.toDateString() === new Date().toDateString();

/** "at 14:32", or "on Mon, 30 Nov at 14:32", in the browser's own way of writing times. */
export function when(ms) {
  const date = new Date(ms);
  return isToday(date) ? `at ${TIME.format(date)}` : `on ${DAY.format(date)} at ${TIME.format(date)}`;
}

/** "14:32", or "Mon, 30 Nov 14:32". */
export function clock(ms) {
  const date = new Date(ms);
  return isToday(date) ? TIME.format(date) : `${DAY.format(date)} ${TIME.format(date)}`;
}
