// The popup's jobs panel: each bulk job with its progress, state (and why it waits or paused),
// Stop, Resume and Close (the automatic rule's job: Pause and Resume), and each item's result
// while "Results" is open, read then from the chunks the worker keeps a job's items in. Jobs run
// in the service worker, which alone writes them; this only shows them and asks.
import { element } from '../lib/dom.js';
import { showProblem, whatHappened } from '../lib/problem.js';
import { ask } from '../lib/worker.js';
import { $, bulk, clock, counted, WORDS } from './shared.js';

const OUTCOMES = {
  pending: 'Pending',
  in_flight: 'In progress',
  done: 'Done',
  already_gone: 'Already gone',
  failed: 'Failed',
  not_done: 'Not done',
};

/** Each job's elements, kept across repaints so focus, open details and scroll stay. */
const views = new Map();
/** Each job's state as last announced. */
const heard = new Map();

// The automatic rule's job goes on as long as the rule is on: it is named by the rule.
const titleOf = (job) => (job.automatic ? 'Automatic withdraw'
  : `${WORDS[job.action]?.doing ?? 'Working on'} ${counted(job.progress.total, WORDS[job.action] ?? WORDS.accept)}`);

/** "3 done · 1 failed · 6 remaining", and the rest of a finished job's tally. */
function tally(progress) {
  const parts = [`${progress.done} done`];
  if (progress.already_gone) parts.push(`${progress.already_gone} already gone`);
  if (progress.failed) parts.push(`${progress.failed} failed`);
  if (progress.not_done) parts.push(`${progress.not_done} not done`);
  return parts;
}

function countsText(job) {
  const counts = [...tally(job.progress), `${job.progress.remaining} remaining`];
  if (job.state === 'running' && job.progress.estimated_end_ms) counts.push(`ends about ${clock(job.progress.estimated_end_ms)}`);
  return counts.join(' · ');
}

/** The state as a heading, why (when it waits or paused; an automatic job's rule) and a tone. */
function stateOf(job) {
  const held = job.automatic?.held;
  if (held && (job.state === 'running' || job.state === 'finished')) {
    return { head: 'Withdrawing nothing', why: [job.automatic.rule, whatHappened(held), held.next_step], tone: 'attention' };
  }
  const why = [job.automatic?.rule, ...(job.reason ? [whatHappened(job.reason), job.reason.next_step] : [])];
  switch (job.state) {
    case 'running':
      return job.reason ? { head: `Waiting until ${clock(job.next_at_ms)}`, why, tone: 'attention' } : { head: 'Running', why };
    case 'paused': return { head: 'Paused', why, tone: 'attention' };
    case 'stopped': return { head: 'Stopped', why: [] };
    default: return { head: job.automatic ? 'Up to date' : 'Finished', why, tone: 'ok' };
  }
}

function createView(job) {
  const title = element('h2', { id: `job-title-${views.size}-${Date.now()}`, tabIndex: -1 });
  const buttons = element('div', { className: 'buttons' });
  const button = (role, text, className = '') => {
    const made = element('button', { type: 'button', textContent: text, className });
    made.dataset.role = role;
    buttons.append(made);
    return made;
  };
  const controls = {
    resume: button('resume', 'Resume', 'primary'), pause: button('pause', 'Pause'), stop: button('stop', 'Stop'), dismiss: button('dismiss', 'Close'),
  };
  const results = element('ul');
  const view = {
    title,
    bar: element('progress', { attributes: { 'aria-labelledby': title.id } }),
    counts: element('p', { className: 'counts' }),
    state: element('p', { className: 'state' }),
    error: element('div', { className: 'error', hidden: true, attributes: { role: 'alert' } }),
    controls,
    details: element('details', {}, element('summary', { textContent: 'Results' }), results),
    results,
  };
  view.element = element('article', { className: 'job', attributes: { 'aria-labelledby': title.id } },
    title, view.bar, view.counts, view.state, view.error, buttons, view.details);
  view.element.dataset.job = job.id;
  views.set(job.id, view);
  return view;
}

function updateView(view, job) {
  const title = titleOf(job);
  view.title.textContent = title;
  const { progress } = job;
  // Items handled, whatever their outcome; those a Stop left undone do not fill the bar.
  view.bar.max = Math.max(1, progress.total);
  view.bar.value = progress.done + progress.already_gone + progress.failed;
  view.counts.textContent = countsText(job);
  const { head, why, tone } = stateOf(job);
  view.state.className = `state${tone ? ` ${tone}` : ''}`;
  view.state.replaceChildren(head, ...why.filter(Boolean).map((text) => element('span', { textContent: text })));
  // The rule's job is paused and resumed; it stops when the rule is turned off in Options.
  const automatic = Boolean(job.automatic);
  const shows = {
    resume: job.state === 'paused',
    pause: automatic && job.state === 'running',
    stop: !automatic && (job.state === 'running' || job.state === 'paused'),
    dismiss: job.state === 'stopped' || (!automatic && job.state === 'finished'),
  };
  let lostFocus = false;
  for (const [role, button] of Object.entries(view.controls)) {
    button.setAttribute('aria-label', `${button.textContent}: ${title}`);
    if (!shows[role] && button === document.activeElement) lostFocus = true;
    button.hidden = !shows[role];
  }
  if (lostFocus) (Object.values(view.controls).find((button) => !button.hidden) ?? view.title).focus();
  if (view.details.open) paintResults(view, job);
}

