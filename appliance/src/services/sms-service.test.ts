import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { EslCallControl } from '../adapters/esl/esl-call-control';
import { PgliteCallStore } from '../adapters/pglite/pglite-call-store';
import { PgliteSmsStore } from '../adapters/pglite/pglite-sms-store';
import { SwitchSmsSender } from '../adapters/sms/switch-sms-sender';
import type { SmsConsoleMessage } from '../ports/sms-store';
import { FakeClock } from '../switch-simulator/clock';
import { SwitchSimulator } from '../switch-simulator/switch-simulator';
import type { AuthenticatedUser } from './auth-service';
import { SmsService } from './sms-service';

/*
 * SMS from the switch end to end: the switch simulator fires MESSAGE events as mod_sofia does for a SIP
 * MESSAGE from the carrier's trunk, the appliance's Event Socket client (esl 11.2.1, `event json`) receives
 * them, and the listener hands them to the SMS service, as the call service does in the appliance. The SMS
 * land in a real (in-memory) PGlite.
 */

const quiet = { info: () => undefined, error: () => undefined };
const START_MS = Date.parse('2026-11-20T02:00:00Z');
const seat: AuthenticatedUser = {
  username: 'seat1',
  role: 'call_taker',
  displayName: '坐席一',
  seat: '1001',
};
let pglite: PGlite;
let store: PgliteSmsStore;
let dir: string;

beforeAll(async () => {
  pglite = await PGlite.create();
  store = new PgliteSmsStore({ db: (await PgliteCallStore.open({ pglite })).db });
  dir = await mkdtemp(join(tmpdir(), 'jz-sms-'));
}, 60_000);

afterAll(async () => {
  await pglite.close();
  await rm(dir, { recursive: true, force: true });
});

type Rig = {
  sim: SwitchSimulator;
  control: EslCallControl;
  sms: SmsService;
  published: SmsConsoleMessage[];
  info: string[];
};
const rigs: Rig[] = [];

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.control.stop();
    await rig.sim.stop();
  }
  await pglite.exec('TRUNCATE sms_messages');
});

async function startRig(): Promise<Rig> {
  const clock = new FakeClock({ startMs: START_MS });
  const sim = new SwitchSimulator({
    port: 0,
    clock,
    password: 'sms-test-password',
    recordingsDir: dir,
    heartbeatIntervalMs: 0,
  });
  await sim.start();
  const control = new EslCallControl({
    host: '127.0.0.1',
    port: sim.port,
    password: 'sms-test-password',
    kind: 'simulator',
    logger: quiet,
  });
  const published: SmsConsoleMessage[] = [];
  const info: string[] = [];
  const sms = new SmsService({
    store,
    publisher: { publish: ({ message }) => published.push(message) },
    logger: { info: (message: string) => info.push(message), error: () => undefined },
    switchSender: new SwitchSmsSender({
      control,
      from: '12345@county.example',
      to: 'external/{number}@sms.carrier.example',
    }),
    defaultAreaCode: '0571',
    ownNumbers: ['12345'],
    now: () => new Date(clock.now()),
  });
  // What the call service will do: every MESSAGE goes to the SMS service.
  control.listen({
    onEvent: (event) => {
      if (event.name === 'MESSAGE') sms.handle({ event });
    },
    onConnected: () => undefined,
  });
  await control.start();
  await until(() => control.status().state === 'connected', 'the Event Socket link');
  const rig = { sim, control, sms, published, info };
  rigs.push(rig);
  return rig;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The headers mod_sofia (FreeSWITCH 1.10) puts on the MESSAGE for a SIP MESSAGE from the carrier. */
function sofiaHeaders(options: { from: string; extra?: Array<[string, string]> }): Array<[string, string]> {
  return [
    ['login', 'sip:mod_sofia@10.0.0.2:5080'],
    ['proto', 'sip'],
    ['to_proto', 'sip'],
    ['from', `${options.from}@sms.carrier.example`],
    ['from_user', options.from],
    ['from_host', 'sms.carrier.example'],
    ['to_user', '12345'],
    ['to_host', '10.0.0.2'],
    ['from_sip_ip', '10.9.9.9'],
    ['from_sip_port', '5060'],
    ['to', '12345@10.0.0.2'],
    ['subject', 'SIMPLE MESSAGE'],
    ['context', 'public'],
    ['type', 'text/plain'],
    ['from_full', `<sip:${options.from}@sms.carrier.example>;tag=4Kx9`],
    ['sip_profile', 'external'],
    ['dest_proto', 'sip'],
    ['Nonblocking-Delivery', 'true'],
    ...(options.extra ?? []),
  ];
}

async function settle(rig: Rig): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  await rig.sms.idle();
}

