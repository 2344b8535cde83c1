// A section of settings on the options page, built from the module's description of it: each
// line's label, bounds, unit and hint are Rust's, which also checks what is typed and says what
// to store. Settings of other sections, and ones this version does not know, stay as stored.
import { settings_form, typed_settings } from '../pkg/invite_desk.js';
import { element } from '../lib/dom.js';
import { clearMarksOnInput, problemOf, showFormProblem } from '../lib/problem.js';
import { onLocalChange, plainObject, readLocal, writeLocal } from '../lib/storage.js';

const loadSettings = async () => plainObject((await readLocal('settings')).settings);

/** One input of a row, with its label: the row's own, or "From" and "to" for a range. */
function inputOf(row, input, index, hintId) {
  const id = `setting-${input.key}`;
  const field = element('input', {
    id, name: input.key, type: 'number', className: 'number', min: String(input.min), max: String(input.max),
    step: input.whole ? '1' : 'any', inputMode: input.whole ? 'numeric' : 'decimal',
    attributes: { 'aria-describedby': row.inputs.length > 1 ? `${hintId}-unit ${hintId}` : hintId },
  });
  const text = row.inputs.length === 1 ? row.label : index === 0 ? 'From' : 'to';
  return [element('label', { htmlFor: id, textContent: text }), field];
}

function rowElement(row) {
  const hintId = `hint-${row.key}`;
  const hint = element('p', { id: hintId, className: 'hint', textContent: row.hint });
  if (row.inputs.length === 1) {
    return element('div', { className: 'field' }, ...inputOf(row, row.inputs[0], 0, hintId), hint);
  }
  const ends = row.inputs.map((input, index) => element('span', { className: 'range-end' }, ...inputOf(row, input, index, hintId)));
  ends.at(-1).append(element('span', { id: `${hintId}-unit`, className: 'unit', textContent: row.unit }));
  return element('fieldset', { className: 'field range', attributes: { 'data-field': row.key } },
    element('legend', { textContent: row.label }), element('div', { className: 'range-row' }, ...ends), hint);
}

/**
 * Builds the section of `form` (its `data-section`) and keeps it in step with storage. `saved`
 * is said when a save went through; `shown(settings)` runs after each fill.
 */
export async function setUpSettings({ form, alert, lead, saved, shown = () => {} }) {
  const section = form.dataset.section;
  const described = settings_form(await loadSettings());
  lead.textContent = described[`${section}_lead`];
  // A stored field that cannot be read is said until the form is saved again.
  showFormProblem(form, alert, described.unreadable);
  const rows = described.rows.filter((row) => row.section === section);
  form.querySelector('.rows').replaceChildren(...rows.map(rowElement));
  const inputs = [...form.querySelectorAll('input')];
  /** What the inputs showed as stored: another tab's save does not overwrite what is being typed. */
  let showing = '';
  const values = () => inputs.map((input) => input.value).join(' ');

  function show(settings) {
    const filled = settings_form(settings).rows.flatMap((row) => row.inputs);
    for (const input of inputs) input.value = String(filled.find((known) => known.key === input.name).value);
    showing = values();
    shown(settings);
  }

  clearMarksOnInput(form, alert);
  let saving = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (saving) return;
    saving = true;
    try {
      const stored = await loadSettings();
      const typed = Object.fromEntries(inputs.map((input) => [input.name, input.value]));
      const settings = { ...stored, ...typed_settings(stored, typed) };
      await writeLocal({ settings });
      showFormProblem(form, alert, null);
      show(settings);
      saved();
    } catch (problem) {
      showFormProblem(form, alert, problemOf(problem));
    } finally {
      saving = false;
    }
  });

  onLocalChange(['settings'], (changes) => {
    if (values() === showing) show(plainObject(changes.settings.newValue));
  });
  show(await loadSettings());
}
