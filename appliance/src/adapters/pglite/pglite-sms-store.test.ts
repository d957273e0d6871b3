import { PGlite } from '@electric-sql/pglite';
import { createId } from '@jiazheng/sync/domain';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { SmsMessage } from '../../domain/sms/sms-message';
import { PgliteCallStore } from './pglite-call-store';
import { PgliteSmsStore } from './pglite-sms-store';

let pglite: PGlite;
let store: PgliteSmsStore;

beforeAll(async () => {
  pglite = await PGlite.create();
  const calls = await PgliteCallStore.open({ pglite });
  store = new PgliteSmsStore({ db: calls.db });
}, 60_000);

afterAll(async () => {
  await pglite.close();
});

afterEach(async () => {
  await pglite.exec('TRUNCATE sms_messages');
});

function inbound(options: {
  at: string;
  externalId: string;
  phone?: string | null;
  body?: string;
}): SmsMessage {
  return {
    id: createId({ now: Date.parse(options.at) }),
    direction: 'inbound',
    phone: options.phone === undefined ? '+8613800138000' : options.phone,
    phoneRaw: '13800138000',
    body: options.body ?? '水管爆了',
    channel: 'switch',
    at: options.at,
    status: 'new',
    orderId: null,
    externalId: options.externalId,
    handledBy: null,
    handledAt: null,
    error: null,
  };
}

test('an inbound message is stored once per external id; the redelivery returns the first copy', async () => {
  const first = inbound({ at: '2026-11-20T02:00:00.000Z', externalId: 'gateway:cm-1' });
  expect(await store.saveInbound({ message: first })).toEqual({ created: true, message: first });
  const again = {
    ...inbound({ at: '2026-11-20T02:05:00.000Z', externalId: 'gateway:cm-1' }),
    body: 'changed',
  };
  const result = await store.saveInbound({ message: again });
  expect(result).toEqual({ created: false, message: first });
  expect(await store.countInbox({ status: 'new' })).toBe(1);
  expect(await store.getMessage({ id: again.id })).toBeUndefined();
});

test('the inbox lists new or handled inbound messages, newest first, up to the limit; replies are not in it', async () => {
  const older = inbound({ at: '2026-11-20T01:00:00.000Z', externalId: 'switch:a:1' });
  const newer = inbound({ at: '2026-11-20T03:00:00.000Z', externalId: 'switch:a:2' });
  const middle = inbound({ at: '2026-11-20T02:00:00.000Z', externalId: 'switch:a:3' });
  for (const message of [older, newer, middle]) await store.saveInbound({ message });
  await store.saveOutbound({
    message: {
      ...inbound({ at: '2026-11-20T04:00:00.000Z', externalId: 'x' }),
      direction: 'outbound',
      status: 'queued',
      externalId: null,
      handledBy: 'seat1',
    },
  });
  expect((await store.listInbox({ status: 'new', limit: 10 })).map((m) => m.id)).toEqual([
    newer.id,
    middle.id,
    older.id,
  ]);
  expect((await store.listInbox({ status: 'new', limit: 2 })).map((m) => m.id)).toEqual([
    newer.id,
    middle.id,
  ]);
  expect(await store.listInbox({ status: 'handled', limit: 10 })).toEqual([]);
});

test('marking handled: the first call-taker wins, with the order; replies and unknown ids are not found', async () => {
  const message = inbound({ at: '2026-11-20T01:00:00.000Z', externalId: 'switch:b:1' });
  await store.saveInbound({ message });
  const handled = await store.markHandled({
    id: message.id,
    handledBy: 'seat1',
    handledAt: '2026-11-20T01:10:00.000Z',
    orderId: 'order:330106:01JD0000000000000000000000',
  });
  expect(handled).toEqual({
    result: 'handled',
    message: {
      ...message,
      status: 'handled',
      handledBy: 'seat1',
      handledAt: '2026-11-20T01:10:00.000Z',
      orderId: 'order:330106:01JD0000000000000000000000',
    },
  });
  const second = await store.markHandled({
    id: message.id,
    handledBy: 'seat2',
    handledAt: '2026-11-20T01:11:00.000Z',
    orderId: null,
  });
  expect(second.result).toBe('already_handled');
  expect(second.result === 'already_handled' && second.message.handledBy).toBe('seat1');
  expect(await store.listInbox({ status: 'handled', limit: 10 })).toHaveLength(1);
  expect(
    await store.markHandled({ id: createId(), handledBy: 'seat1', handledAt: message.at, orderId: null }),
  ).toEqual({ result: 'not_found' });
});

test('a reply is queued, then sent or failed with why; a conversation shows both directions oldest first', async () => {
  const question = inbound({
    at: '2026-11-20T01:00:00.000Z',
    externalId: 'switch:c:1',
    body: '<b>几点来？</b>',
  });
  await store.saveInbound({ message: question });
  await store.saveInbound({
    message: inbound({ at: '2026-11-20T01:30:00.000Z', externalId: 'switch:c:2', phone: '+8613900139000' }),
  });
  const reply: SmsMessage = {
    ...inbound({ at: '2026-11-20T01:05:00.000Z', externalId: 'unused' }),
    direction: 'outbound',
    channel: 'gateway',
    status: 'queued',
    externalId: null,
    handledBy: 'seat1',
    body: '下午三点',
  };
  await store.saveOutbound({ message: reply });
  const sent = await store.updateOutbound({
    id: reply.id,
    status: 'sent',
    at: '2026-11-20T01:05:01.000Z',
    externalId: 'gateway-out:77',
    error: null,
  });
  expect(sent).toMatchObject({
    status: 'sent',
    externalId: 'gateway-out:77',
    handledAt: '2026-11-20T01:05:01.000Z',
  });
  const failed: SmsMessage = { ...reply, id: createId(), at: '2026-11-20T01:06:00.000Z', body: '再发一次' };
  await store.saveOutbound({ message: failed });
  expect(
    await store.updateOutbound({
      id: failed.id,
      status: 'failed',
      at: '2026-11-20T01:06:10.000Z',
      externalId: null,
      error: 'the SMS gateway answered HTTP 503',
    }),
  ).toMatchObject({ status: 'failed', error: 'the SMS gateway answered HTTP 503' });
  // An inbound message is never updated as a reply.
  expect(
    await store.updateOutbound({
      id: question.id,
      status: 'sent',
      at: reply.at,
      externalId: null,
      error: null,
    }),
  ).toBeUndefined();

  const conversation = await store.listConversation({ phone: '+8613800138000', limit: 10 });
  expect(conversation.map((m) => [m.direction, m.body])).toEqual([
    ['inbound', '<b>几点来？</b>'],
    ['outbound', '下午三点'],
    ['outbound', '再发一次'],
  ]);
  const latest = await store.listConversation({ phone: '+8613800138000', limit: 2 });
  expect(latest.map((m) => m.body)).toEqual(['下午三点', '再发一次']);
});
