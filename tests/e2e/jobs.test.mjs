// Bulk jobs and the limits ledger, in the real extension against the emulator: a job survives
// its service worker being stopped with no call made twice, and sends beyond a cap are refused
// before any request leaves.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { chromiumBackground } from './lib/clock.mjs';
import { freshEmulatorAndBrowser, storedJobs } from './lib/e2e-scenario.mjs';
import { scenarioPath } from './lib/emulator.mjs';
import { screenshot, stopServiceWorker, storedLists, until, workerStartedAfter } from './lib/extension.mjs';

const scenario = JSON.parse(readFileSync(scenarioPath('bulk.json'), 'utf8'));
const [unipileKey, linkupKey] = scenario.keys;
const GENERATED_SENT = unipileKey.accounts[0].generate.sent;

const session = freshEmulatorAndBrowser('bulk.json');

function account(key, accountId, overrides = {}) {
  return {
    id: accountId,
    label: accountId,
    provider: key.provider,
    api_key: key.api_key,
    account_id: accountId,
    base_url: session.emulator.url,
    plan: key.accounts.find((a) => a.account_id === accountId).plan,
    ...overrides,
  };
}

/** Stores accounts and settings from the worker, as the options page would, and waits until both lists of each are read. */
async function configure(accounts, settings) {
  await session.browser.worker.evaluate(
    ([accounts, settings]) => chrome.storage.local.set({ accounts, settings }),
    [accounts, settings],
  );
  await until(async () => (await stored('view')).view?.accounts?.every((a) => a.received_count != null && a.sent_count != null),
    'the first check');
}

/**
 * Reads storage from an extension page that sends no intent, so reading never wakes the worker.
 * The page is kept open across reads.
 */
async function stored(...keys) {
  if (!session.reader || session.reader.isClosed()) {
    session.reader = await session.browser.context.newPage();
    await session.reader.goto(`chrome-extension://${session.browser.extensionId}/manifest.json`);
  }
  return session.reader.evaluate((keys) => chrome.storage.local.get(keys), keys);
}

/** The stored lists, read from the same page. */
async function lists() {
  await stored();
  return storedLists(session.reader);
}

/** Sends an intent from an extension page, as the popup does. */
async function intent(message) {
  await stored();
  return session.reader.evaluate((message) => chrome.runtime.sendMessage(message), message);
}

test('a bulk withdraw of 30 finishes after its service worker is stopped mid-job, each withdrawal sent once', async () => {
  const unipile = account(unipileKey, 'acc_bulk_unipile');
  await configure([unipile], {});
  const snapshot = await lists();
  assert.equal(snapshot.sent.length, GENERATED_SENT);
  await session.emulator.clearRequests();

  const items = snapshot.sent.map((invitation) => ({ account: invitation.account, invitation: invitation.id }));
  const answer = await intent({ type: 'start_job', action: 'withdraw', items });
  assert.equal(answer.ok, true, JSON.stringify(answer));
  assert.equal(answer.result.count, GENERATED_SENT);
  const jobOf = async () => (await storedJobs(session.browser)).find((job) => job.id === answer.result.job);

  await session.runJobs((job) => job.id === answer.result.job && job.progress.done >= 10, '10 withdrawals');
  // Withdrawals now take 2 s to answer, so the stop lands on one in flight.
  const withdrawal = { path_prefix: '/v2/acc_bulk_unipile/users/me/relation-requests/', method: 'POST' };
  await session.emulator.latency({ ...withdrawal, ms: 2000 });
  const background = chromiumBackground(session.browser);
  await session.clock.advanceTo((await background.alarm('jobs')).scheduledTime);
  await background.fire('jobs');
  const before = await until(async () => {
    const job = await jobOf();
    return job.items.some((item) => item.outcome === 'in_flight') && job;
  }, 'a withdrawal in flight');
  const stoppedOrigin = await stopServiceWorker(session.browser);
  const stoppedAt = (await session.emulator.requests()).length;
  await session.emulator.latency({ ...withdrawal, ms: 0 });
  const inFlight = before.items.find((item) => item.outcome === 'in_flight').target;

  // Nothing but the job's alarm wakes the worker (no page sends an intent): the wake-up it set
  // before the call, fired now rather than waited for.
  const rescue = await session.reader.evaluate(() => chrome.alarms.get('jobs'));
  assert.ok(rescue, 'the job set a wake-up before its call');
  await session.reader.evaluate(() => chrome.alarms.create('jobs', { when: Date.now() }));
  await workerStartedAfter(session.browser, stoppedOrigin);
  await session.clock.apply();
  const finished = await session.runJobs((job) => job.id === answer.result.job && job.state === 'finished', 'finished job');

  assert.equal(finished.progress.done, GENERATED_SENT);
  assert.deepEqual(
    [finished.progress.failed, finished.progress.already_gone, finished.progress.remaining],
    [0, 0, 0],
  );
  const requests = await session.emulator.requests();
  const checks = requests.slice(stoppedAt).filter((request) => request.method === 'GET').length;
  const withdrawals = requests
    .filter((request) => request.method === 'POST' && request.path.endsWith('/cancel') && request.status === 200)
    .map((request) => request.path.split('/').at(-2));
  assert.equal(withdrawals.length, GENERATED_SENT, 'one withdrawal request per invitation');
  assert.deepEqual(new Set(withdrawals), new Set(items.map((item) => item.invitation)));
  assert.ok(withdrawals.includes(inFlight));
  assert.equal((await session.emulator.account('acc_bulk_unipile')).sent, 0);
  const after = await lists();
  assert.equal(after.sent.length, 0);
  console.log(
    `stop-and-resume: ${GENERATED_SENT} items, ${before.progress.done} done before the stop, ` +
    `${withdrawals.length} withdrawals seen by the emulator, duplicates: ${withdrawals.length - new Set(withdrawals).size}, ` +
    `list pages fetched after the restart: ${checks}`,
  );
});

