/**
 * One conformance suite, run twice: with esl 11.2.1 (the appliance's client) and with modesl 1.2.1. If the
 * simulator bent the protocol to suit one client, the other would notice.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FakeClock } from './clock';
import { SwitchSimulator } from './switch-simulator';
import {
  eslClientFactory,
  modeslClientFactory,
  type ConformanceClient,
  type ConformanceClientFactory,
  type ReceivedEvent,
} from './test-support';
import { readWavInfo } from './wav';
import { DISCONNECT_MESSAGE } from './wire-frames';

const CALL_EVENTS =
  'CHANNEL_CREATE CHANNEL_OUTGOING CHANNEL_PROGRESS CHANNEL_ANSWER CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE ' +
  'CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_DESTROY RECORD_START RECORD_STOP ' +
  'CUSTOM callcenter::info';

const START_MS = Date.UTC(2020, 6, 7, 2, 0, 0);

/** `A CHANNEL_EXECUTE answer`, `CUSTOM member-queue-start`: what the sequence assertions compare. */
function label(event: ReceivedEvent, legs: Record<string, string>): string | undefined {
  const h = event.headers;
  if (event.name === 'CUSTOM') {
    return h['Event-Subclass'] === 'callcenter::info' ? `CUSTOM ${h['CC-Action'] ?? ''}` : undefined;
  }
  const leg = legs[h['Unique-ID'] ?? ''];
  if (leg === undefined) return undefined;
  const app = event.name.startsWith('CHANNEL_EXECUTE') ? ` ${h.Application ?? ''}` : '';
  return `${leg} ${event.name}${app}`;
}

function find(
  events: ReceivedEvent[],
  name: string,
  uuid: string,
  extra: (e: ReceivedEvent) => boolean = () => true,
): ReceivedEvent {
  const event = events.find((e) => e.name === name && e.headers['Unique-ID'] === uuid && extra(e));
  if (event === undefined) throw new Error(`no ${name} for ${uuid}`);
  return event;
}

function ccEvent(events: ReceivedEvent[], action: string): ReceivedEvent {
  const event = events.find((e) => e.name === 'CUSTOM' && e.headers['CC-Action'] === action);
  if (event === undefined) throw new Error(`no ${action}`);
  return event;
}

