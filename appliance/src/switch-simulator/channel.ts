/**
 * A call leg as FreeSWITCH models it (switch_channel.c): state, call state, answer flags, caller profile with
 * its µs timetable, the other leg's profile and channel variables, and the headers
 * `switch_channel_event_set_data()` writes for it into every channel event.
 */
import type { EventHeader } from './switch-event';

export const CHANNEL_STATES = [
  'CS_NEW',
  'CS_INIT',
  'CS_ROUTING',
  'CS_SOFT_EXECUTE',
  'CS_EXECUTE',
  'CS_EXCHANGE_MEDIA',
  'CS_PARK',
  'CS_CONSUME_MEDIA',
  'CS_HIBERNATE',
  'CS_RESET',
  'CS_HANGUP',
  'CS_REPORTING',
  'CS_DESTROY',
] as const;
export type ChannelState = (typeof CHANNEL_STATES)[number];

export type CallState = 'DOWN' | 'DIALING' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'RING_WAIT' | 'HANGUP';

/** Hang-up causes and their Q.850 codes (switch_channel.c `CAUSE_CHART`), the ones the simulator produces. */
export const HANGUP_CAUSES = {
  NONE: 0,
  UNALLOCATED_NUMBER: 1,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_TEMPORARY_FAILURE: 41,
  CHAN_NOT_IMPLEMENTED: 66,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  ORIGINATOR_CANCEL: 487,
  LOSE_RACE: 502,
  MANAGER_REQUEST: 503,
  USER_NOT_REGISTERED: 606,
  SYSTEM_SHUTDOWN: 701,
} as const;
export type HangupCause = keyof typeof HANGUP_CAUSES;

/** The cause of that name (case-insensitive), or undefined for a name FreeSWITCH would not know. */
export function parseHangupCause(options: { name: string }): HangupCause | undefined {
  const upper = options.name.toUpperCase();
  return Object.hasOwn(HANGUP_CAUSES, upper) ? (upper as HangupCause) : undefined;
}

export type CallerProfile = {
  direction: 'inbound' | 'outbound';
  username: string;
  dialplan: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr: string;
  ani: string;
  destinationNumber: string;
  uniqueId: string;
  source: string;
  context: string;
  channelName: string;
  profileIndex: string;
};

/** Channel times in µs since the epoch; 0 means "not yet". */
export type ChannelTimes = {
  profileCreated: number;
  created: number;
  answered: number;
  progress: number;
  progressMedia: number;
  hangup: number;
  transfer: number;
  resurrect: number;
  bridged: number;
  lastHold: number;
  holdAccum: number;
};

export type OtherLeg = {
  type: 'originator' | 'originatee';
  profile: CallerProfile;
  times: ChannelTimes;
};

export class Channel {
  readonly uuid: string;
  readonly direction: 'inbound' | 'outbound';
  readonly name: string;
  state: ChannelState = 'CS_NEW';
  callState: CallState = 'DOWN';
  answered = false;
  early = false;
  /** Set once the channel is hung up (the running state may still say CS_EXECUTE for a moment). */
  hangupCause: HangupCause | undefined;
  readonly profile: CallerProfile;
  readonly times: ChannelTimes;
  otherLeg: OtherLeg | undefined;
  readonly variables = new Map<string, string>();
  bridgedTo: Channel | undefined;
  /** Which side owns the bridge: CHANNEL_BRIDGE/UNBRIDGE are fired on the A side. */
  bridgeSide: 'a' | 'b' | undefined;
  /** The codec once media is up (answer or early media). */
  codec: { name: string; rate: number; bitRate: number } | undefined;

  constructor(options: {
    uuid: string;
    direction: 'inbound' | 'outbound';
    name: string;
    profile: CallerProfile;
    nowMicros: number;
  }) {
    this.uuid = options.uuid;
    this.direction = options.direction;
    this.name = options.name;
    this.profile = options.profile;
    this.times = {
      profileCreated: options.nowMicros,
      created: options.nowMicros,
      answered: 0,
      progress: 0,
      progressMedia: 0,
      hangup: 0,
      transfer: 0,
      resurrect: 0,
      bridged: 0,
      lastHold: 0,
      holdAccum: 0,
    };
  }

  get isDown(): boolean {
    return this.hangupCause !== undefined;
  }

  getVariable(options: { name: string }): string | undefined {
    return this.variables.get(options.name);
  }

  setVariable(options: { name: string; value: string | undefined }): void {
    if (options.value === undefined) this.variables.delete(options.name);
    else this.variables.set(options.name, options.value);
  }

  /** `Answer-State` as `switch_channel_event_set_basic_data()` derives it. */
  get answerState(): 'hangup' | 'answered' | 'early' | 'ringing' {
    if (this.isDown) return 'hangup';
    if (this.answered) return 'answered';
    if (this.early) return 'early';
    return 'ringing';
  }