test('a send over the weekly cap is refused before any request, saying when sending is possible again', async () => {
  await configure([account(linkupKey, 'acc_bulk_linkup')], { weekly_cap_free: 1 });
  const popup = await session.browser.openPopup();
  await popup.getByRole('tab', { name: 'Invite' }).click();
  const send = async (profile) => {
    await popup.getByLabel('Profile URL', { exact: true }).fill(profile);
    await popup.getByRole('button', { name: 'Send invitation' }).click();
  };
  await send('https://www.linkedin.com/in/elena-petrova/');
  await popup.getByRole('status').filter({ hasText: 'Invitation sent to Elena Petrova.' }).waitFor();

  await session.emulator.clearRequests();
  await send('https://www.linkedin.com/in/marco-bianchi/');
  const refusal = popup.locator('#invite-error');
  await refusal.getByText('A limit on this account is reached.').waitFor();
  assert.match(await refusal.textContent(), /1 of 1 invitations sent in the last 7 days/);
  assert.match(await refusal.textContent(), /can go on in 7 days/);
  await screenshot(popup, 'popup-invite-over-cap');
  assert.deepEqual(await session.emulator.requests(), [], 'no request was made');
  const { ledger } = await stored('ledger');
  // Kept by the LinkedIn account, not by the extension's entry for it.
  assert.equal(ledger['linkup:acc_bulk_linkup'].sent.length, 1);
});

