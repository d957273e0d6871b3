/**
 * The `api`/`bgapi` commands the simulator answers, with mod_commands' output formats. An unknown command
 * gets `-ERR <cmd> Command not found!\n`, exactly as mod_event_socket's api_exec writes it.
 */
import type { CallCenter } from './callcenter';
import { formatLocalDateTime, parseHangupCause, type Channel } from './channel';
import { parseOriginateArguments, splitOutside } from './dial-string';
import { FREESWITCH_VERSION, uptimeText, type SwitchCore } from './switch-core';

export type ApiEnvironment = { readonly core: SwitchCore; readonly callCenter: CallCenter };

const NO_SUCH_CHANNEL = '-ERR No such channel!\n';
const ORIGINATE_USAGE =
  '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';

const CHANNEL_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'application',
  'application_data',
  'dialplan',
  'context',
  'read_codec',
  'read_rate',
  'read_bit_rate',
  'write_codec',
  'write_rate',
  'write_bit_rate',
  'secure',
  'hostname',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'sent_callee_name',
  'sent_callee_num',
  'initial_cid_name',
  'initial_cid_num',
  'initial_ip_addr',
  'initial_dest',
  'initial_dialplan',
  'initial_context',
] as const;

const CALL_A_COLUMNS = [
  'uuid',
  'direction',
  'created',
  'created_epoch',
  'name',
  'state',
  'cid_name',
  'cid_num',
  'ip_addr',
  'dest',
  'presence_id',
  'presence_data',
  'accountcode',
  'callstate',
  'callee_name',
  'callee_num',
  'callee_direction',
  'call_uuid',
  'hostname',
  'sent_callee_name',
  'sent_callee_num',
] as const;

function channelRow(env: ApiEnvironment, channel: Channel): Record<string, string> {
  const { core } = env;
  const createdMs = Math.floor(channel.times.created / 1000);
  const get = (name: string): string => channel.getVariable({ name }) ?? '';
  const codec = channel.codec;
  return {
    uuid: channel.uuid,
    direction: channel.direction,
    created: formatLocalDateTime({ ms: createdMs, timeZone: core.options.timeZone }),
    created_epoch: String(Math.floor(createdMs / 1000)),
    name: channel.name,
    state: channel.state,
    cid_name: channel.profile.callerIdName,
    cid_num: channel.profile.callerIdNumber,
    ip_addr: channel.profile.networkAddr,
    dest: channel.profile.destinationNumber,
    application: get('current_application'),
    application_data: get('current_application_data'),
    dialplan: channel.profile.dialplan,
    context: channel.profile.context,
    read_codec: codec?.name ?? '',
    read_rate: codec ? String(codec.rate) : '',
    read_bit_rate: codec ? String(codec.bitRate) : '',
    write_codec: codec?.name ?? '',
    write_rate: codec ? String(codec.rate) : '',
    write_bit_rate: codec ? String(codec.bitRate) : '',
    secure: '',
    hostname: core.options.hostname,
    presence_id: get('presence_id'),
    presence_data: '',
    accountcode: '',
    callstate: channel.callState,
    callee_name: '',
    callee_num: '',
    callee_direction: '',
    call_uuid: get('call_uuid'),
    sent_callee_name: '',
    sent_callee_num: '',
    initial_cid_name: channel.profile.origCallerIdName,
    initial_cid_num: channel.profile.origCallerIdNumber,
    initial_ip_addr: channel.profile.networkAddr,
    initial_dest: channel.profile.destinationNumber,
    initial_dialplan: channel.profile.dialplan,
    initial_context: channel.profile.context,
  };
}

