/**
 * The wire, byte for byte, through a raw TCP socket: greetings, reply texts, URL-encoding, Content-Length in
 * bytes, the disconnect notice, the ACL, the body limit, `api` holding events back, heartbeats, resync.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { FakeClock } from './clock';
import { SwitchSimulator, type SwitchSimulatorOptions } from './switch-simulator';
import { delay, plainEventHeaders, RawClient, waitUntil, type RawFrame } from './test-support';
import { DISCONNECT_MESSAGE } from './wire-frames';

const NOTICE = `Content-Type: text/disconnect-notice\nContent-Length: 67\n\n${DISCONNECT_MESSAGE}`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSim(
  options: SwitchSimulatorOptions = {},
): Promise<{ sim: SwitchSimulator; clock: FakeClock }> {
  const clock = new FakeClock();
  const sim = new SwitchSimulator({
    port: 0,
    clock,
    heartbeatIntervalMs: 0,
    timeZone: 'Asia/Shanghai',
    carrierAddress: '127.0.0.1',
    extensions: [{ destination: '9999', apps: [{ app: 'answer' }, { app: 'park' }] }],
    queues: [{ name: 'hotline' }],
    ...options,
  });
  await sim.start();
  cleanups.push(() => sim.stop());
  return { sim, clock };
}

async function rawClient(sim: SwitchSimulator, options: { auth?: boolean } = {}): Promise<RawClient> {
  const client = await RawClient.connect({ port: sim.port });
  cleanups.push(() => client.close());
  if (options.auth ?? true) await client.authenticate();
  return client;
}

function replyText(frame: RawFrame): string | undefined {
  return frame.headers['Reply-Text'];
}

const isEvent = (name: string) => (frame: RawFrame) =>
  frame.headers['Content-Type']?.startsWith('text/event-') === true &&
  frame.body.includes(`Event-Name: ${name}\n`);

describe('connecting and authenticating', () => {
  test('greets with auth/request and accepts auth with \\r\\n line endings', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim, { auth: false });
    expect((await client.next()).raw.toString()).toBe('Content-Type: auth/request\n\n');
    client.send({ data: 'auth ClueCon\r\n\r\n' });
    expect((await client.next()).raw.toString()).toBe(
      'Content-Type: command/reply\nReply-Text: +OK accepted\n\n',
    );
  });

  test('a wrong password gets -ERR invalid, the disconnect notice, and the socket closes', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim, { auth: false });
    await client.next();
    client.send({ data: 'auth secret\n\n' });
    await client.waitForClose();
    expect(client.received().toString()).toBe(
      `Content-Type: auth/request\n\nContent-Type: command/reply\nReply-Text: -ERR invalid\n\n${NOTICE}`,
    );
  });

  test('before auth, other commands are not found; exit still says goodbye', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim, { auth: false });
    await client.next();
    expect(replyText(await client.command({ text: 'api status' }))).toBe('-ERR command not found');
    client.send({ data: 'exit\n\n' });
    await client.waitForClose();
    expect(
      client.received().toString().endsWith(`Content-Type: command/reply\nReply-Text: +OK bye\n\n${NOTICE}`),
    ).toBe(true);
  });

  test('an address outside the ACL gets the rude rejection', async () => {
    const { sim } = await startSim({ acl: ['10.0.0.0/8'] });
    const client = await rawClient(sim, { auth: false });
    await client.waitForClose();
    expect(client.received().toString()).toBe(
      `Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n${NOTICE}`,
    );
  });

  test('exit: +OK bye, then the 67-byte disconnect notice, then close', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    const before = client.received().length;
    client.send({ data: 'exit\n\n' });
    await client.waitForClose();
    expect(client.received().subarray(before).toString()).toBe(
      `Content-Type: command/reply\nReply-Text: +OK bye\n\n${NOTICE}`,
    );
  });
});

describe('reply texts', () => {
  test('event, nixevent, noevents, filter, log, linger and unknown commands reply as mod_event_socket does', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    const reply = async (text: string): Promise<string | undefined> =>
      replyText(await client.command({ text }));
    expect(await reply('event plain')).toBe('-ERR no keywords supplied');
    expect(await reply('event plain CHANNEL_CREATE NOT_AN_EVENT')).toBe('+OK event listener enabled plain');
    expect(await reply('event xml CHANNEL_ANSWER')).toBe('+OK event listener enabled xml');
    expect(await reply('nixevent CHANNEL_CREATE')).toBe('+OK events nixed');
    expect(await reply('noevents')).toBe('+OK no longer listening for events');
    expect(await reply('noevents')).toBe('-ERR not listening for events');
    expect(await reply('filter Event-Name CHANNEL_CREATE')).toBe(
      '+OK filter added. [Event-Name]=[CHANNEL_CREATE]',
    );
    expect(await reply('filter Unique-ID')).toBe('-ERR invalid syntax');
    expect(await reply('filter delete Event-Name CHANNEL_CREATE')).toBe(
      '+OK filter deleted. [Event-Name][CHANNEL_CREATE]',
    );
    expect(await reply('log 7')).toBe('+OK log level 7 [7]');
    expect(await reply('log info')).toBe('+OK log level info [6]');
    expect(await reply('log loud')).toBe('-ERR invalid log level');
    expect(await reply('nolog')).toBe('+OK no longer logging');
    expect(await reply('nolog')).toBe('-ERR not loging');
    expect(await reply('linger')).toBe('-ERR not controlling a session');
    expect(await reply('myevents')).toBe('-ERR command not found');
    expect(await reply('sendmsg nope\ncall-command: hangup')).toBe('-ERR invalid session id [nope]');
    expect(await reply('frobnicate')).toBe('-ERR command not found');
    const api = await client.command({ text: 'api foo bar' });
    expect(api.raw.toString()).toBe(
      'Content-Type: api/response\nContent-Length: 28\n\n-ERR foo Command not found!\n',
    );
  });

  test('bgapi replies with the Job-UUID in the Reply-Text and as a header, honouring the client one', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    const jobUuid = randomUUID();
    const frame = await client.command({ text: `bgapi status\nJob-UUID: ${jobUuid}` });
    expect(frame.raw.toString()).toBe(
      `Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${jobUuid}\nJob-UUID: ${jobUuid}\n\n`,
    );
  });

  test('callcenter_config answers +OK\\n or the -ERR texts of mod_callcenter, and fires agent events', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    await client.command({ text: 'event plain CUSTOM callcenter::info' });
    const api = async (args: string): Promise<string> =>
      (await client.command({ text: `api callcenter_config ${args}` })).body.toString();
    expect(await api('agent add 1001@default callback')).toBe('+OK\n');
    expect(await api('agent add 1001@default callback')).toBe('-ERR Agent already exist!\n');
    expect(await api('agent add 1002@default carrier-pigeon')).toBe('-ERR Agent type invalid!\n');
    expect(await api('agent set contact 1001@default user/1001')).toBe('+OK\n');
    expect(await api('agent set status 1001@default Available')).toBe('+OK\n');
    expect(await api('agent set status 1001@default On Break')).toBe('-ERR Invalid Agent Status!\n');
    expect(await api("agent set status 1001@default 'On Break'")).toBe('+OK\n');
    expect(await api('agent set state 1001@default Sleeping')).toBe('-ERR Invalid Agent State!\n');
    expect(await api('agent set status nobody@default Available')).toBe('-ERR Agent not found!\n');
    expect(await api('agent set colour 1001@default red')).toBe('-ERR Invalid Agent Update KEY!\n');
    expect(await api('tier add nowhere 1001@default 1 1')).toBe('-ERR Queue not found!\n');
    expect(await api('tier add hotline nobody@default')).toBe('-ERR Agent not found!\n');
    expect(await api('tier add hotline 1001@default')).toBe('+OK\n');
    expect(await api('tier add hotline 1001@default 1 1')).toBe('-ERR Tier already exist!\n');
    expect(await api('queue load nowhere')).toBe('-ERR Invalid Queue not found!\n');
    expect(await api('queue load hotline')).toBe('+OK\n');
    expect(await api('queue reload hotline')).toBe('+OK\n');
    expect(await api('queue count')).toBe('1\n');
    expect(await api('queue count agents hotline')).toBe('1\n');
    expect(await api('queue list tiers hotline')).toBe(
      'queue|agent|state|level|position\nhotline|1001@default|Ready|1|1\n+OK\n',
    );
    expect(await api('agent get status 1001@default')).toBe('On Break');
    expect(await api('frobnicate')).toBe('-ERR Invalid!\n');
    const change = await client.waitFor({ match: (f) => f.body.includes('CC-Action: agent-status-change') });
    expect(plainEventHeaders({ frame: change })).toEqual(
      expect.arrayContaining([
        ['Event-Subclass', 'callcenter%3A%3Ainfo'],
        ['CC-Agent', '1001%40default'],
        ['CC-Agent-Status', 'Available'],
      ]),
    );
  });
});

describe('event encoding', () => {
  test('plain values are URL-encoded exactly as switch_url_encode does', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    await client.command({ text: 'event plain CHANNEL_CREATE DTMF CUSTOM test::encoding' });
    const { uuid } = sim.placeInboundCall({
      callerNumber: '1001',
      callerName: 'Müller',
      destination: '9999',
    });
    const headers = new Map(
      plainEventHeaders({ frame: await client.waitFor({ match: isEvent('CHANNEL_CREATE') }) }),
    );
    expect(headers.get('Event-Date-GMT')).toBe('Tue,%2007%20Jul%202020%2002%3A00%3A00%20GMT');
    expect(headers.get('Event-Date-Local')).toBe('2020-07-07%2010%3A00%3A00');
    expect(headers.get('FreeSWITCH-IPv6')).toBe('%3A%3A1');
    expect(headers.get('variable_sip_from_uri')).toBe('1001%40127.0.0.1');
    expect(headers.get('Caller-Caller-ID-Name')).toBe('M%C3%BCller');
    expect(headers.get('variable_sip_full_from')).toBe('%22M%C3%BCller%22%20%3Csip%3A1001%40127.0.0.1%3E');

    sim.sendDtmf({ uuid, digits: '#' });
    const dtmf = new Map(plainEventHeaders({ frame: await client.waitFor({ match: isEvent('DTMF') }) }));
    expect(dtmf.get('DTMF-Digit')).toBe('%23');
    expect(dtmf.get('DTMF-Source')).toBe('RTP');

    sim.injectEvent({
      name: 'CUSTOM',
      subclass: 'test::encoding',
      headers: [
        ['Empty', ''],
        ['Mixed', 'already %41%2B encoded, 100% %zz'],
        ['Controls', 'tab\there\r\nnext'],
      ],
      body: 'hello\n世界',
    });
    const custom = await client.waitFor({ match: isEvent('CUSTOM') });
    const text = custom.body.toString();
    expect(text).toContain('Empty: _undef_\n');
    expect(text).toContain('Mixed: already%20%41%2B%20encoded,%20100%25%20%25zz\n');
    expect(text).toContain('Controls: tab%09here%0D%0Anext\n');
    expect(text.endsWith('Content-Length: 12\n\nhello\n世界')).toBe(true);
    expect(Number(custom.headers['Content-Length'])).toBe(custom.body.length);
  });

  test('a plain event without a body ends its header block with a blank line', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    await client.command({ text: 'event plain CHANNEL_CREATE' });
    sim.placeInboundCall({ callerNumber: '1001', destination: '9999' });
    const frame = await client.waitFor({ match: isEvent('CHANNEL_CREATE') });
    expect(
      frame.raw
        .toString()
        .startsWith(
          `Content-Length: ${frame.body.length}\nContent-Type: text/event-plain\n\nEvent-Name: CHANNEL_CREATE\n`,
        ),
    ).toBe(true);
    expect(frame.body.toString().endsWith('\n\n')).toBe(true);
  });

  test('Content-Length counts bytes: JSON events with Chinese caller names', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    await client.command({ text: 'event json CHANNEL_CREATE' });
    sim.placeInboundCall({ callerNumber: '13800138000', callerName: '张三丰', destination: '9999' });
    const frame = await client.waitFor({ match: (f) => f.headers['Content-Type'] === 'text/event-json' });
    expect(frame.headers['Content-Length']).toBe(String(frame.body.length));
    const text = frame.body.toString('utf8');
    expect(text.length).toBeLessThan(frame.body.length);
    const json = JSON.parse(text) as Record<string, string>;
    expect(json['Caller-Caller-ID-Name']).toBe('张三丰');
    expect(Object.keys(json)[0]).toBe('Event-Name');
  });

  test('repeated headers stay repeated: CHANNEL_HANGUP carries Hangup-Cause twice', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    await client.command({ text: 'event plain CHANNEL_HANGUP' });
    const { uuid } = sim.placeInboundCall({ callerNumber: '1001', destination: '9999' });
    sim.hangup({ uuid });
    const frame = await client.waitFor({ match: isEvent('CHANNEL_HANGUP') });
    expect(plainEventHeaders({ frame }).filter(([name]) => name === 'Hangup-Cause')).toEqual([
      ['Hangup-Cause', 'NORMAL_CLEARING'],
      ['Hangup-Cause', 'NORMAL_CLEARING'],
    ]);
  });
});

describe('framing limits', () => {
  test('a body of exactly 16 MiB is accepted; one byte more is refused clearly and the socket closed', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    const limit = 16 * 1024 * 1024;
    client.send({ data: `sendevent CUSTOM\nEvent-Subclass: test::big\nContent-Length: ${limit}\n\n` });
    client.send({ data: Buffer.alloc(limit, 0x78) });
    const accepted = await client.waitFor({
      match: (f) => f.headers['Content-Type'] === 'command/reply',
      timeoutMs: 10_000,
    });
    expect(replyText(accepted)).toMatch(/^\+OK [0-9a-f-]{36}$/);

    const before = client.received().length;
    client.send({ data: `sendevent CUSTOM\r\nContent-Length: ${limit + 1}\r\n\r\n` });
    await client.waitForClose();
    expect(client.received().subarray(before).toString()).toBe(
      `Content-Type: command/reply\nReply-Text: -ERR Content-Length ${limit + 1} exceeds the ${limit}-byte limit\n\n${NOTICE}`,
    );
  });
});

describe('event delivery', () => {
  test('api holds that socket’s events until it answers; the reply comes first', async () => {
    const { sim } = await startSim();
    sim.setPhone({ target: '13700000000', behaviour: { answer: 'manual' } });
    const client = await rawClient(sim);
    await client.command({ text: 'event plain CHANNEL_CREATE' });
    client.send({ data: 'api originate sofia/gateway/carrier/13700000000 &park()\n\n' });
    await waitUntil({ check: () => sim.channels().length === 1, what: 'the outbound channel' });
    sim.placeInboundCall({ callerNumber: '13800138000', destination: '9999' });
    await delay({ ms: 50 });
    expect(client.frames.filter(isEvent('CHANNEL_CREATE'))).toHaveLength(0);

    const other = await rawClient(sim);
    const outbound = sim.channels().find((c) => c.direction === 'outbound');
    expect(
      replyText(await other.command({ text: `api uuid_answer ${outbound?.uuid ?? ''}` })),
    ).toBeUndefined();
    const response = await client.waitFor({ match: (f) => f.headers['Content-Type'] === 'api/response' });
    expect(response.body.toString()).toBe(`+OK ${outbound?.uuid ?? ''}\n`);
    await waitUntil({
      check: () => client.frames.filter(isEvent('CHANNEL_CREATE')).length === 2,
      what: 'the held events',
    });
    const order = client.frames.map((f) =>
      f.headers['Content-Type'] === 'api/response'
        ? 'api'
        : isEvent('CHANNEL_CREATE')(f)
          ? 'create'
          : 'other',
    );
    expect(order.slice(order.indexOf('api'))).toEqual(['api', 'create', 'create']);
  });

  test('HEARTBEAT fires every 20 s by default', async () => {
    const { sim, clock } = await startSim({ heartbeatIntervalMs: undefined });
    const client = await rawClient(sim);
    await client.command({ text: 'event plain HEARTBEAT' });
    clock.advance({ ms: 19_999 });
    await delay({ ms: 20 });
    expect(client.frames.filter(isEvent('HEARTBEAT'))).toHaveLength(0);
    clock.advance({ ms: 1 });
    const beat = new Map(plainEventHeaders({ frame: await client.waitFor({ match: isEvent('HEARTBEAT') }) }));
    expect(beat.get('Event-Info')).toBe('System%20Ready');
    expect(beat.get('Heartbeat-Interval')).toBe('20');
    expect(beat.get('Up-Time')).toBe(
      '0%20years,%200%20days,%200%20hours,%200%20minutes,%2020%20seconds,%200%20milliseconds,%200%20microseconds',
    );
    clock.advance({ ms: 20_000 });
    await waitUntil({
      check: () => client.frames.filter(isEvent('HEARTBEAT')).length === 2,
      what: 'a second heartbeat',
    });
  });

  test('show channels lists live calls so a reconnecting client can resynchronise', async () => {
    const { sim } = await startSim();
    const client = await rawClient(sim);
    const api = async (text: string): Promise<string> =>
      (await client.command({ text: `api ${text}` })).body.toString();
    expect(await api('show channels')).toBe('\n0 total.\n');
    const a = sim.placeInboundCall({
      callerNumber: '13800000001',
      callerName: '李四',
      destination: '9999',
    }).uuid;
    const b = sim.placeInboundCall({ callerNumber: '13800000002', destination: '9999' }).uuid;
    const csv = await api('show channels');
    const [header, ...rest] = csv.split('\n');
    expect(
      header?.startsWith(
        'uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,application',
      ),
    ).toBe(true);
    expect(rest.filter((line) => line.startsWith(a) || line.startsWith(b))).toHaveLength(2);
    expect(csv.endsWith('\n\n2 total.\n')).toBe(true);
    const json = JSON.parse(await api('show channels as json')) as {
      row_count: number;
      rows: Array<Record<string, string>>;
    };
    expect(json.row_count).toBe(2);
    expect(json.rows.find((r) => r.uuid === a)).toMatchObject({
      cid_name: '李四',
      state: 'CS_PARK',
      application: 'park',
      callstate: 'ACTIVE',
    });
    expect(await api('show channels count')).toBe('\n2 total.\n');
  });

  test('myevents binds the socket to one channel; it closes when the channel hangs up unless it lingers', async () => {
    const { sim } = await startSim();
    const first = sim.placeInboundCall({ callerNumber: '13800000001', destination: '9999' }).uuid;
    const second = sim.placeInboundCall({ callerNumber: '13800000002', destination: '9999' }).uuid;
    const plain = await rawClient(sim);
    expect(replyText(await plain.command({ text: `myevents ${first}` }))).toBe('+OK Events Enabled');
    expect(replyText(await plain.command({ text: `myevents ${first}` }))).toBe('-ERR aready enabled.');
    const lingering = await rawClient(sim);
    expect(replyText(await lingering.command({ text: `myevents ${second} json` }))).toBe(
      '+OK Events Enabled',
    );
    expect(replyText(await lingering.command({ text: 'linger' }))).toBe('+OK will linger');
    expect(replyText(await lingering.command({ text: 'getvar sip_from_user' }))).toBe('13800000002');

    sim.placeInboundCall({ callerNumber: '13800000003', destination: '9999' });
    sim.hangup({ uuid: first });
    sim.hangup({ uuid: second });
    await plain.waitForClose();
    const tail = plain.received().toString();
    expect(
      tail.endsWith(
        `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${first}\nContent-Disposition: disconnect\nContent-Length: 67\n\n${DISCONNECT_MESSAGE}`,
      ),
    ).toBe(true);
    expect(tail).not.toContain('13800000003');

    const notice = await lingering.waitFor({ match: (f) => f.headers['Content-Disposition'] === 'linger' });
    expect(notice.headers['Controlled-Session-UUID']).toBe(second);
    await lingering.waitFor({ match: (f) => f.body.includes('"Event-Name":"CHANNEL_HANGUP_COMPLETE"') });
    expect(lingering.closed).toBe(false);
  });
});
