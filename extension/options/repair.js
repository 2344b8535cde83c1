// The options page's Repair section: a stored value Invite Desk cannot read (the limits ledger,
// the bulk jobs) is named with what resetting it means, both from the module, and reset by the
// service worker when the person asks.
import { damaged_values, job_chunk_keys } from '../pkg/invite_desk.js';
import { element } from '../lib/dom.js';
import { onLocalChange, readLocal } from '../lib/storage.js';
import { ask } from '../lib/worker.js';

/** Shows the section while something is damaged; `status` says how a reset went. */
export async function setUpRepair({ section, list, status, wasm }) {
  async function paint() {
    const guarded = await readLocal(['ledger', 'jobs']);
    // A job's items are kept in chunks beside it: one missing or garbled damages the jobs too.
    const chunks = await readLocal(job_chunk_keys(guarded));
    const damaged = damaged_values({ ...guarded, ...chunks });
    section.hidden = damaged.length === 0;
    list.replaceChildren(...damaged.map(({ key, name, reset_means: resetMeans }) => {
      const reset = element('button', { type: 'button', className: 'secondary danger', textContent: `Reset the ${name}` });
      reset.addEventListener('click', async () => {
        reset.disabled = true;
        const answer = await ask({ type: 'repair', value: key }, wasm);
        reset.disabled = false;
        status.textContent = answer.ok
          ? `The ${name} was reset.`
          : `The ${name} could not be reset: ${answer.error.message}`;
        paint();
      });
      return element('li', {},
        element('p', {}, element('strong', { textContent: `The saved ${name} cannot be read.` }), ` ${resetMeans}`),
        reset);
    }));
  }
  onLocalChange(['ledger', 'jobs'], paint);
  await paint();
}
