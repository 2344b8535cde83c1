// The extension's stored values as pages use them: read, written, and followed as they change.
// A write the browser refuses throws the module's error for it, ready to show.
import { browser_refused } from '../pkg/invite_desk.js';

/** The values under `keys` in chrome.storage.local. */
export const readLocal = (keys) => chrome.storage.local.get(keys);

/** Writes `values`; throws the problem to show when the browser refuses. */
export async function writeLocal(values) {
  try {
    await chrome.storage.local.set(values);
  } catch {
    throw browser_refused();
  }
}

/** Calls `listener(changes)` when one of `keys` changes in chrome.storage.local. */
export function onLocalChange(keys, listener) {
  chrome.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && keys.some((key) => key in changes)) listener(changes);
  });
}

/** A stored object, or `{}` for anything else. */
export const plainObject = (value) => (value && typeof value === 'object' && !Array.isArray(value) ? value : {});