/** `show …` output: CSV with a header, a blank line and `N total.`, or `as json`. */
function formatRows(
  columns: readonly string[],
  rows: Array<Record<string, string>>,
  asJson: boolean,
): string {
  if (asJson) {
    if (rows.length === 0) return '{"row_count":0}';
    return JSON.stringify({ row_count: rows.length, rows }, null, '\t');
  }
  if (rows.length === 0) return '\n0 total.\n';
  const lines = [columns.join(','), ...rows.map((row) => columns.map((c) => row[c] ?? '').join(','))];
  return `${lines.join('\n')}\n\n${rows.length} total.\n`;
}

function show(env: ApiEnvironment, args: string): string {
  const words = args
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const what = (words[0] ?? '').toLowerCase();
  const asJson =
    words.length >= 3 &&
    words[words.length - 2]?.toLowerCase() === 'as' &&
    words.at(-1)?.toLowerCase() === 'json';
  const live = env.core.channels().filter((c) => c.state !== 'CS_DESTROY');
  if (what === 'channels') {
    if (words[1]?.toLowerCase() === 'count') return `\n${live.length} total.\n`;
    return formatRows(
      CHANNEL_COLUMNS,
      live.map((c) => channelRow(env, c)),
      asJson,
    );
  }
  if (what === 'calls') {
    const calls = live.filter((c) => c.bridgedTo !== undefined && c.bridgeSide === 'a');
    if (words[1]?.toLowerCase() === 'count') return `\n${calls.length} total.\n`;
    const columns = [...CALL_A_COLUMNS, ...CALL_A_COLUMNS.map((c) => `b_${c}`), 'call_created_epoch'];
    const rows = calls.map((a) => {
      const aRow = channelRow(env, a);
      const b = a.bridgedTo;
      const bRow = b ? channelRow(env, b) : {};
      const row: Record<string, string> = {};
      for (const c of CALL_A_COLUMNS) {
        row[c] = aRow[c] ?? '';
        row[`b_${c}`] = bRow[c] ?? '';
      }
      row.call_created_epoch = String(Math.floor(a.times.bridged / 1_000_000));
      return row;
    });
    return formatRows(columns, rows, asJson);
  }
  return '-USAGE: channels|calls [count] [as json]\n';
}

function status(env: ApiEnvironment): string {
  const { core } = env;
  const uptime = core.clock.nowMicros() - core.startedAtMicros;
  const live = core.channels().length;
  return (
    `UP ${uptimeText({ micros: uptime })}\n` +
    `FreeSWITCH (Version ${FREESWITCH_VERSION.replace('-release~64bit', '')} -release 64bit) is ready\n` +
    `${core.sessionsSinceStartup} session(s) since startup\n` +
    `${live} session(s) - peak ${core.peakSessions}, last 5min ${core.peakSessions} \n` +
    '0 session(s) per Sec out of max 30, peak 1, last 5min 1 \n' +
    '1000 session(s) max\n' +
    'min idle cpu 0.00/98.00\n' +
    'Current Stack Size/Max 240K/8192K\n'
  );
}

function originate(env: ApiEnvironment, args: string, onResult: (body: string) => void): void {
  const parsed = parseOriginateArguments({ text: args });
  if (parsed === undefined) {
    onResult(ORIGINATE_USAGE);
    return;
  }
  env.core.originate({
    dialString: parsed.dialString,
    callerIdName: parsed.callerIdName,
    callerIdNumber: parsed.callerIdNumber,
    timeoutSec: parsed.timeoutSec,
    onResult: (result) => {
      if (!result.ok) {
        onResult(`-ERR ${result.cause}\n`);
        return;
      }
      env.core.startOriginatedLeg({
        channel: result.channel,
        application: parsed.application,
        extension: parsed.extension,
      });
      onResult(`+OK ${result.channel.uuid}\n`);
    },
  });
}

/**
 * Runs one API command; `onResult` gets the body (synchronously for most commands, later for `originate`,
 * which answers only once the far end does).
 */
