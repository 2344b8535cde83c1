// The official Unipile v1 Node SDK, with response validation switched on, must accept every
// response the emulator serves for getProfile, sendInvitation, getAllInvitationsSent and
// cancelInvitationSent; error statuses must reach the caller as the SDK's own
// UnsuccessfulRequestError carrying the emulator's v1 error body.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import {
  InvalidResponseTypeError,
  UnipileClient,
  UnsuccessfulRequestError,
} from 'unipile-node-sdk';
import { startEmulator } from '../e2e/lib/emulator.mjs';

const SCENARIO = 'unipile_sdk.json';
const KEY = 'up_sdk_v1_key';
const ACCOUNT = 'acc_sdk_v1';
const JANE = 'ACoAAB1x2y3zJaneDoe00000000000000000';
const LINA = 'ACoAALinaHaddad0000000000000000000';
const KEN = 'ACoAAKenSato00000000000000000000000';

// 'error' makes a schema mismatch throw InvalidResponseTypeError; the default, 'warn', only logs.
const VALIDATING = { validateRequestPayload: true, validateRequestPayloadLevel: 'error' };

/** Runs `body(client, url)` against a fresh emulator on the SDK scenario. */
async function withEmulator(body, key = KEY) {
  const emulator = await startEmulator(SCENARIO);
  try {
    await body(new UnipileClient(emulator.url, key, VALIDATING), emulator.url);
  } finally {
    await emulator.stop();
  }
}

/** The call must fail with the SDK's typed error carrying a v1 body of this status and type. */
async function assertRefused(call, status, type) {
  await assert.rejects(call, (error) => {
    assert.ok(
      error instanceof UnsuccessfulRequestError,
      `expected UnsuccessfulRequestError, got ${error?.constructor?.name}: ${error?.message}`,
    );
    assert.equal(error.body.status, status, JSON.stringify(error.body));
    assert.equal(error.body.type, type);
    assert.equal(typeof error.body.title, 'string');
    return true;
  });
}

test('response validation is really on: a body off the SDK schema is rejected', async () => {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'InvitationList', items: [{ object: 'InvitationSent' }], cursor: null }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new UnipileClient(`http://127.0.0.1:${server.address().port}`, KEY, VALIDATING);
    await assert.rejects(
      client.users.getAllInvitationsSent({ account_id: ACCOUNT }),
      InvalidResponseTypeError,
    );
  } finally {
    server.close();
  }
});

test('getProfile: public identifiers, provider ids and non-Latin names pass validation', () =>
  withEmulator(async (client) => {
    const jane = await client.users.getProfile({ account_id: ACCOUNT, identifier: 'jane-doe' });
    assert.equal(jane.object, 'UserProfile');
    assert.equal(jane.provider_id, JANE);
    assert.equal(jane.headline, 'VP Sales at Northwind');
    assert.equal(jane.profile_picture_url, 'https://media.licdn.com/dms/image/jane.jpg');
    const byId = await client.users.getProfile({ account_id: ACCOUNT, identifier: JANE });
    assert.deepEqual(byId, jane);
    const ken = await client.users.getProfile({ account_id: ACCOUNT, identifier: KEN });
    assert.equal(ken.first_name, '健');
    // No headline in the scenario: still a string, as the SDK's schema requires.
    const lina = await client.users.getProfile({ account_id: ACCOUNT, identifier: 'lina-haddad' });
    assert.equal(lina.headline, '');
    const ananya = await client.users.getProfile({ account_id: ACCOUNT, identifier: 'ananya-sharma' });
    assert.equal(ananya.last_name, 'शर्मा');
  }));

