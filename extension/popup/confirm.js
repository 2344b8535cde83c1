// The popup's confirmation dialog: every bulk job and the full re-read ask first, stating what
// will happen. Escape cancels; focus goes back where it was.
import { element } from '../lib/dom.js';
import { $ } from './shared.js';

/** Shows the confirmation; resolves to true when the person confirms. */
export function confirmed({ title, lines, go }) {
  const dialog = $('confirm');
  if (dialog.open) return Promise.resolve(false);
  $('confirm-title').textContent = title;
  $('confirm-detail').replaceChildren(...lines.filter(Boolean).map((text) => element('p', { textContent: text })));
  $('confirm-go').textContent = go;
  const opener = document.activeElement;
  dialog.returnValue = 'cancel';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      const back = opener?.isConnected && !opener.disabled && opener.getClientRects().length > 0 ? opener : null;
      (back ?? $('jobs').querySelector('button:not([hidden])') ?? document.querySelector('[role="tab"][aria-selected="true"]'))?.focus();
      resolve(dialog.returnValue === 'go');
    }, { once: true });
  });
}