export function executeApi(options: {
  env: ApiEnvironment;
  command: string;
  args: string | undefined;
  onResult: (body: string) => void;
}): void {
  const { env, onResult } = options;
  const { core } = env;
  const args = options.args ?? '';
  const words = splitOutside({ text: args.trim(), separator: ' ' }).filter((w) => w !== '');
  const channelArg = (): Channel | undefined =>
    words[0] === undefined ? undefined : core.channel({ uuid: words[0] });
  switch (options.command.toLowerCase()) {
    case 'status':
      return onResult(status(env));
    case 'version':
      return onResult(`FreeSWITCH Version ${FREESWITCH_VERSION} (-release 64bit)\n`);
    case 'hostname':
      return onResult(core.options.hostname);
    case 'uptime': {
      const seconds = Math.floor((core.clock.nowMicros() - core.startedAtMicros) / 1_000_000);
      return onResult(`${seconds}\n`);
    }
    case 'echo':
      return onResult(args);
    case 'reloadxml':
      return onResult('+OK [Success]\n');
    case 'show':
      return onResult(show(env, args));
    case 'originate':
      return originate(env, args, onResult);
    case 'callcenter_config':
      return onResult(env.callCenter.api({ args }));
    case 'hupall': {
      const cause = parseHangupCause({ name: words[0] ?? 'MANAGER_REQUEST' }) ?? 'MANAGER_REQUEST';
      core.hangupAll({ cause, variable: words[1], value: words[2] });
      return onResult(`+OK hangup all channels with cause ${cause}\n`);
    }
    case 'uuid_kill': {
      const channel = channelArg();
      if (channel === undefined || channel.isDown) return onResult(NO_SUCH_CHANNEL);
      core.hangup({
        channel,
        cause: parseHangupCause({ name: words[1] ?? 'NORMAL_CLEARING' }) ?? 'NORMAL_CLEARING',
      });
      return onResult('+OK\n');
    }
    case 'uuid_answer': {
      const channel = channelArg();
      if (channel === undefined || !core.answerChannel({ channel })) return onResult(NO_SUCH_CHANNEL);
      return onResult('+OK\n');
    }
    case 'uuid_exists':
      return onResult(channelArg() ? 'true' : 'false');
    case 'uuid_getvar': {
      const channel = channelArg();
      if (channel === undefined) return onResult(NO_SUCH_CHANNEL);
      return onResult(channel.getVariable({ name: words[1] ?? '' }) ?? '_undef_');
    }
    case 'uuid_setvar': {
      const channel = channelArg();
      if (channel === undefined) return onResult(NO_SUCH_CHANNEL);
      if (words[1] === undefined) return onResult('-USAGE: <uuid> <var> [value]\n');
      const value = words.slice(2).join(' ');
      channel.setVariable({ name: words[1], value: value === '' ? undefined : value });
      return onResult('+OK\n');
    }
    case 'uuid_bridge': {
      const a = channelArg();
      const b = words[1] === undefined ? undefined : core.channel({ uuid: words[1] });
      if (a === undefined || b === undefined || !core.uuidBridge({ a, b }))
        return onResult('-ERR Invalid uuid\n');
      return onResult(`+OK ${b.uuid}\n`);
    }
    case 'uuid_transfer': {
      const channel = channelArg();
      const destination = words.slice(1).find((w) => !w.startsWith('-'));
      if (channel === undefined) return onResult(NO_SUCH_CHANNEL);
      if (destination === undefined)
        return onResult('-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n');
      core.transfer({ channel, destination });
      return onResult('+OK\n');
    }
    case 'uuid_record': {
      const channel = channelArg();
      const [, action, path] = words;
      if (channel === undefined) return onResult('-ERR Cannot locate session!\n');
      if (action === 'start' && path !== undefined) core.startRecording({ channel, path });
      else if (action === 'stop' && path !== undefined)
        core.stopRecording({ channel, path: path === 'all' ? undefined : path });
      else return onResult('-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>]\n');
      return onResult('+OK Success\n');
    }
    default:
      return onResult(`-ERR ${options.command} Command not found!\n`);
  }
}
