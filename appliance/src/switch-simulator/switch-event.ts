/**
 * A FreeSWITCH event as the switch holds it: an ordered list of headers (a name may repeat, as
 * `Hangup-Cause` does in real captures) and an optional body.
 */

export type EventHeader = readonly [name: string, value: string];

export type SwitchEvent = {
  /** `Event-Name`. */
  readonly name: string;
  /** `Event-Subclass` of a CUSTOM event, e.g. `callcenter::info`. */
  readonly subclass: string | undefined;
  readonly headers: readonly EventHeader[];
  readonly body: string | undefined;
};

/** Every event type `switch_name_event()` knows (switch_event.c `EVENT_NAMES`), in its order. */
export const EVENT_NAMES = [
  'CUSTOM',
  'CLONE',
  'CHANNEL_CREATE',
  'CHANNEL_DESTROY',
  'CHANNEL_STATE',
  'CHANNEL_CALLSTATE',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_OUTGOING',
  'CHANNEL_PARK',
  'CHANNEL_UNPARK',
  'CHANNEL_APPLICATION',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'API',
  'LOG',
  'INBOUND_CHAN',
  'OUTBOUND_CHAN',
  'STARTUP',
  'SHUTDOWN',
  'PUBLISH',
  'UNPUBLISH',
  'TALK',
  'NOTALK',
  'SESSION_CRASH',
  'MODULE_LOAD',
  'MODULE_UNLOAD',
  'DTMF',
  'MESSAGE',
  'PRESENCE_IN',
  'NOTIFY_IN',
  'PRESENCE_OUT',
  'PRESENCE_PROBE',
  'MESSAGE_WAITING',
  'MESSAGE_QUERY',
  'ROSTER',
  'CODEC',
  'BACKGROUND_JOB',
  'DETECTED_SPEECH',
  'DETECTED_TONE',
  'PRIVATE_COMMAND',
  'HEARTBEAT',
  'TRAP',
  'ADD_SCHEDULE',
  'DEL_SCHEDULE',
  'EXE_SCHEDULE',
  'RE_SCHEDULE',
  'RELOADXML',
  'NOTIFY',
  'PHONE_FEATURE',
  'PHONE_FEATURE_SUBSCRIBE',
  'SEND_MESSAGE',
  'RECV_MESSAGE',
  'REQUEST_PARAMS',
  'CHANNEL_DATA',
  'GENERAL',
  'COMMAND',
  'SESSION_HEARTBEAT',
  'CLIENT_DISCONNECTED',
  'SERVER_DISCONNECTED',
  'SEND_INFO',
  'RECV_INFO',
  'RECV_RTCP_MESSAGE',
  'SEND_RTCP_MESSAGE',
  'CALL_SECURE',
  'NAT',
  'RECORD_START',
  'RECORD_STOP',
  'PLAYBACK_START',
  'PLAYBACK_STOP',
  'CALL_UPDATE',
  'FAILURE',
  'SOCKET_DATA',
  'MEDIA_BUG_START',
  'MEDIA_BUG_STOP',
  'CONFERENCE_DATA_QUERY',
  'CONFERENCE_DATA',
  'CALL_SETUP_REQ',
  'CALL_SETUP_RESULT',
  'CALL_DETAIL',
  'DEVICE_STATE',
  'TEXT',
  'SHUTDOWN_REQUESTED',
  'ALL',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

const EVENT_NAME_LOOKUP = new Map<string, EventName>(EVENT_NAMES.map((name) => [name.toUpperCase(), name]));

/** `switch_name_event()`: case-insensitive, and `SWITCH_EVENT_` prefixed names are accepted too. */
export function parseEventName(options: { word: string }): EventName | undefined {
  const upper = options.word.toUpperCase();
  return EVENT_NAME_LOOKUP.get(upper.startsWith('SWITCH_EVENT_') ? upper.slice(13) : upper);
}

/** The first header of that name, compared case-insensitively as `switch_event_get_header()` does. */
export function getEventHeader(options: { event: SwitchEvent; name: string }): string | undefined {
  const wanted = options.name.toLowerCase();
  for (const [name, value] of options.event.headers) {
    if (name.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** Where in FreeSWITCH an event is said to come from (`Event-Calling-*`). */
export type EventSource = { readonly file: string; readonly func: string; readonly line: number };

/** Collects headers for one event; the switch core fills in the standard ones first. */
export class EventBuilder {
  readonly name: string;
  readonly subclass: string | undefined;
  readonly #headers: EventHeader[] = [];
  #body: string | undefined;

  constructor(options: { name: string; subclass?: string | undefined; headers?: readonly EventHeader[] }) {
    this.name = options.name;
    this.subclass = options.subclass;
    if (options.headers) this.#headers.push(...options.headers);
  }

  /** Appends headers in the object's key order (header names are never integer-like, so that order holds). */
  add(headers: Readonly<Record<string, string | number>>): this {
    for (const [name, value] of Object.entries(headers)) this.#headers.push([name, String(value)]);
    return this;
  }

  addAll(headers: readonly EventHeader[]): this {
    this.#headers.push(...headers);
    return this;
  }

  body(options: { text: string }): this {
    this.#body = options.text;
    return this;
  }

  build(): SwitchEvent {
    return { name: this.name, subclass: this.subclass, headers: [...this.#headers], body: this.#body };
  }
}
