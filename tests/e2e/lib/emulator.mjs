// Starts the provider emulator binary on a free loopback port with a scenario, for one test.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const scenarioPath = (name) =>
  fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));

export async function startEmulator(scenario) {
  const binary = process.env.INVITE_DESK_EMULATOR;
  if (!binary) throw new Error('INVITE_DESK_EMULATOR is not set: run the tests through ./build.sh test');
  const child = spawn(binary, ['--port', '0', '--scenario', scenarioPath(scenario)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)));
    lines.once('line', (line) => {
      const found = line.match(/http:\/\/\S+/);
      found ? resolve(found[0]) : reject(new Error(`unexpected first line: ${line}`));
    });
  });
  const control = async (method, path, body) => {
    const response = await fetch(`${url}/__emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${JSON.stringify(answer)}`);
    return answer;
  };
  return {
    url,
    /** Delays answers on `path_prefix` (optionally one method) by `ms`. */
    latency: (rule) => control('POST', 'latency', rule),
    /** Queues a fault: see tests/emulator/README.md for its fields. */
    fault: (spec) => control('POST', 'faults', spec),
    /** The provider requests seen so far: method, path, query, body, status, key fingerprint. */
    requests: () => control('GET', 'requests'),
    clearRequests: () => control('DELETE', 'requests'),
    /** Changes made on LinkedIn itself, in order: see the emulator's README. */
    linkedin: (accountId, changes) => control('POST', `accounts/${encodeURIComponent(accountId)}/linkedin`, { changes }),
    /** What the emulator holds for one account: counts, ids, credits. */
    account: (accountId) => control('GET', `accounts/${encodeURIComponent(accountId)}`),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}