test('getProfile: unknown people, accounts and keys are typed SDK errors', () =>
  withEmulator(async (client, url) => {
    await assertRefused(
      client.users.getProfile({ account_id: ACCOUNT, identifier: 'nobody-at-all' }),
      404,
      'errors/resource_not_found',
    );
    await assertRefused(
      client.users.getProfile({ account_id: 'acc_unknown', identifier: 'jane-doe' }),
      404,
      'errors/resource_not_found',
    );
    await assertRefused(
      client.users.getProfile({ account_id: 'acc_sdk_v1_gone', identifier: 'jane-doe' }),
      401,
      'errors/disconnected_account',
    );
    const stranger = new UnipileClient(url, 'not-a-key', VALIDATING);
    await assertRefused(
      stranger.users.getProfile({ account_id: ACCOUNT, identifier: 'jane-doe' }),
      401,
      'errors/missing_credentials',
    );
  }));

test('sendInvitation: the answer (usage included) passes validation', () =>
  withEmulator(async (client) => {
    // The scenario has 74 of 150 invitations this week: this one crosses 50 %.
    const first = await client.users.sendInvitation({
      account_id: ACCOUNT,
      provider_id: KEN,
      message: 'こんにちは、よろしくお願いします。',
    });
    assert.equal(first.object, 'UserInvitationSent');
    assert.match(first.invitation_id, /^\d+$/);
    assert.equal(first.usage, 50);
    const sent = await client.users.getAllInvitationsSent({ account_id: ACCOUNT, limit: 1 });
    assert.equal(sent.items[0].id, first.invitation_id);
    assert.equal(sent.items[0].invitation_text, 'こんにちは、よろしくお願いします。');
  }));

test('sendInvitation: LinkedIn refusals are typed SDK errors with the v1 slugs', () =>
  withEmulator(async (client, url) => {
    const send = (provider_id, message) =>
      client.users.sendInvitation({ account_id: ACCOUNT, provider_id, ...(message && { message }) });
    await assertRefused(send(JANE), 422, 'errors/already_invited_recently');
    await assertRefused(send(LINA), 422, 'errors/already_connected');
    await assertRefused(send('ACoAAnobody'), 404, 'errors/resource_not_found');
    await assertRefused(send(KEN, 'x'.repeat(301)), 400, 'errors/too_many_characters');
    const stranger = new UnipileClient(url, 'not-a-key', VALIDATING);
    await assertRefused(
      stranger.users.sendInvitation({ account_id: ACCOUNT, provider_id: KEN }),
      401,
      'errors/missing_credentials',
    );
  }));

test('getAllInvitationsSent: every page passes validation and the cursor walks them all', () =>
  withEmulator(async (client) => {
    const ids = [];
    let cursor;
    let pages = 0;
    do {
      const page = await client.users.getAllInvitationsSent({ account_id: ACCOUNT, limit: 10, cursor });
      assert.equal(page.object, 'InvitationList');
      for (const item of page.items) {
        assert.equal(item.object, 'InvitationSent');
        assert.equal(item.inviter.inviter_public_identifier, 'sam-owner');
        ids.push(item.id);
      }
      cursor = page.cursor;
      pages += 1;
    } while (cursor !== null);
    // 2 scenario invitations + 30 generated ones.
    assert.equal(pages, 4);
    assert.equal(ids.length, 32);
    assert.equal(new Set(ids).size, 32);
    await assertRefused(
      client.users.getAllInvitationsSent({ account_id: ACCOUNT, limit: 251 }),
      400,
      'errors/limit_too_high',
    );
  }));

test('cancelInvitationSent: the answer passes validation; a stale id is a typed SDK error', () =>
  withEmulator(async (client) => {
    const id = '7450000000000000101';
    const canceled = await client.users.cancelInvitationSent({ account_id: ACCOUNT, invitation_id: id });
    assert.deepEqual(canceled, { object: 'InvitationCanceled' });
    const sent = await client.users.getAllInvitationsSent({ account_id: ACCOUNT, limit: 100 });
    assert.ok(!sent.items.some((item) => item.id === id));
    await assertRefused(
      client.users.cancelInvitationSent({ account_id: ACCOUNT, invitation_id: id }),
      400,
      'errors/invalid_parameters',
    );
    // Withdrawn: LinkedIn's cooldown refuses a new invitation for now.
    await assertRefused(
      client.users.sendInvitation({ account_id: ACCOUNT, provider_id: JANE }),
      422,
      'errors/cannot_resend_yet',
    );
  }));