  /** The channel part of a channel event; variables only on the event types FreeSWITCH adds them to. */
  eventHeaders(options: { withVariables: boolean }): EventHeader[] {
    const headers: EventHeader[] = [
      ['Channel-State', this.state],
      ['Channel-Call-State', this.callState],
      ['Channel-State-Number', String(CHANNEL_STATES.indexOf(this.state))],
      ['Channel-Name', this.name],
      ['Unique-ID', this.uuid],
      ['Call-Direction', this.direction],
      ['Presence-Call-Direction', this.direction],
      [
        'Channel-HIT-Dialplan',
        this.direction === 'inbound' || this.variables.has('dialplan_hit') ? 'true' : 'false',
      ],
    ];
    const presenceId = this.variables.get('presence_id');
    if (presenceId !== undefined) headers.push(['Channel-Presence-ID', presenceId]);
    headers.push(['Channel-Call-UUID', this.variables.get('call_uuid') ?? this.uuid]);
    headers.push(['Answer-State', this.answerState]);
    if (this.hangupCause !== undefined) headers.push(['Hangup-Cause', this.hangupCause]);
    if (this.codec) {
      for (const side of ['Read', 'Write']) {
        headers.push([`Channel-${side}-Codec-Name`, this.codec.name]);
        headers.push([`Channel-${side}-Codec-Rate`, String(this.codec.rate)]);
        headers.push([`Channel-${side}-Codec-Bit-Rate`, String(this.codec.bitRate)]);
      }
    }
    headers.push(...profileHeaders({ prefix: 'Caller', profile: this.profile, times: this.times }));
    if (this.otherLeg) {
      headers.push(['Other-Type', this.otherLeg.type]);
      headers.push(
        ...profileHeaders({
          prefix: 'Other-Leg',
          profile: this.otherLeg.profile,
          times: this.otherLeg.times,
        }),
      );
    }
    if (options.withVariables) {
      for (const [name, value] of this.variables) headers.push([`variable_${name}`, value]);
    }
    return headers;
  }
}

/** `switch_caller_profile_event_set_data()`: empty fields are left out, times always present. */
export function profileHeaders(options: {
  prefix: string;
  profile: CallerProfile;
  times: ChannelTimes;
}): EventHeader[] {
  const { prefix: p, profile, times } = options;
  const headers: EventHeader[] = [
    [`${p}-Direction`, profile.direction],
    [`${p}-Logical-Direction`, profile.direction],
  ];
  const optional: Array<[string, string]> = [
    ['Username', profile.username],
    ['Dialplan', profile.dialplan],
    ['Caller-ID-Name', profile.callerIdName],
    ['Caller-ID-Number', profile.callerIdNumber],
    ['Orig-Caller-ID-Name', profile.origCallerIdName],
    ['Orig-Caller-ID-Number', profile.origCallerIdNumber],
    ['Callee-ID-Name', profile.calleeIdName],
    ['Callee-ID-Number', profile.calleeIdNumber],
    ['Network-Addr', profile.networkAddr],
    ['ANI', profile.ani],
    ['Destination-Number', profile.destinationNumber],
    ['Unique-ID', profile.uniqueId],
    ['Source', profile.source],
    ['Context', profile.context],
    ['Channel-Name', profile.channelName],
    ['Profile-Index', profile.profileIndex],
  ];
  for (const [name, value] of optional) if (value !== '') headers.push([`${p}-${name}`, value]);
  headers.push(
    [`${p}-Profile-Created-Time`, String(times.profileCreated)],
    [`${p}-Channel-Created-Time`, String(times.created)],
    [`${p}-Channel-Answered-Time`, String(times.answered)],
    [`${p}-Channel-Progress-Time`, String(times.progress)],
    [`${p}-Channel-Progress-Media-Time`, String(times.progressMedia)],
    [`${p}-Channel-Hangup-Time`, String(times.hangup)],
    [`${p}-Channel-Transfer-Time`, String(times.transfer)],
    [`${p}-Channel-Resurrect-Time`, String(times.resurrect)],
    [`${p}-Channel-Bridged-Time`, String(times.bridged)],
    [`${p}-Channel-Last-Hold`, String(times.lastHold)],
    [`${p}-Channel-Hold-Accum`, String(times.holdAccum)],
    [`${p}-Screen-Bit`, 'true'],
    [`${p}-Privacy-Hide-Name`, 'false'],
    [`${p}-Privacy-Hide-Number`, 'false'],
  );
  return headers;
}

/** Local date and time as FreeSWITCH prints it (`%Y-%m-%d %T`) in the switch's time zone. */
const localFormats = new Map<string, Intl.DateTimeFormat>();

export function formatLocalDateTime(options: { ms: number; timeZone: string }): string {
  let format = localFormats.get(options.timeZone);
  if (format === undefined) {
    // Building a DateTimeFormat costs far more than using one, and every event needs a date.
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: options.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    localFormats.set(options.timeZone, format);
  }
  const parts = format.formatToParts(new Date(options.ms));
  const get = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((part) => part.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}
