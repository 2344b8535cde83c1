// Starts the provider emulator binary on a free loopback port with a scenario, for one test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const scenarioPath = (name) =>
  fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));

/** Starts the emulator on the scenario file `scenario`; `clock` (RFC 3339) sets its clock, which ages count back from. */
export async function startEmulator(scenario, { clock } = {}) {
  const binary = process.env.INVITE_DESK_EMULATOR;
  if (!binary) throw new Error('INVITE_DESK_EMULATOR is not set: run the tests through ./build.sh test');
  let file = scenarioPath(scenario);
  if (clock) {
    const pinned = { ...JSON.parse(readFileSync(file, 'utf8')), clock };
    file = join(mkdtempSync(join(tmpdir(), 'invite-desk-scenario-')), scenario);
    writeFileSync(file, JSON.stringify(pinned));
  }
  const child = spawn(binary, ['--port', '0', '--scenario', file], {
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
    /** From now on every list pages with `fault` (its README's paging faults); `null` clears it. */
    paging: (fault) => (fault ? control('PUT', 'paging', fault) : control('DELETE', 'paging')),
    /** The provider requests seen so far: method, path, query, body, status, key fingerprint. */
    requests: () => control('GET', 'requests'),
    clearRequests: () => control('DELETE', 'requests'),
    /** Changes made on LinkedIn itself, in order: see the emulator's README. */
    linkedin: (accountId, changes) => control('POST', `accounts/${encodeURIComponent(accountId)}/linkedin`, { changes }),
    /** Moves the emulator's clock `seconds` forward: its Date header, rolling windows and cooldowns. */
    advanceClock: (seconds) => control('POST', 'clock', { advance_seconds: seconds }),
    /** What the emulator holds for one account: counts, ids, credits. */
    account: (accountId) => control('GET', `accounts/${encodeURIComponent(accountId)}`),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}