test("a citizen's SMS from the switch lands in the inbox, once, and every console hears of it", async () => {
  const rig = await startRig();
  const text = '您好，幸福小区3幢楼下水管爆了，水漫到路上了。\n联系人：王阿姨 <b>急</b>';
  rig.sim.injectEvent({ name: 'MESSAGE', headers: sofiaHeaders({ from: '13800138000' }), body: text });
  await until(() => rig.published.length > 0, 'the console message');
  await settle(rig);

  const inbox = await rig.sms.inbox({ status: 'new', limit: 10 });
  expect(inbox).toHaveLength(1);
  const [message] = inbox;
  expect(message).toMatchObject({
    direction: 'inbound',
    channel: 'switch',
    phone: '+8613800138000',
    phoneRaw: '13800138000',
    body: text,
    status: 'new',
    // The switch's own clock (the simulator's fake one), not the appliance's.
    at: new Date(START_MS).toISOString(),
    externalId: expect.stringMatching(new RegExp(`^switch:${rig.sim.coreUuid}:\\d+$`)) as unknown,
  });
  expect(rig.published).toEqual([{ type: 'sms', message }]);
  expect(rig.sms.stats()).toMatchObject({ received: 1, duplicates: 0, ignored: 0 });
});

test('the same event delivered twice (same Event-UUID) is stored once; echoes and non-SMS are ignored', async () => {
  const rig = await startRig();
  const once = sofiaHeaders({
    from: '13900139000',
    extra: [['Event-UUID', '0d4c7a9e-5b1f-4c3a-9e2d-7f6a5b4c3d2e']],
  });
  rig.sim.injectEvent({ name: 'MESSAGE', headers: once, body: '路灯坏了' });
  rig.sim.injectEvent({ name: 'MESSAGE', headers: once, body: '路灯坏了' });
  // What the switch fires after our own `api chat`: proto global, blocking, Delivery-Failure.
  rig.sim.injectEvent({
    name: 'MESSAGE',
    headers: [
      ['proto', 'global'],
      ['from', '12345@county.example'],
      ['to', 'external/13900139000@sms.carrier.example'],
      ['type', 'text/plain;charset=UTF-8'],
      ['skip_global_process', 'true'],
      ['blocking', 'true'],
      ['dest_proto', 'sip'],
      ['Delivery-Failure', 'false'],
    ],
    body: '已受理',
  });
  // Our own number looped back by the carrier, a typing notification, a chat from a WebRTC client.
  rig.sim.injectEvent({ name: 'MESSAGE', headers: sofiaHeaders({ from: '12345' }), body: '已受理' });
  rig.sim.injectEvent({
    name: 'MESSAGE',
    headers: sofiaHeaders({ from: '13900139000', extra: [['type', 'application/im-iscomposing+xml']] }),
    body: '<isComposing/>',
  });
  rig.sim.injectEvent({
    name: 'MESSAGE',
    headers: [
      ['proto', 'verto'],
      ['from', '1001@county.example'],
    ],
    body: 'hi',
  });
  await until(() => rig.sms.stats().ignored === 4 && rig.sms.stats().duplicates === 1, 'every event handled');
  await settle(rig);
  expect((await rig.sms.inbox({ status: 'new', limit: 10 })).map((m) => m.body)).toEqual(['路灯坏了']);
  expect(rig.published).toHaveLength(1);
  expect(rig.info.filter((line) => line.startsWith('sms: MESSAGE ignored'))).toHaveLength(4);
});

test('hostile text survives the Event Socket as text: controls out, markup kept, oversize cut', async () => {
  const rig = await startRig();
  rig.sim.injectEvent({
    name: 'MESSAGE',
    headers: sofiaHeaders({ from: '13700137000' }),
    body: `<script>alert(1)</script>\u0000\u0007\u202e%0A %41 ${'长'.repeat(1200)}`,
  });
  await until(() => rig.published.length === 1, 'the console message');
  const [message] = await rig.sms.inbox({ status: 'new', limit: 1 });
  expect(message?.body.startsWith('<script>alert(1)</script>%0A %41 长')).toBe(true);
  expect(Array.from(message?.body ?? '')).toHaveLength(1000);
  expect(message?.body.endsWith('…')).toBe(true);
});

test('a reply through the switch: the simulator has no chat API, so it is kept as failed with the reason', async () => {
  const rig = await startRig();
  rig.sim.injectEvent({
    name: 'MESSAGE',
    headers: sofiaHeaders({ from: '13800138000' }),
    body: '几点来修？',
  });
  await until(() => rig.published.length === 1, 'the inbound SMS');
  const [inbound] = await rig.sms.inbox({ status: 'new', limit: 1 });
  expect(rig.sms.replyChannel).toBe('switch');

  const reply = await rig.sms.reply({ to: inbound?.phone ?? '', text: '下午三点|请留人', user: seat });
  expect(reply).toMatchObject({
    direction: 'outbound',
    channel: 'switch',
    status: 'failed',
    handledBy: 'seat1',
    error: expect.stringMatching(/^chat: -ERR chat Command not found/) as unknown,
  });
  expect(rig.published.at(-1)).toEqual({ type: 'sms', message: reply });
  expect(rig.sms.stats()).toMatchObject({ repliesSent: 0, repliesFailed: 1 });

  const handled = await rig.sms.markHandled({ id: inbound?.id ?? '', user: seat });
  expect(handled.status).toBe('handled');
  const { messages } = await rig.sms.conversation({ phone: '138 0013 8000', limit: 10 });
  expect(messages.map((m) => [m.direction, m.status])).toEqual([
    ['inbound', 'handled'],
    ['outbound', 'failed'],
  ]);
});
