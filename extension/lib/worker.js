// Asking the service worker: every intent resolves to `{ok, result}` or `{ok, error}`, also
// when the worker does not answer (then with the module's error for that).

/** Sends `intent`; `wasm()` resolves to the module, needed only to word a missing answer. */
export async function ask(intent, wasm) {
  try {
    const answer = await chrome.runtime.sendMessage(intent);
    if (answer && typeof answer.ok === 'boolean') return answer;
  } catch {
    // No answer: said below like any other failure.
  }
  return { ok: false, error: (await wasm()).no_answer() };
}
