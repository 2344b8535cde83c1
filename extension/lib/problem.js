// How every page shows a failure: what happened and why in bold, then what to do next. The words
// come from the module (error.rs); a page finds the input at fault by the error's `field` key,
// which is the input's `name`, or a group's `data-field` for a range of two inputs.
import { element } from './dom.js';

/** A thrown module error as it is; anything else (a string, a JS Error) as a problem to show. */
export function problemOf(thrown) {
  if (thrown && typeof thrown === 'object' && typeof thrown.message === 'string' && !(thrown instanceof Error)) {
    return thrown;
  }
  return {
    message: typeof thrown === 'string' ? thrown : 'Something went wrong on this page.',
    next_step: 'Close and reopen this page, then try again.',
  };
}

/** "What happened. Why." on one line. */
export const whatHappened = (problem) => [problem.message, problem.why].filter(Boolean).join(' ');

/** The whole problem on one line, for a status or a result row. */
export const problemText = (problem) => [whatHappened(problem), problem.next_step].filter(Boolean).join(' ');

/** Shows `problem` in `box` (what happened and why, then what to do), or empties and hides it. */
export function showProblem(box, problem, clean = (text) => text) {
  box.hidden = !problem;
  if (!problem) {
    box.replaceChildren();
    return;
  }
  // `why` may quote the provider, in any script: the line finds its own direction.
  const what = element('p', { className: 'what', dir: 'auto' }, element('strong', { textContent: clean(problem.message) }));
  if (problem.why) what.append(` ${clean(problem.why)}`);
  box.replaceChildren(what, element('p', { className: 'next', textContent: clean(problem.next_step ?? '') }));
}

/** The inputs of `form` an error's `field` names. */
export function inputsOf(form, field) {
  if (!field) return [];
  const key = CSS.escape(field);
  return [...form.querySelectorAll(`[name="${key}"], [data-field="${key}"] input`)];
}

/** Marks `input` (in)valid and links it to, or unlinks it from, the alert that explains it. */
export function markInvalid(input, invalid, alert) {
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

/**
 * Shows `problem` in the form's alert and marks the inputs it names, focusing the first; the
 * marks go when the person types in a marked input (a range's two inputs together).
 */
export function showFormProblem(form, alert, problem, clean) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) markInvalid(input, false, alert);
  showProblem(alert, problem, clean);
  const wrong = inputsOf(form, problem?.field);
  for (const input of wrong) markInvalid(input, true, alert);
  wrong[0]?.focus();
}

/** Typing in a marked input clears the mark on the inputs its error named. */
export function clearMarksOnInput(form, alert) {
  form.addEventListener('input', (event) => {
    if (event.target.getAttribute?.('aria-invalid') !== 'true') return;
    const group = event.target.closest('[data-field]');
    for (const input of group ? group.querySelectorAll('input') : [event.target]) markInvalid(input, false, alert);
  });
}
