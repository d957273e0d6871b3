/**
 * Which events one ESL listener receives: the `event`, `nixevent`, `noevents`, `filter` and `myevents`
 * commands, with mod_event_socket's reply texts and its selection rules (`event_handler()`).
 */
import type { EventFormat } from './event-encoding';
import {
  EVENT_NAMES,
  getEventHeader,
  parseEventName,
  type EventName,
  type SwitchEvent,
} from './switch-event';

/** The events `myevents` turns on. */
const MY_EVENTS: readonly EventName[] = [
  'CHANNEL_ANSWER',
  'CHANNEL_APPLICATION',
  'CHANNEL_BRIDGE',
  'CHANNEL_CREATE',
  'CHANNEL_DATA',
  'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_ORIGINATE',
  'CHANNEL_UUID',
  'CHANNEL_OUTGOING',
  'CHANNEL_PARK',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_UNPARK',
  'DETECTED_SPEECH',
  'DTMF',
  'NOTALK',
  'TALK',
];

export class Subscription {
  format: EventFormat = 'plain';
  /** LFLAG_EVENTS: set by the first `event`/`nixevent`, cleared by `noevents`. */
  enabled = false;
  #all = false;
  #names = new Set<EventName>();
  /** CUSTOM subclasses; after `event ALL` every subclass counts. */
  #subclasses = new Set<string>();
  #allSubclasses = false;
  #filters: Array<readonly [string, string]> = [];
  /** Set by `myevents`: only events whose Unique-ID is this channel (undefined: any Unique-ID). */
  myEvents: { uuid: string | undefined } | undefined;

  /** `event [plain|json|xml] NAMES… [CUSTOM subclasses…]`; returns the reply text. */
  event(options: { words: readonly string[] }): string {
    let keyCount = 0;
    let custom = false;
    options.words.forEach((word, index) => {
      if (index === 0) {
        const format = word.toLowerCase();
        if (format === 'plain' || format === 'json' || format === 'xml') {
          this.format = format;
          return;
        }
      }
      if (custom) {
        this.#subclasses.add(word);
        return;
      }
      const name = parseEventName({ word });
      if (name === undefined) return;
      keyCount++;
      if (name === 'ALL') {
        this.#all = true;
        this.#allSubclasses = true;
      }
      this.#names.add(name);
      if (name === 'CUSTOM') custom = true;
    });
    if (keyCount === 0) return '-ERR no keywords supplied';
    this.enabled = true;
    return `+OK event listener enabled ${this.format}`;
  }

  /** `nixevent NAMES… [CUSTOM subclasses…]`. */
  nixEvent(options: { words: readonly string[] }): string {
    let keyCount = 0;
    let custom = false;
    for (const word of options.words) {
      if (custom) {
        this.#subclasses.delete(word);
        continue;
      }
      const name = parseEventName({ word });
      if (name === undefined) continue;
      keyCount++;
      if (name === 'CUSTOM') {
        custom = true;
      } else if (name === 'ALL') {
        this.#all = false;
        this.#names.clear();
      } else {
        if (this.#all) {
          // Nixing one event out of ALL leaves every other event type on.
          this.#all = false;
          for (const n of EVENT_NAMES) if (n !== 'ALL') this.#names.add(n);
        }
        this.#names.delete(name);
      }
    }
    if (keyCount === 0) return '-ERR no keywords supplied';
    this.enabled = true;
    return '+OK events nixed';
  }

  noEvents(): string {
    if (!this.enabled) return '-ERR not listening for events';
    this.enabled = false;
    this.#all = false;
    this.#names.clear();
    this.#subclasses.clear();
    this.#allSubclasses = false;
    return '+OK no longer listening for events';
  }

  /** `filter H V`, `filter delete H [V]`, `filter delete all`. */
  filter(options: { argument: string }): string {
    const argument = options.argument.replace(/^ +/, '');
    const space = argument.indexOf(' ');
    let name = space < 0 ? argument : argument.slice(0, space);
    let value = space < 0 ? undefined : argument.slice(space + 1);
    if (name.toLowerCase() === 'delete' && value !== undefined) {
      const rest = value;
      const nextSpace = rest.indexOf(' ');
      name = nextSpace < 0 ? rest : rest.slice(0, nextSpace);
      value = nextSpace < 0 ? undefined : rest.slice(nextSpace + 1);
      if (name.toLowerCase() === 'all') {
        this.#filters = [];
      } else {
        const lower = name.toLowerCase();
        this.#filters = this.#filters.filter(
          ([n, v]) => !(n.toLowerCase() === lower && (value === undefined || v === value)),
        );
      }
      return `+OK filter deleted. [${name}][${value ?? ''}]`;
    }
    if (value === undefined) return '-ERR invalid syntax';
    if (name.toLowerCase() === 'add') {
      const rest = value;
      const nextSpace = rest.indexOf(' ');
      name = nextSpace < 0 ? rest : rest.slice(0, nextSpace);
      value = nextSpace < 0 ? '' : rest.slice(nextSpace + 1);
    }
    this.#filters.push([name, value]);
    return `+OK filter added. [${name}]=[${value}]`;
  }

  /** Turns on the channel events of one session (`myevents <uuid>`). */
  enableMyEvents(options: { uuid: string | undefined }): void {
    for (const name of MY_EVENTS) this.#names.add(name);
    this.myEvents = { uuid: options.uuid };
    this.enabled = true;
  }

  /** Whether this listener gets the event, as `event_handler()` decides. */
  matches(options: { event: SwitchEvent }): boolean {
    const { event } = options;
    if (!this.enabled) return false;
    let send = false;
    if (this.#all) {
      send = true;
    } else if (this.#names.has(event.name as EventName)) {
      send =
        event.name !== 'CUSTOM' ||
        event.subclass === undefined ||
        this.#allSubclasses ||
        this.#subclasses.has(event.subclass);
    }
    if (send && this.#filters.length > 0) send = this.#passesFilters(event);
    if (send && this.myEvents) {
      const uuid = getEventHeader({ event, name: 'Unique-ID' });
      const jobOwner = getEventHeader({ event, name: 'Job-Owner-UUID' });
      if (uuid === undefined || (this.myEvents.uuid !== undefined && uuid !== this.myEvents.uuid))
        send = false;
      if (this.myEvents.uuid !== undefined && jobOwner === this.myEvents.uuid) send = true;
    }
    return send;
  }

  /** Filters are OR-ed; a value prefixed `-` vetoes; `/regex/` matches by regular expression. */
  #passesFilters(event: SwitchEvent): boolean {
    let send = false;
    for (const [name, rawValue] of this.#filters) {
      const headerValue = getEventHeader({ event, name });
      if (headerValue === undefined) continue;
      let positive = true;
      let compareTo = rawValue;
      while (compareTo.length > 0) {
        const c = compareTo[0];
        if (c === '+') positive = true;
        else if (c === '-') positive = false;
        else if (c !== ' ') break;
        compareTo = compareTo.slice(1);
      }
      if (send && positive) continue;
      let matched: boolean;
      if (rawValue.startsWith('/')) {
        matched = regexMatches(headerValue, compareTo);
      } else {
        matched = headerValue.toLowerCase() === compareTo.toLowerCase();
      }
      if (matched) {
        if (!positive) return false;
        send = true;
      }
    }
    return send;
  }
}

function regexMatches(value: string, pattern: string): boolean {
  const body = pattern.startsWith('/') ? pattern.slice(1) : pattern;
  const last = body.lastIndexOf('/');
  const source = last >= 0 ? body.slice(0, last) : body;
  try {
    return new RegExp(source).test(value);
  } catch {
    return false;
  }
}
