import type { CallRecord } from './call-record';
import { cleanCallerName, normaliseCaller, ownerCallId } from './call-record';

/**
 * What is happening on the switch right now, folded from its events: the calls in progress (for the wall
 * board and the screen pop) and the seats' mod_callcenter states. Pure: the call service feeds it events
 * and acts on what it returns.
 */

export const LiveCallState = {
  /** Answered by the switch, in the greeting, not yet queued. */
  ivr: 'ivr',
  queued: 'queued',
  /** Offered to an agent whose phone rings. */
  ringing: 'ringing',
  talking: 'talking',
  /** Outbound: dialling. */
  dialling: 'dialling',
} as const;
export type LiveCallState = (typeof LiveCallState)[keyof typeof LiveCallState];

export type LiveCall = {
  readonly id: string;
  readonly direction: 'inbound' | 'outbound';
  readonly caller: string | null;
  readonly callerRaw: string;
  readonly callerName: string | null;
  readonly startedAt: string;
  readonly state: LiveCallState;
  readonly queue: string | null;
  readonly queuedAt: string | null;
  readonly agent: string | null;
  /** The leg ringing or bridged to the seat (mod_callcenter's agent leg, or the seat of an outbound call). */
  readonly legId: string | null;
};

export type AgentState = {
  readonly name: string;
  /** mod_callcenter's status: `Available`, `On Break`, `Logged Out`, `Available (On Demand)`. */
  readonly status: string;
  /** mod_callcenter's state: `Waiting`, `Receiving`, `In a queue call`, `Idle`. */
  readonly state: string;
  readonly since: string;
};

export type LiveChange =
  /** A citizen's call arrived: the moment for the screen pop. */
  | { readonly type: 'call-arrived'; readonly call: LiveCall }
  | { readonly type: 'call-updated'; readonly call: LiveCall }
  | { readonly type: 'call-ended'; readonly id: string }
  | { readonly type: 'agent-updated'; readonly agent: AgentState };

type Headers = Readonly<Record<string, string>>;

export class LiveCalls {
  readonly #calls = new Map<string, LiveCall>();
  readonly #agents = new Map<string, AgentState>();
  readonly #defaultAreaCode: string | undefined;

  constructor(options: { defaultAreaCode?: string | undefined }) {
    this.#defaultAreaCode = options.defaultAreaCode;
  }

  calls(): LiveCall[] {
    return [...this.#calls.values()];
  }

  agents(): AgentState[] {
    return [...this.#agents.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(options: { id: string }): LiveCall | undefined {
    return this.#calls.get(options.id);
  }

  /** Folds one event in; returns what changed. Times are the event's own; `receivedAt` if it has none. */
  apply(options: {
    name: string;
    subclass: string | undefined;
    headers: Headers;
    receivedAt: string;
  }): LiveChange[] {
    const { name, headers } = options;
    const uuid = headers['Unique-ID'];
    const at = eventTime({ headers, fallback: options.receivedAt });
    if (name === 'CHANNEL_CREATE' && uuid !== undefined) {
      const owner = ownerCallId({ headers, uuid });
      if (owner !== uuid) {
        const call = this.#calls.get(owner);
        return call === undefined ? [] : this.#update(call, { legId: uuid });
      }
      if (this.#calls.has(uuid)) return [];
      const call = this.#newCall({ uuid, headers, at });
      this.#calls.set(uuid, call);
      return [{ type: 'call-arrived', call }];
    }
    if (name === 'CHANNEL_HANGUP_COMPLETE' && uuid !== undefined) {
      return this.#calls.delete(uuid) ? [{ type: 'call-ended', id: uuid }] : [];
    }
    if (name === 'CHANNEL_ANSWER' && uuid !== undefined) {
      const call = this.#calls.get(uuid);
      if (call?.direction === 'outbound') return this.#update(call, { state: 'talking' });
      return [];
    }
    if (name === 'CUSTOM' && options.subclass === 'callcenter::info')
      return this.#applyCallcenter({ headers, at });
    return [];
  }

  #newCall(options: { uuid: string; headers: Headers; at: string }): LiveCall {
    const { uuid, headers, at } = options;
    const outbound = headers['Call-Direction'] === 'outbound';
    const raw = outbound
      ? (headers.variable_jz_citizen_number ?? headers['Caller-Destination-Number'] ?? '')
      : (headers['Caller-Caller-ID-Number'] ?? '');
    const name = outbound ? undefined : headers['Caller-Caller-ID-Name'];
    return {
      id: uuid,
      direction: outbound ? 'outbound' : 'inbound',
      caller: normaliseCaller({ raw, defaultAreaCode: this.#defaultAreaCode }),
      callerRaw: raw.slice(0, 40),
      callerName: name === undefined ? null : cleanCallerName({ name }),
      startedAt: at,
      state: outbound ? 'dialling' : 'ivr',
      queue: null,
      queuedAt: null,
      agent: outbound ? (headers.variable_jz_agent ?? null) : null,
      legId: null,
    };
  }

  #applyCallcenter(options: { headers: Headers; at: string }): LiveChange[] {
    const { headers, at } = options;
    const action = headers['CC-Action'];
    const member = headers['CC-Member-Session-UUID'] ?? headers['Unique-ID'];
    const call = member === undefined ? undefined : this.#calls.get(member);
    switch (action) {
      case 'member-queue-start':
        return call === undefined
          ? []
          : this.#update(call, { state: 'queued', queue: headers['CC-Queue'] ?? null, queuedAt: at });
      case 'agent-offering':
        return call === undefined
          ? []
          : this.#update(call, { state: 'ringing', agent: headers['CC-Agent'] ?? null });
      case 'bridge-agent-start':
        return call === undefined
          ? []
          : this.#update(call, { state: 'talking', agent: headers['CC-Agent'] ?? null });
      case 'bridge-agent-fail':
        return call === undefined ? [] : this.#update(call, { state: 'queued', agent: null });
      case 'agent-status-change':
        return this.#updateAgent({ name: headers['CC-Agent'], status: headers['CC-Agent-Status'], at });
      case 'agent-state-change':
        return this.#updateAgent({ name: headers['CC-Agent'], state: headers['CC-Agent-State'], at });
      default:
        return [];
    }
  }

  #update(call: LiveCall, patch: Partial<LiveCall>): LiveChange[] {
    const next = { ...call, ...patch };
    this.#calls.set(call.id, next);
    return [{ type: 'call-updated', call: next }];
  }

  #updateAgent(options: {
    name: string | undefined;
    status?: string | undefined;
    state?: string | undefined;
    at: string;
  }): LiveChange[] {
    if (options.name === undefined || options.name === '') return [];
    const before = this.#agents.get(options.name);
    const agent: AgentState = {
      name: options.name,
      status: options.status ?? before?.status ?? 'Logged Out',
      state: options.state ?? before?.state ?? 'Waiting',
      since: options.at,
    };
    this.#agents.set(agent.name, agent);
    return [{ type: 'agent-updated', agent }];
  }