test("a provider's limit error stops sending from that account until its window resets", async () => {
  await configure([account(linkupKey, 'acc_bulk_at_limit')], {});
  const first = await intent({ type: 'send', account: 'acc_bulk_at_limit', profile: 'elena-petrova', note: null });
  assert.equal(first.ok, false);
  assert.equal(first.error.code, 'limit_reached');
  assert.match(first.error.next_step, /can go on in 7 days/);
  await session.emulator.clearRequests();
  const second = await intent({ type: 'send', account: 'acc_bulk_at_limit', profile: 'marco-bianchi', note: null });
  assert.equal(second.error.code, 'limit_reached');
  assert.match(second.error.detail, /provider said LinkedIn's limit was reached/);
  assert.deepEqual(await session.emulator.requests(), [], 'no request was made');
});

test('a rate-limited step waits for Retry-After, a rejected key pauses the job until resumed, and nothing is done twice', async () => {
  const unipile = account(unipileKey, 'acc_bulk_unipile');
  await configure([unipile], { action_delay_min_s: 1, action_delay_max_s: 1 });
  const snapshot = await lists();
  const items = snapshot.sent.slice(0, 4).map((invitation) => ({ account: invitation.account, invitation: invitation.id }));
  const withdrawal = { method: 'POST', path_prefix: '/v2/acc_bulk_unipile/users/me/relation-requests/', times: 1 };
  await session.emulator.fault({
    ...withdrawal,
    response: {
      status: 429,
      headers: { 'retry-after': '3' },
      body: { object: 'Error', status: 429, type: 'api/too_many_requests', title: 'Too many requests' },
    },
  });
  await session.emulator.clearRequests();
  const answer = await intent({ type: 'start_job', action: 'withdraw', items });
  const jobOf = async () => (await storedJobs(session.browser)).find((job) => job.id === answer.result.job);

  const waiting = await until(async () => {
    const job = await jobOf();
    return job.reason?.code === 'rate_limited' && job;
  }, 'the job to wait out the rate limit');
  assert.equal(waiting.state, 'running');
  assert.equal(waiting.progress.done, 0);
  const [limited] = (await session.emulator.requests()).filter((request) => request.path.endsWith('/cancel'));
  assert.equal(limited.status, 429);
  // By the worker's clock, which the emulator's log stamps by the machine's: not before the
  // answer came plus Retry-After, rather than the usual second.
  assert.ok(waiting.next_at_ms >= limited.received_ms + session.clock.offsetMs + 3000, 'it waits for Retry-After, not the usual delay');

  await session.runJobs((job) => job.id === answer.result.job && job.progress.done === 1, 'first withdrawal after the wait');
  await session.emulator.fault({
    ...withdrawal,
    response: {
      status: 401,
      body: { object: 'Error', status: 401, type: 'errors/invalid_credentials', title: 'Unauthorized' },
    },
  });
  const paused = await session.runJobs((job) => job.id === answer.result.job && job.state === 'paused', 'job paused on the rejected key');
  assert.equal(paused.reason.message, 'The API key was rejected.');
  assert.match(paused.reason.next_step, /Check the API key in Options/);
  assert.equal(paused.progress.remaining, 3, 'the refused item is still to do');
  assert.equal(paused.progress.estimated_end_ms, null);

  assert.equal((await intent({ type: 'resume_job', job: answer.result.job })).ok, true);
  const finished = await session.runJobs((job) => job.id === answer.result.job && job.state === 'finished', 'job finished after Resume');
  assert.equal(finished.progress.done, 4);
  const done = (await session.emulator.requests())
    .filter((request) => request.path.endsWith('/cancel') && request.status === 200)
    .map((request) => request.path.split('/').at(-2));
  assert.deepEqual(done.sort(), items.map((item) => item.invitation).sort(), 'each withdrawn once');
});

test('the weekly cap holds across single sends and bulk invitations: the job waits, with no request', async () => {
  await configure([account(linkupKey, 'acc_bulk_linkup')], { weekly_cap_free: 1 });
  const single = await intent({ type: 'send', account: 'acc_bulk_linkup', profile: 'elena-petrova', note: null });
  assert.equal(single.ok, true, JSON.stringify(single));
  const [sent] = (await session.emulator.requests()).filter((request) => request.body?.action === 'invite');
  await session.emulator.clearRequests();
  const answer = await intent({
    type: 'start_job', action: 'invite', account: 'acc_bulk_linkup',
    profiles: ['https://www.linkedin.com/in/marco-bianchi/', 'aisha-bello'], note: 'Hi {first_name}!',
  });
  assert.equal(answer.result.count, 2);
  const waiting = await until(async () => {
    const job = (await storedJobs(session.browser)).find((job) => job.id === answer.result.job);
    return job.reason?.code === 'limit_reached' && job;
  }, 'the job to wait for the cap');
  assert.equal(waiting.state, 'running');
  assert.match(waiting.reason.next_step, /can go on in 7 days/);
  assert.ok(waiting.next_at_ms > sent.received_ms + 6 * 86_400_000, 'about a week after the send');
  assert.deepEqual(waiting.items.map((item) => item.outcome), ['pending', 'pending']);
  assert.deepEqual(await session.emulator.requests(), [], 'no request was made');
});
