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
  return {
    url,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}