  /** Replaces the seats' states with what `callcenter_config agent list` says now (after a reconnect). */
  resetAgents(options: { agents: readonly AgentState[] }): void {
    this.#agents.clear();
    for (const agent of options.agents) this.#agents.set(agent.name, agent);
  }

  /**
   * After a reconnect: `ids` are the channels the switch has now. Calls the appliance knew that are gone
   * ended while the link was down: their hang-up events are lost, so their records are made here from what
   * was seen (`source: 'reconstructed'`). Channels the appliance did not know are taken in from `show
   * channels` rows.
   */
  resync(options: { channels: readonly Headers[]; now: string }): {
    ended: CallRecord[];
    arrived: LiveCall[];
  } {
    const present = new Set<string>();
    const arrived: LiveCall[] = [];
    for (const row of options.channels) {
      const uuid = row.uuid;
      if (uuid === undefined || uuid === '') continue;
      present.add(uuid);
      const callUuid = row.call_uuid;
      if ((callUuid !== undefined && callUuid !== '' && callUuid !== uuid) || this.#calls.has(uuid)) continue;
      const epoch = Number(row.created_epoch);
      const call = this.#newCall({
        uuid,
        headers: {
          'Call-Direction': row.direction ?? 'inbound',
          'Caller-Caller-ID-Number': row.cid_num ?? '',
          'Caller-Caller-ID-Name': row.cid_name ?? '',
          'Caller-Destination-Number': row.dest ?? '',
        },
        at: Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000).toISOString() : options.now,
      });
      this.#calls.set(uuid, call);
      arrived.push(call);
    }
    const ended: CallRecord[] = [];
    for (const call of [...this.#calls.values()]) {
      if (present.has(call.id)) continue;
      this.#calls.delete(call.id);
      ended.push(reconstructRecord({ call, now: options.now }));
    }
    return { ended, arrived };
  }
}

function reconstructRecord(options: { call: LiveCall; now: string }): CallRecord {
  const { call, now } = options;
  const seconds = (from: string | null): number | null =>
    from === null ? null : Math.max(0, Math.round((Date.parse(now) - Date.parse(from)) / 1000));
  const answered = call.state === 'talking';
  return {
    id: call.id,
    direction: call.direction,
    caller: call.caller,
    callerRaw: call.callerRaw,
    callerName: call.callerName,
    destination: '',
    startedAt: call.startedAt,
    answeredAt: null,
    endedAt: now,
    queue: call.queue,
    queueJoinedAt: call.queuedAt,
    agentAnsweredAt: null,
    agent: answered ? call.agent : null,
    waitSec: answered ? null : seconds(call.queuedAt),
    talkSec: null,
    billsec: 0,
    durationSec: seconds(call.startedAt) ?? 0,
    hangupCause: 'UNKNOWN',
    outcome: answered ? 'answered' : call.queue === null ? 'ended' : 'abandoned',
    kind: null,
    orderId: null,
    source: 'reconstructed',
  };
}

/** The event's own time (`Event-Date-Timestamp`, µs), not when it arrived. */
export function eventTime(options: { headers: Headers; fallback: string }): string {
  const micros = options.headers['Event-Date-Timestamp'];
  if (micros === undefined || !/^\d{1,18}$/.test(micros) || micros === '0') return options.fallback;
  return new Date(Math.floor(Number(micros) / 1000)).toISOString();
}