/** "Élodie Martin — Failed: Note is not valid. This person's first name is not known…" */
function resultText(item) {
  const who = item.name || item.target;
  const outcome = OUTCOMES[item.outcome] ?? item.outcome;
  if (item.outcome === 'failed' && item.error) return `${who} — ${outcome}: ${whatHappened(item.error)}`;
  // Left out with a reason (connected already, an invitation pending): the reason says why.
  return item.error?.why ? `${who} — ${outcome}: ${item.error.why}` : `${who} — ${outcome}`;
}

/** A job's items: from its chunks, or from the job itself as an earlier version kept it. */
async function itemsOf(job) {
  if (job.items_kept == null) return job.items ?? [];
  const keys = (await bulk.popup.wasm()).job_item_keys(job.id, job.items_kept);
  const read = await chrome.storage.local.get(keys);
  return keys.flatMap((key) => (Array.isArray(read[key]) ? read[key] : []));
}

/** Each item's outcome, written only while "Results" is open; a later paint wins. */
async function paintResults(view, job) {
  if (!job) return;
  const painting = (view.painting ?? 0) + 1;
  view.painting = painting;
  const items = await itemsOf(job);
  if (view.painting !== painting) return;
  const rows = view.results.children;
  while (rows.length > items.length) rows[rows.length - 1].remove();
  items.forEach((item, index) => {
    const row = rows[index] ?? view.results.appendChild(element('li'));
    const text = resultText(item);
    const next = item.outcome === 'failed' ? (item.error?.next_step ?? '') : '';
    if (row.dataset.text === text + next) return;
    row.dataset.text = text + next;
    row.className = item.outcome === 'failed' ? 'failed' : '';
    row.dir = 'auto';
    row.replaceChildren(text, next ? element('span', { className: 'hint', textContent: ` ${next}` }) : '');
  });
}

export function paintJobs({ quiet = false } = {}) {
  const panel = $('jobs');
  const { jobs } = bulk.stored;
  const alive = new Set(jobs.map((job) => job.id));
  for (const [id, view] of views) {
    if (alive.has(id)) continue;
    const hadFocus = view.element.contains(document.activeElement);
    view.element.remove();
    views.delete(id);
    heard.delete(id);
    if (hadFocus) (panel.querySelector('button:not([hidden])') ?? document.querySelector('[role="tab"][aria-selected="true"]'))?.focus();
  }
  jobs.forEach((job, index) => {
    const view = views.get(job.id) ?? createView(job);
    updateView(view, job);
    if (panel.children[index] !== view.element) panel.insertBefore(view.element, panel.children[index] ?? null);
  });
  panel.hidden = jobs.length === 0;
  announceJobs(quiet);
}

/** Says when a job finishes, stops, pauses or waits: never each step. */
function announceJobs(quiet) {
  for (const job of bulk.stored.jobs) {
    const now = `${job.state}:${job.reason?.code ?? ''}`;
    const before = heard.get(job.id);
    heard.set(job.id, now);
    if (quiet || before === now || (before === undefined && job.state === 'running' && !job.reason)) continue;
    const { head, why } = stateOf(job);
    bulk.popup.announce(job.state === 'finished' || job.state === 'stopped'
      ? `${titleOf(job)}: ${head.toLowerCase()}, ${tally(job.progress).join(', ')}.`
      : `${titleOf(job)}: ${[head, ...why].filter(Boolean).join('. ')}`);
  }
}

async function jobButton(event) {
  const button = event.target.closest('button[data-role]');
  if (!button || button.getAttribute('aria-disabled') === 'true') return;
  const article = button.closest('[data-job]');
  const view = views.get(article.dataset.job);
  showProblem(view.error, null);
  // aria-disabled, not disabled: a disabled button drops the focus, which the panel moves on
  // to the button that replaces it (Stop → Close).
  button.setAttribute('aria-disabled', 'true');
  const answer = await ask({ type: `${button.dataset.role}_job`, job: article.dataset.job }, bulk.popup.wasm);
  button.removeAttribute('aria-disabled');
  if (!answer.ok && article.isConnected) showProblem(view.error, answer.error);
}

export function setUpJobs() {
  $('jobs').addEventListener('click', jobButton);
  $('jobs').addEventListener('toggle', (event) => {
    const id = event.target.closest?.('[data-job]')?.dataset.job;
    const view = id && views.get(id);
    if (view && view.details.open) paintResults(view, bulk.stored.jobs.find((job) => job.id === id));
  }, true);
}