function conformanceSuite(factory: ConformanceClientFactory): void {
  let clock: FakeClock;
  let sim: SwitchSimulator;
  let client: ConformanceClient;
  let recordings: string;

  beforeEach(async () => {
    recordings = await mkdtemp(join(tmpdir(), 'switch-sim-conformance-'));
    clock = new FakeClock({ startMs: START_MS });
    sim = new SwitchSimulator({
      port: 0,
      clock,
      heartbeatIntervalMs: 0,
      recordingsDir: recordings,
      hostname: 'county-switch',
      timeZone: 'Asia/Shanghai',
      queues: [{ name: 'hotline' }],
      agents: [{ name: '1001@default', contact: 'user/1001', status: 'Available' }],
      tiers: [{ queue: 'hotline', agent: '1001@default' }],
      extensions: [{ destination: '9999', apps: [{ app: 'answer' }, { app: 'park' }] }],
    });
    await sim.start();
    client = await factory.connect({ port: sim.port });
  });

  afterEach(async () => {
    client.close();
    await sim.stop();
    await rm(recordings, { recursive: true, force: true });
  });

  test('authenticates with the password and refuses a wrong one with a disconnect notice', async () => {
    expect(client.events).toEqual([]);
    const failure = await factory.failAuth({ port: sim.port, password: 'wrong' });
    expect(failure).toEqual({ replyText: '-ERR invalid', notice: DISCONNECT_MESSAGE, closed: true });
  });

  test('delivers JSON events unencoded, with the standard headers', async () => {
    expect((await client.command({ line: 'event json CHANNEL_CREATE' })).replyText).toBe(
      '+OK event listener enabled json',
    );
    const { uuid } = sim.placeInboundCall({
      callerNumber: '13800138000',
      callerName: 'Müller 张三',
      destination: '9999',
    });
    const create = await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_CREATE',
      what: 'CHANNEL_CREATE',
    });
    expect(create.headers).toMatchObject({
      'Event-Name': 'CHANNEL_CREATE',
      'Core-UUID': sim.coreUuid,
      'FreeSWITCH-Hostname': 'county-switch',
      'FreeSWITCH-Switchname': 'county-switch',
      'FreeSWITCH-IPv4': '127.0.0.1',
      'FreeSWITCH-IPv6': '::1',
      'Event-Date-Local': '2020-07-07 10:00:00',
      'Event-Date-GMT': 'Tue, 07 Jul 2020 02:00:00 GMT',
      'Event-Date-Timestamp': String(START_MS * 1000),
      'Unique-ID': uuid,
      'Channel-Call-UUID': uuid,
      'Call-Direction': 'inbound',
      'Answer-State': 'ringing',
      'Caller-Caller-ID-Name': 'Müller 张三',
      'Caller-Caller-ID-Number': '13800138000',
      'Caller-Destination-Number': '9999',
      variable_sip_from_uri: '13800138000@10.0.0.2',
    });
    for (const name of ['Event-Calling-File', 'Event-Calling-Function', 'Event-Calling-Line-Number']) {
      expect(create.headers[name]).toBeTruthy();
    }
    expect(Number(create.headers['Event-Sequence'])).toBeGreaterThan(0);
  });

  test('delivers plain events URL-encoded: modesl decodes them, esl 11.2.1 hands them over as sent', async () => {
    expect((await client.command({ line: 'event plain CHANNEL_CREATE' })).replyText).toBe(
      '+OK event listener enabled plain',
    );
    sim.placeInboundCall({ callerNumber: '1001', callerName: 'Müller 张三', destination: '9999' });
    const create = await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_CREATE',
      what: 'CHANNEL_CREATE',
    });
    if (client.decodesPlainEvents) {
      expect(create.headers['Caller-Caller-ID-Name']).toBe('Müller 张三');
      expect(create.headers['Event-Date-GMT']).toBe('Tue, 07 Jul 2020 02:00:00 GMT');
      expect(create.headers.variable_sip_from_uri).toBe('1001@10.0.0.2');
    } else {
      expect(create.headers['Caller-Caller-ID-Name']).toBe('M%C3%BCller%20%E5%BC%A0%E4%B8%89');
      expect(create.headers['Event-Date-GMT']).toBe('Tue,%2007%20Jul%202020%2002%3A00%3A00%20GMT');
      expect(create.headers.variable_sip_from_uri).toBe('1001%4010.0.0.2');
    }
  });

  test('subscribes to CUSTOM subclasses by name; ALL includes every custom event', async () => {
    const reply = await client.command({ line: 'event json CHANNEL_CREATE CUSTOM callcenter::info' });
    expect(reply.replyText).toBe('+OK event listener enabled json');
    sim.injectEvent({ name: 'CUSTOM', subclass: 'sms::recv', headers: [['from', '13800138000']] });
    sim.placeInboundCall({ callerNumber: '13800138000' });
    await client.waitForEvent({
      match: (e) => e.headers['CC-Action'] === 'member-queue-start',
      what: 'member-queue-start',
    });
    expect(client.events.some((e) => e.headers['Event-Subclass'] === 'sms::recv')).toBe(false);

    expect((await client.command({ line: 'event json ALL' })).replyText).toBe(
      '+OK event listener enabled json',
    );
    sim.injectEvent({ name: 'CUSTOM', subclass: 'sms::recv', headers: [['from', '13800138000']] });
    const sms = await client.waitForEvent({
      match: (e) => e.headers['Event-Subclass'] === 'sms::recv',
      what: 'sms::recv',
    });
    expect(sms.headers.from).toBe('13800138000');
  });

  test('filters are OR-ed and case-insensitive, and the global Event-Sequence shows the gaps', async () => {
    await client.command({ line: 'event json CHANNEL_CREATE CHANNEL_ANSWER' });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    expect((await client.command({ line: `filter Unique-ID ${a}` })).replyText).toBe(
      `+OK filter added. [Unique-ID]=[${a}]`,
    );
    expect((await client.command({ line: 'filter Caller-Caller-ID-Name ZHANG SAN' })).replyText).toBe(
      '+OK filter added. [Caller-Caller-ID-Name]=[ZHANG SAN]',
    );
    sim.placeInboundCall({ uuid: a, callerNumber: '13800000001', destination: '9999' });
    sim.placeInboundCall({ uuid: b, callerNumber: '13800000002', destination: '9999' });
    sim.placeInboundCall({
      uuid: c,
      callerNumber: '13800000003',
      callerName: 'Zhang San',
      destination: '9999',
    });
    await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_ANSWER' && e.headers['Unique-ID'] === c,
      what: 'the third call answered',
    });
    const seen = client.events.filter((e) => e.name === 'CHANNEL_CREATE' || e.name === 'CHANNEL_ANSWER');
    expect(new Set(seen.map((e) => e.headers['Unique-ID']))).toEqual(new Set([a, c]));
    const sequence = seen.map((e) => Number(e.headers['Event-Sequence']));
    expect([...sequence].sort((x, y) => x - y)).toEqual(sequence);
    expect(sequence.some((n, i) => i > 0 && n - (sequence[i - 1] ?? 0) > 1)).toBe(true);

    expect((await client.command({ line: `filter delete Unique-ID ${a}` })).replyText).toBe(
      `+OK filter deleted. [Unique-ID][${a}]`,
    );
  });

  test('answers api commands; unknown ones get -ERR <cmd> Command not found!', async () => {
    const status = await client.api({ command: 'status' });
    expect(status).toMatch(/^UP 0 years, 0 days, 0 hours, 0 minutes, 0 seconds/);
    expect(status).toContain('FreeSWITCH (Version 1.10.11 -release 64bit) is ready\n');
    expect(await client.api({ command: 'foo bar' })).toBe('-ERR foo Command not found!\n');
    expect(await client.api({ command: 'callcenter_config agent set status nobody@default Available' })).toBe(
      '-ERR Agent not found!\n',
    );
    expect(await client.api({ command: 'callcenter_config agent add 1002@default callback' })).toBe('+OK\n');
    expect((await client.command({ line: 'foo' })).replyText).toBe('-ERR command not found');
  });

  test('runs bgapi jobs under the Job-UUID the client chose and reports them in BACKGROUND_JOB', async () => {
    const jobUuid = randomUUID();
    const job = await client.bgapi({ command: 'callcenter_config queue list', jobUuid });
    // esl 11.2.1 splits header lines with split(/: /, 2), so it keeps only "+OK Job-UUID" of this Reply-Text
    // and takes the id from the Job-UUID header (the raw tests check the exact bytes).
    expect(job.replyText).toBe(client.library === 'esl' ? '+OK Job-UUID' : `+OK Job-UUID: ${jobUuid}`);
    expect(job.jobUuid).toBe(jobUuid);
    expect(job.event.headers).toMatchObject({
      'Event-Name': 'BACKGROUND_JOB',
      'Job-UUID': jobUuid,
      'Job-Owner-UUID': '',
      'Job-Command': 'callcenter_config',
      'Job-Command-Arg': 'queue list',
    });
    expect(job.event.body).toMatch(
      /^name\|strategy\|moh_sound.*\nhotline\|longest-idle-agent\|local_stream:\/\/moh\|.*\n\+OK\n$/s,
    );
  });

  test('executes applications sent with sendmsg, matched by Application-UUID; a bad uuid is refused', async () => {
    await client.command({ line: 'event json CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE' });
    const { uuid } = sim.placeInboundCall({ callerNumber: '13800138000', destination: '9999' });
    await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_EXECUTE' && e.headers.Application === 'park',
      what: 'park',
    });
    const completed = client.execute({ uuid, app: 'playback', arg: 'silence_stream://1500' });
    const started = await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_EXECUTE' && e.headers.Application === 'playback',
      what: 'playback starting',
    });
    clock.advance({ ms: 1500 });
    const complete = await completed;
    expect(complete.headers).toMatchObject({
      'Unique-ID': uuid,
      Application: 'playback',
      'Application-Data': 'silence_stream://1500',
      'Application-Response': 'FILE PLAYED',
      'Application-UUID': started.headers['Application-UUID'],
    });
    const refused = await client.command({
      line: 'sendmsg 00000000-dead-beef-0000-000000000000',
      headers: { 'call-command': 'execute', 'execute-app-name': 'answer' },
    });
    expect(refused.replyText).toBe('-ERR invalid session id [00000000-dead-beef-0000-000000000000]');
  });

  test('reports an answered, queued, recorded call in FreeSWITCH order, with consistent CDR variables and a real WAV', async () => {
    await client.command({ line: `event json ${CALL_EVENTS}` });
    const { uuid: a } = sim.placeInboundCall({
      callerNumber: '13800138000',
      callerName: '张三',
      talkMs: 90_500,
    });
    await client.waitForEvent({
      match: (e) => e.headers['CC-Action'] === 'agent-offering',
      what: 'the offer',
    });
    clock.advance({ ms: 3000 }); // the agent picks up
    clock.advance({ ms: 90_500 }); // the caller hangs up
    const b =
      (
        await client.waitForEvent({
          match: (e) => e.name === 'CHANNEL_CREATE' && e.headers['Call-Direction'] === 'outbound',
          what: 'B leg',
        })
      ).headers['Unique-ID'] ?? '';
    await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_DESTROY' && e.headers['Unique-ID'] === b,
      what: 'B destroyed',
    });
    const legs = { [a]: 'A', [b]: 'B' };
    const sequence = client.events.map((e) => label(e, legs)).filter((l) => l !== undefined);
    expect(sequence).toEqual([
      'A CHANNEL_CREATE',
      'A CHANNEL_EXECUTE answer',
      'A CHANNEL_ANSWER',
      'A CHANNEL_EXECUTE_COMPLETE answer',
      'A CHANNEL_EXECUTE record_session',
      'A RECORD_START',
      'A CHANNEL_EXECUTE_COMPLETE record_session',
      'A CHANNEL_EXECUTE callcenter',
      'CUSTOM member-queue-start',
      'CUSTOM members-count',
      'CUSTOM agent-state-change',
      'CUSTOM agent-offering',
      'B CHANNEL_CREATE',
      'B CHANNEL_OUTGOING',
      'B CHANNEL_PROGRESS',
      'B CHANNEL_ANSWER',
      'CUSTOM bridge-agent-start',
      'CUSTOM agent-state-change',
      'CUSTOM members-count',
      'A CHANNEL_EXECUTE_COMPLETE callcenter',
      'A CHANNEL_BRIDGE',
      'A CHANNEL_HANGUP',
      'A CHANNEL_UNBRIDGE',
      'B CHANNEL_HANGUP',
      'A RECORD_STOP',
      'CUSTOM bridge-agent-end',
      'CUSTOM member-queue-end',
      'CUSTOM agent-state-change',
      'A CHANNEL_HANGUP_COMPLETE',
      'B CHANNEL_HANGUP_COMPLETE',
      'A CHANNEL_DESTROY',
      'B CHANNEL_DESTROY',
    ]);
    const { events } = client;
    expect(find(events, 'CHANNEL_CREATE', a).headers).toMatchObject({
      'Call-Direction': 'inbound',
      'Answer-State': 'ringing',
    });
    expect(find(events, 'CHANNEL_CREATE', b).headers).toMatchObject({
      'Call-Direction': 'outbound',
      'Caller-Caller-ID-Number': '13800138000',
      'Caller-Caller-ID-Name': '张三',
      'Caller-Destination-Number': '1001',
      variable_cc_agent: '1001@default',
      variable_cc_member_session_uuid: a,
    });
    expect(ccEvent(events, 'member-queue-start').headers).toMatchObject({
      'CC-Queue': 'hotline',
      'CC-Member-Session-UUID': a,
    });
    const start = ccEvent(events, 'bridge-agent-start').headers;
    expect(start).toMatchObject({ 'CC-Agent': '1001@default', 'CC-Agent-UUID': b, 'Unique-ID': b });
    expect(Number(start['CC-Agent-Answered-Time']) - Number(start['CC-Agent-Called-Time'])).toBe(3);
    expect(find(events, 'CHANNEL_BRIDGE', a).headers).toMatchObject({
      'Bridge-A-Unique-ID': a,
      'Bridge-B-Unique-ID': b,
    });
    expect(ccEvent(events, 'bridge-agent-end').headers['CC-Hangup-Cause']).toBe('NORMAL_CLEARING');
    expect(ccEvent(events, 'member-queue-end').headers).toMatchObject({
      'CC-Cause': 'Terminated',
      'CC-Agent-UUID': b,
    });

    const cdr = find(events, 'CHANNEL_HANGUP_COMPLETE', a).headers;
    const epoch = (name: string): number => Number(cdr[`variable_${name}_epoch`]);
    expect(cdr).toMatchObject({
      'Hangup-Cause': 'NORMAL_CLEARING',
      variable_hangup_cause: 'NORMAL_CLEARING',
      variable_sip_hangup_disposition: 'recv_bye',
      variable_bridge_uuid: b,
      variable_duration: '93',
      variable_billsec: '93',
      variable_answersec: '0',
      variable_waitsec: '3',
      variable_billmsec: '93500',
      variable_cc_queue: 'hotline',
      variable_cc_agent: '1001@default',
      variable_cc_cause: 'answered',
    });
    expect(epoch('start')).toBe(START_MS / 1000);
    expect(Number(cdr.variable_billsec)).toBe(epoch('end') - epoch('answer'));
    expect(Number(cdr.variable_duration)).toBe(epoch('end') - epoch('start'));
    expect(Number(cdr.variable_waitsec)).toBe(epoch('bridge') - epoch('start'));
    const agentCdr = find(events, 'CHANNEL_HANGUP_COMPLETE', b).headers;
    expect(agentCdr).toMatchObject({
      variable_billsec: '90',
      variable_sip_hangup_disposition: 'send_bye',
      variable_bridge_uuid: a,
    });

    const stop = find(events, 'RECORD_STOP', a).headers;
    expect(stop).toMatchObject({ variable_record_seconds: '93', variable_record_ms: '93500' });
    const path = stop['Record-File-Path'] ?? '';
    expect(path).toBe(join(recordings, '2020-07-07', `${a}.wav`));
    expect(find(events, 'RECORD_START', a).headers['Record-File-Path']).toBe(path);
    const wav = await readFile(path);
    expect(readWavInfo({ buffer: wav })).toEqual({
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 16,
      dataBytes: 93_500 * 16,
      durationMs: 93_500,
    });
    const samples = new Int16Array(wav.buffer, wav.byteOffset + 44, 8000);
    expect(Math.max(...samples)).toBeGreaterThan(100); // a quiet tone, not digital silence
    expect(Math.max(...samples)).toBeLessThan(2000);
  });

  test('reports an abandoned call: the caller gives up while queued', async () => {
    expect(
      await client.api({ command: "callcenter_config agent set status 1001@default 'Logged Out'" }),
    ).toBe('+OK\n');
    await client.command({ line: `event json ${CALL_EVENTS}` });
    const { uuid: a } = sim.placeInboundCall({ callerNumber: '13800138000', patienceMs: 45_000 });
    await client.waitForEvent({
      match: (e) => e.headers['CC-Action'] === 'member-queue-start',
      what: 'queued',
    });
    clock.advance({ ms: 45_000 });
    await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_DESTROY' && e.headers['Unique-ID'] === a,
      what: 'destroyed',
    });
    const sequence = client.events.map((e) => label(e, { [a]: 'A' })).filter((l) => l !== undefined);
    expect(sequence).toEqual([
      'A CHANNEL_CREATE',
      'A CHANNEL_EXECUTE answer',
      'A CHANNEL_ANSWER',
      'A CHANNEL_EXECUTE_COMPLETE answer',
      'A CHANNEL_EXECUTE record_session',
      'A RECORD_START',
      'A CHANNEL_EXECUTE_COMPLETE record_session',
      'A CHANNEL_EXECUTE callcenter',
      'CUSTOM member-queue-start',
      'CUSTOM members-count',
      'A CHANNEL_HANGUP',
      'CUSTOM member-queue-end',
      'CUSTOM members-count',
      'A CHANNEL_EXECUTE_COMPLETE callcenter',
      'A RECORD_STOP',
      'A CHANNEL_HANGUP_COMPLETE',
      'A CHANNEL_DESTROY',
    ]);
    expect(ccEvent(client.events, 'member-queue-end').headers).toMatchObject({
      'CC-Cause': 'Cancel',
      'CC-Cancel-Reason': 'BREAK_OUT',
      'CC-Member-Session-UUID': a,
    });
    const cdr = find(client.events, 'CHANNEL_HANGUP_COMPLETE', a).headers;
    expect(cdr).toMatchObject({
      variable_billsec: '45',
      variable_waitsec: '0',
      variable_sip_hangup_disposition: 'recv_bye',
      variable_cc_cause: 'cancel',
      variable_cc_cancel_reason: 'BREAK_OUT',
    });
    expect(cdr.variable_bridge_uuid).toBeUndefined();
    expect(await client.api({ command: 'callcenter_config queue count members hotline' })).toBe('1\n');
    clock.advance({ ms: 61_000 }); // discard-abandoned-after 60 s
    expect(await client.api({ command: 'callcenter_config queue count members hotline' })).toBe('0\n');
  });

  test('originates outbound calls through bgapi: the job answers +OK <uuid> once the citizen picks up', async () => {
    await client.command({
      line: 'event json CHANNEL_CREATE CHANNEL_OUTGOING CHANNEL_PROGRESS CHANNEL_ANSWER CHANNEL_PARK CHANNEL_HANGUP_COMPLETE',
    });
    const job = client.bgapi({
      command:
        'originate {origination_caller_id_number=4008001234,origination_caller_id_name=回访}sofia/gateway/carrier/13900139000 &park()',
    });
    const create = await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_CREATE',
      what: 'the outbound leg',
    });
    const uuid = create.headers['Unique-ID'] ?? '';
    expect(create.headers).toMatchObject({
      'Call-Direction': 'outbound',
      'Caller-Caller-ID-Number': '4008001234',
      'Caller-Caller-ID-Name': '回访',
      'Caller-Destination-Number': '13900139000',
      'Channel-Name': 'sofia/gateway/carrier/13900139000',
    });
    await client.waitForEvent({ match: (e) => e.name === 'CHANNEL_PROGRESS', what: 'ringing' });
    clock.advance({ ms: 5000 });
    const result = await job;
    expect(result.event.body).toBe(`+OK ${uuid}\n`);
    await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_PARK' && e.headers['Unique-ID'] === uuid,
      what: 'parked',
    });
    expect(client.events.map((e) => e.name).filter((n) => n.startsWith('CHANNEL_'))).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_OUTGOING',
      'CHANNEL_PROGRESS',
      'CHANNEL_ANSWER',
      'CHANNEL_PARK',
    ]);
    clock.advance({ ms: 30_000 });
    expect(await client.api({ command: `uuid_kill ${uuid}` })).toBe('+OK\n');
    const cdr = await client.waitForEvent({
      match: (e) => e.name === 'CHANNEL_HANGUP_COMPLETE',
      what: 'the CDR',
    });
    expect(cdr.headers).toMatchObject({
      variable_billsec: '30',
      variable_sip_hangup_disposition: 'send_bye',
    });
  });

  test('exit gets +OK bye, then the 67-byte disconnect notice', async () => {
    const { replyText, notice } = await client.exit();
    expect(replyText).toBe('+OK bye');
    expect(notice).toBe(DISCONNECT_MESSAGE);
    expect(Buffer.byteLength(notice)).toBe(67);
  });
}

describe('conformance with esl 11.2.1', () => conformanceSuite(eslClientFactory));
describe('conformance with modesl 1.2.1', () => conformanceSuite(modeslClientFactory));
