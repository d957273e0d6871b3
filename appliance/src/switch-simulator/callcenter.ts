/**
 * mod_callcenter: queues, agents, tiers and members, the `callcenter` application, the `callcenter_config`
 * API with its exact replies, and the `callcenter::info` events, following mod_callcenter.c. The SQLite
 * tables become plain arrays; the 100 ms agent-dispatch thread becomes a 100 ms timer that runs while
 * anyone is queued.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Channel } from './channel';
import { separateString } from './dial-string';
import type { EventSource } from './switch-event';
import type { AppRun, OriginateHandle, OriginateResult, SwitchCore } from './switch-core';

export const CALLCENTER_SUBCLASS = 'callcenter::info';

export const AGENT_STATUSES = ['Logged Out', 'Available', 'Available (On Demand)', 'On Break'] as const;
export const AGENT_STATES = ['Waiting', 'Receiving', 'In a queue call', 'Idle'] as const;
export const TIER_STATES = ['No Answer', 'Ready', 'Offering', 'Active Inbound', 'Standby'] as const;

export const queueConfigSchema = z
  .object({
    name: z.string().min(1),
    strategy: z.string().default('longest-idle-agent'),
    mohSound: z.string().default('local_stream://moh'),
    recordTemplate: z.string().optional(),
    timeBaseScore: z.enum(['queue', 'system']).default('queue'),
    tierRulesApply: z.boolean().default(false),
    tierRuleWaitSecond: z.number().int().nonnegative().default(0),
    tierRuleWaitMultiplyLevel: z.boolean().default(false),
    tierRuleNoAgentNoWait: z.boolean().default(true),
    discardAbandonedAfter: z.number().int().nonnegative().default(60),
    abandonedResumeAllowed: z.boolean().default(false),
    maxWaitTime: z.number().int().nonnegative().default(0),
    maxWaitTimeWithNoAgent: z.number().int().nonnegative().default(0),
    maxWaitTimeWithNoAgentTimeReached: z.number().int().nonnegative().default(5),
  })
  .strict();
export type QueueConfig = z.input<typeof queueConfigSchema>;
type Queue = z.output<typeof queueConfigSchema> & { lastAgentExist: number; lastAgentExistCheck: number };

/** Agent fields from callcenter.conf.xml (or what `agent add` gives an agent, see `agentDefaults`). */
export const agentSettingsSchema = z
  .object({
    maxNoAnswer: z.number().int().nonnegative().default(3),
    wrapUpTime: z.number().int().nonnegative().default(10),
    rejectDelayTime: z.number().int().nonnegative().default(10),
    busyDelayTime: z.number().int().nonnegative().default(60),
    noAnswerDelayTime: z.number().int().nonnegative().default(0),
  })
  .strict();
export type AgentSettings = z.output<typeof agentSettingsSchema>;

export const agentConfigSchema = z
  .object({
    name: z.string().min(1),
    type: z.string().default('callback'),
    contact: z.string().min(1),
    status: z.enum(AGENT_STATUSES).default('Logged Out'),
    maxNoAnswer: z.number().int().nonnegative().optional(),
    wrapUpTime: z.number().int().nonnegative().optional(),
    rejectDelayTime: z.number().int().nonnegative().optional(),
    busyDelayTime: z.number().int().nonnegative().optional(),
    noAnswerDelayTime: z.number().int().nonnegative().optional(),
  })
  .strict();
export type AgentConfig = z.input<typeof agentConfigSchema>;

export const tierConfigSchema = z
  .object({
    queue: z.string().min(1),
    agent: z.string().min(1),
    level: z.number().int().default(1),
    position: z.number().int().default(1),
  })
  .strict();
export type TierConfig = z.input<typeof tierConfigSchema>;

type Agent = {
  name: string;
  system: string;
  uuid: string;
  type: string;
  contact: string;
  status: string;
  state: string;
  maxNoAnswer: number;
  wrapUpTime: number;
  rejectDelayTime: number;
  busyDelayTime: number;
  noAnswerDelayTime: number;
  lastBridgeStart: number;
  lastBridgeEnd: number;
  lastOfferedCall: number;
  lastStatusChange: number;
  noAnswerCount: number;
  callsAnswered: number;
  talkTime: number;
  readyTime: number;
};

type Tier = { queue: string; agent: string; state: string; level: number; position: number };

type CancelReason = 'NONE' | 'TIMEOUT' | 'NO_AGENT_TIMEOUT' | 'BREAK_OUT' | 'EXIT_WITH_KEY';

type Member = {
  queue: string;
  system: string;
  uuid: string;
  sessionUuid: string;
  cidNumber: string;
  cidName: string;
  systemEpoch: number;
  joinedEpoch: number;
  rejoinedEpoch: number;
  bridgeEpoch: number;
  abandonedEpoch: number;
  baseScore: number;
  skillScore: number;
  servingAgent: string;
  servingSystem: string;
  state: 'Waiting' | 'Trying' | 'Answered' | 'Abandoned';
  /** While the caller waits in the `callcenter` application. */
  waiting: { channel: Channel; leave: (reason: CancelReason | 'answered') => void } | undefined;
  offers: Set<OriginateHandle>;
};

const SOURCES = {
  agentUpdate: { file: 'mod_callcenter.c', func: 'cc_agent_update', line: 1041 },
  queueCount: { file: 'mod_callcenter.c', func: 'cc_queue_count', line: 868 },
  agentThread: { file: 'mod_callcenter.c', func: 'outbound_agent_thread_run', line: 1572 },
  memberApp: { file: 'mod_callcenter.c', func: 'callcenter_function', line: 2964 },
} satisfies Record<string, EventSource>;

const SYSTEM = 'single_box';

export type CallCenterOptions = {
  core: SwitchCore;
  queues: readonly QueueConfig[];
  agents?: readonly AgentConfig[] | undefined;
  tiers?: readonly TierConfig[] | undefined;
  /**
   * What `agent add` gives a new agent. mod_callcenter's own table defaults are all 0 (no wrap-up, never put
   * on break); the simulator defaults to the vanilla callcenter.conf.xml agent (3 no-answers, 10 s wrap-up).
   */
  agentDefaults?: Partial<AgentSettings> | undefined;
};

export class CallCenter {
  readonly #core: SwitchCore;
  readonly #configured = new Map<string, z.output<typeof queueConfigSchema>>();
  readonly #loaded = new Map<string, Queue>();
  readonly #agents = new Map<string, Agent>();
  #tiers: Tier[] = [];
  #members: Member[] = [];
  readonly #agentDefaults: AgentSettings;
  #stopTicker: (() => void) | undefined;
  #dispatchQueued = false;
  #roundRobinCursor = 0;

  constructor(options: CallCenterOptions) {
    this.#core = options.core;
    this.#agentDefaults = agentSettingsSchema.parse(options.agentDefaults ?? {});
    for (const queue of options.queues) this.configureQueue({ queue });
    for (const name of this.#configured.keys()) this.#getQueue(name);
    for (const config of options.agents ?? []) this.configureAgent({ agent: config });
    for (const tier of options.tiers ?? []) {
      const t = tierConfigSchema.parse(tier);
      if (!this.#tiers.some((x) => x.queue === t.queue && x.agent === t.agent))
        this.#tierAdd(t.queue, t.agent, t.level, t.position);
    }
    this.#core.registerApp({
      name: 'callcenter',
      impl: (context) => this.#memberApp(context.channel, context.data, context.complete),
    });
    this.#core.addDtmfListener({ listener: (channel, digit) => this.#onDtmf(channel, digit) });
  }

  /** Adds or replaces a queue in the configuration (as editing callcenter.conf.xml; load it to use it). */
  configureQueue(options: { queue: QueueConfig }): void {
    const queue = queueConfigSchema.parse(options.queue);
    this.#configured.set(queue.name, queue);
  }

  /** An agent from the configuration file: added if missing, then its fields set. */
  configureAgent(options: { agent: AgentConfig }): void {
    const config = agentConfigSchema.parse(options.agent);
    if (!this.#agents.has(config.name)) this.#agentAdd(config.name, config.type);
    const agent = this.#agents.get(config.name);
    if (agent === undefined) return;
    agent.contact = config.contact;
    agent.maxNoAnswer = config.maxNoAnswer ?? agent.maxNoAnswer;
    agent.wrapUpTime = config.wrapUpTime ?? agent.wrapUpTime;
    agent.rejectDelayTime = config.rejectDelayTime ?? agent.rejectDelayTime;
    agent.busyDelayTime = config.busyDelayTime ?? agent.busyDelayTime;
    agent.noAnswerDelayTime = config.noAnswerDelayTime ?? agent.noAnswerDelayTime;
    this.#agentUpdate('status', config.status, config.name);
  }

  /** What is left after a restart: agents and tiers persist (SQLite), members are gone, states reset. */
  resetAfterRestart(options: { core: SwitchCore }): CallCenter {
    const next = new CallCenter({
      core: options.core,
      queues: [...this.#configured.values()],
      agentDefaults: this.#agentDefaults,
    });
    for (const agent of this.#agents.values())
      next.#agents.set(agent.name, { ...agent, state: 'Waiting', uuid: '' });
    next.#tiers = this.#tiers.map((tier) => ({ ...tier, state: 'Ready' }));
    return next;
  }

  stop(): void {
    this.#stopTicker?.();
    this.#stopTicker = undefined;
  }

  #nowSec(): number {
    return Math.floor(this.#core.clock.now() / 1000);
  }

  #event(action: string, source: EventSource, channel?: Channel): ReturnType<SwitchCore['createEvent']> {
    const builder = channel
      ? this.#core.channelEvent({ name: 'CUSTOM', subclass: CALLCENTER_SUBCLASS, channel, source })
      : this.#core.createEvent({ name: 'CUSTOM', subclass: CALLCENTER_SUBCLASS, source });
    return builder;
  }

  // ------------------------------------------------------------------------------------ queues & agents

  #getQueue(name: string): Queue | undefined {
    const loaded = this.#loaded.get(name);
    if (loaded) return loaded;
    const config = this.#configured.get(name);
    if (config === undefined) return undefined;
    const queue: Queue = { ...config, lastAgentExist: 0, lastAgentExistCheck: 0 };
    this.#loaded.set(name, queue);
    return queue;
  }

  #agentAdd(name: string, type: string): 'ok' | 'exists' | 'invalid-type' {
    if (type.toLowerCase() !== 'callback' && type.toLowerCase() !== 'uuid-standby') return 'invalid-type';
    if (this.#agents.has(name)) return 'exists';
    this.#agents.set(name, {
      name,
      system: SYSTEM,
      uuid: '',
      type,
      contact: '',
      status: 'Logged Out',
      state: 'Waiting',
      ...this.#agentDefaults,
      lastBridgeStart: 0,
      lastBridgeEnd: 0,
      lastOfferedCall: 0,
      lastStatusChange: 0,
      noAnswerCount: 0,
      callsAnswered: 0,
      talkTime: 0,
      readyTime: 0,
    });
    return 'ok';
  }

  /** cc_agent_update(): the status and state changes fire their events. */
  #agentUpdate(
    key: string,
    value: string,
    name: string,
  ): 'ok' | 'not-found' | 'invalid-status' | 'invalid-state' | 'invalid-type' | 'invalid-key' {
    const agent = this.#agents.get(name);
    if (agent === undefined) return 'not-found';
    const now = this.#nowSec();
    switch (key.toLowerCase()) {
      case 'status': {
        const known = AGENT_STATUSES.find((s) => s.toLowerCase() === value.toLowerCase());
        if (known === undefined) return 'invalid-status';
        if (known === 'Available') {
          if (agent.status !== value) {
            agent.talkTime = 0;
            agent.callsAnswered = 0;
            agent.noAnswerCount = 0;
          }
        }
        // Stored as written, like the SQL UPDATE: only the exact spelling counts when offering calls.
        agent.status = value;
        agent.lastStatusChange = now;
        if (known !== 'Available') {
          for (const member of this.#members) {
            if (member.servingAgent === name && member.state !== 'Answered') {
              for (const offer of member.offers) offer.cancel({ cause: 'ORIGINATOR_CANCEL' });
            }
          }
        }
        this.#core.fire({
          event: this.#event('agent-status-change', SOURCES.agentUpdate)
            .add({ 'CC-Agent': name, 'CC-Action': 'agent-status-change' })
            .add({ 'CC-Agent-Status': value }),
        });
        this.#scheduleDispatch();
        return 'ok';
      }
      case 'state': {
        const known = AGENT_STATES.find((s) => s.toLowerCase() === value.toLowerCase());
        if (known === undefined) return 'invalid-state';
        agent.state = value;
        if (known === 'Receiving') agent.lastOfferedCall = now;
        this.#core.fire({
          event: this.#event('agent-state-change', SOURCES.agentUpdate)
            .add({ 'CC-Agent': name, 'CC-Action': 'agent-state-change' })
            .add({ 'CC-Agent-State': value }),
        });
        this.#scheduleDispatch();
        return 'ok';
      }
      case 'uuid':
        agent.uuid = value;
        return 'ok';
      case 'contact':
        agent.contact = value;
        return 'ok';
      case 'ready_time':
        agent.readyTime = Number.parseInt(value, 10) || 0;
        return 'ok';
      case 'busy_delay_time':
        agent.busyDelayTime = Number.parseInt(value, 10) || 0;
        return 'ok';
      case 'reject_delay_time':
        agent.rejectDelayTime = Number.parseInt(value, 10) || 0;
        return 'ok';
      case 'no_answer_delay_time':
        agent.noAnswerDelayTime = Number.parseInt(value, 10) || 0;
        return 'ok';
      case 'max_no_answer':
        agent.maxNoAnswer = Number.parseInt(value, 10) || 0;
        return 'ok';
      case 'wrap_up_time':
        agent.wrapUpTime = Number.parseInt(value, 10) || 0;
        return 'ok';
      case 'type':
        if (value.toLowerCase() !== 'callback' && value.toLowerCase() !== 'uuid-standby')
          return 'invalid-type';
        agent.type = value;
        return 'ok';
      default:
        return 'invalid-key';
    }
  }

  #tierAdd(
    queueName: string,
    agentName: string,
    level: number,
    position: number,
  ): 'ok' | 'no-queue' | 'no-agent' | 'exists' {
    if (this.#getQueue(queueName) === undefined) return 'no-queue';
    if (!this.#agents.has(agentName)) return 'no-agent';
    if (this.#tiers.some((t) => t.queue === queueName && t.agent === agentName)) return 'exists';
    this.#tiers.push({ queue: queueName, agent: agentName, state: 'Ready', level, position });
    return 'ok';
  }

  #queueCount(queueName: string): number {
    const count = this.#members.filter(
      (m) => m.queue === queueName && (m.state === 'Waiting' || m.state === 'Trying'),
    ).length;
    this.#core.fire({
      event: this.#event('members-count', SOURCES.queueCount)
        .add({ 'CC-Queue': queueName, 'CC-Action': 'members-count', 'CC-Count': count })
        .add({ 'CC-Selection': 'Single-Queue' }),
    });
    return count;
  }

  // --------------------------------------------------------------------------------------------- the API

  /** `callcenter_config …`: the exact texts of mod_callcenter's API. */
  api(options: { args: string }): string {
    if (options.args.trim() === '') return '-USAGE: callcenter_config agent add [name] [type] | …\n';
    const argv = separateString({ text: options.args, max: 8 });
    if (argv.length < 2) return '-ERR Invalid!\n';
    const [section = '', action = ''] = argv.map((a, i) => (i < 2 ? a.toLowerCase() : a));
    const rest = argv.slice(2);
    if (section === 'agent') return this.#agentApi(action, rest);
    if (section === 'tier') return this.#tierApi(action, rest);
    if (section === 'queue') return this.#queueApi(action, rest);
    return '';
  }

  #agentApi(action: string, args: string[]): string {
    switch (action) {
      case 'add': {
        const [name, type] = args;
        if (name === undefined || type === undefined) return '-ERR Invalid!\n';
        const result = this.#agentAdd(name, type);
        if (result === 'exists') return '-ERR Agent already exist!\n';
        if (result === 'invalid-type') return '-ERR Agent type invalid!\n';
        return '+OK\n';
      }
      case 'del': {
        const [name] = args;
        if (name === undefined) return '-ERR Invalid!\n';
        this.#agents.delete(name);
        this.#tiers = this.#tiers.filter((t) => t.agent !== name);
        return '+OK\n';
      }
      case 'set': {
        const [key, name, value] = args;
        if (key === undefined || name === undefined || value === undefined) return '-ERR Invalid!\n';
        switch (this.#agentUpdate(key, value, name)) {
          case 'ok':
            return '+OK\n';
          case 'invalid-status':
            return '-ERR Invalid Agent Status!\n';
          case 'invalid-state':
            return '-ERR Invalid Agent State!\n';
          case 'invalid-type':
            return '-ERR Invalid Agent Type!\n';
          case 'invalid-key':
            return '-ERR Invalid Agent Update KEY!\n';
          case 'not-found':
            return '-ERR Agent not found!\n';
        }
        return '-ERR Unknown Error!\n';
      }
      case 'get': {
        const [key, name] = args;
        if (key === undefined || name === undefined) return '-ERR Invalid!\n';
        const agent = this.#agents.get(name);
        if (agent === undefined) return '-ERR Agent not found!\n';
        if (key.toLowerCase() !== 'status') return '-ERR Invalid Agent Update KEY!\n';
        this.#core.fire({
          event: this.#event('agent-status-get', SOURCES.agentUpdate)
            .add({ 'CC-Agent': name, 'CC-Action': 'agent-status-get' })
            .add({ 'CC-Agent-Status': agent.status }),
        });
        return agent.status;
      }
      case 'list':
        return this.#table(AGENT_COLUMNS, [...this.#agents.values()].map(agentRow)) + '+OK\n';
      default:
        return '';
    }
  }

  #tierApi(action: string, args: string[]): string {
    switch (action) {
      case 'add': {
        const [queue, agent, level, position] = args;
        if (queue === undefined || agent === undefined) return '-ERR Invalid!\n';
        const result = this.#tierAdd(
          queue,
          agent,
          Number.parseInt(level ?? '1', 10) || 0,
          Number.parseInt(position ?? '1', 10) || 0,
        );
        if (result === 'no-queue') return '-ERR Queue not found!\n';
        if (result === 'no-agent') return '-ERR Agent not found!\n';
        if (result === 'exists') return '-ERR Tier already exist!\n';
        this.#scheduleDispatch();
        return '+OK\n';
      }
      case 'set': {
        const [key, queue, agent, value] = args;
        if (key === undefined || queue === undefined || agent === undefined || value === undefined)
          return '-ERR Invalid!\n';
        const tier = this.#tiers.find((t) => t.queue === queue && t.agent === agent);
        if (tier === undefined) return '-ERR Tier not found!\n';
        if (!this.#agents.has(agent)) return '-ERR Agent not found!\n';
        switch (key.toLowerCase()) {
          case 'state': {
            const known = TIER_STATES.find((s) => s.toLowerCase() === value.toLowerCase());
            if (known === undefined) return '-ERR Invalid Tier State!\n';
            tier.state = value;
            break;
          }
          case 'level':
            tier.level = Number.parseInt(value, 10) || 0;
            break;
          case 'position':
            tier.position = Number.parseInt(value, 10) || 0;
            break;
          default:
            return '-ERR Invalid Tier Update KEY!\n';
        }
        this.#scheduleDispatch();
        return '+OK\n';
      }
      case 'del': {
        const [queue, agent] = args;
        if (queue === undefined || agent === undefined) return '-ERR Invalid!\n';
        this.#tiers = this.#tiers.filter((t) => !(t.queue === queue && t.agent === agent));
        return '+OK\n';
      }
      case 'list':
        return (
          this.#table(
            TIER_COLUMNS,
            [...this.#tiers].sort((a, b) => a.level - b.level || a.position - b.position).map(tierRow),
          ) + '+OK\n'
        );
      default:
        return '';
    }
  }

  #queueApi(action: string, args: string[]): string {
    const [first, second, third] = args;
    switch (action) {
      case 'load':
      case 'reload':
        if (first === undefined) return '-ERR Invalid!\n';
        if (action === 'reload') this.#loaded.delete(first);
        return this.#getQueue(first) ? '+OK\n' : '-ERR Invalid Queue not found!\n';
      case 'unload':
        if (first === undefined) return '-ERR Invalid!\n';
        this.#loaded.delete(first);
        return '+OK\n';
      case 'list': {
        if (first === undefined) {
          let text = `${QUEUE_COLUMNS.join('|')}\n`;
          for (const q of this.#loaded.values()) text += `${queueRow(q).join('|')}\n`;
          return `${text}+OK\n`;
        }
        if (second === undefined) return '-ERR Invalid!\n';
        const rows = this.#queueSelection(first.toLowerCase(), second, third);
        if (rows === undefined) return '-ERR Invalid!\n';
        return this.#table(rows.columns, rows.rows) + '+OK\n';
      }
      case 'count': {
        if (first === undefined) return `${this.#loaded.size}\n`;
        if (second === undefined) return '-ERR Invalid!\n';
        const rows = this.#queueSelection(first.toLowerCase(), second, third);
        if (rows === undefined) return '-ERR Invalid!\n';
        return `${rows.rows.length}\n`;
      }
      default:
        return '';
    }
  }

  #queueSelection(
    what: string,
    queue: string,
    status: string | undefined,
  ): { columns: readonly string[]; rows: string[][] } | undefined {
    if (what === 'agents') {
      const names = new Set(this.#tiers.filter((t) => t.queue === queue).map((t) => t.agent));
      const agents = [...this.#agents.values()].filter(
        (a) => names.has(a.name) && (status === undefined || a.status === status),
      );
      return { columns: AGENT_COLUMNS, rows: agents.map(agentRow) };
    }
    if (what === 'members') {
      return { columns: MEMBER_COLUMNS, rows: this.#members.filter((m) => m.queue === queue).map(memberRow) };
    }
    if (what === 'tiers') {
      return { columns: TIER_COLUMNS, rows: this.#tiers.filter((t) => t.queue === queue).map(tierRow) };
    }
    return undefined;
  }

  /** list_result_callback(): a header line before the first row only, `|` separated. */
  #table(columns: readonly string[], rows: string[][]): string {
    if (rows.length === 0) return '';
    return `${columns.join('|')}\n${rows.map((row) => row.join('|')).join('\n')}\n`;
  }

  // ------------------------------------------------------------------------------ the member application

  #memberApp(channel: Channel, data: string, complete: (response?: string) => void): AppRun | undefined {
    const queueName = data.trim().split(/\s+/)[0] ?? '';
    const queue = queueName === '' ? undefined : this.#getQueue(queueName);
    if (queue === undefined) {
      this.#core.options.logger.info(`switch simulator: callcenter queue ${queueName} not found`);
      complete();
      return undefined;
    }
    this.#core.answer({ channel });
    const now = this.#nowSec();
    const memberUuid = randomUUID();
    channel.setVariable({ name: 'cc_side', value: 'member' });
    channel.setVariable({ name: 'cc_member_uuid', value: memberUuid });
    const cidName = channel.profile.callerIdName;
    const cidNumber = channel.profile.callerIdNumber;
    let baseScore = Number.parseInt(channel.getVariable({ name: 'cc_base_score' }) ?? '0', 10) || 0;
    const startEpoch = Math.floor(channel.times.answered / 1_000_000);
    if (queue.timeBaseScore === 'system') baseScore += now - startEpoch;
    this.#core.fire({
      event: this.#event('member-queue-start', SOURCES.memberApp, channel)
        .add({
          'CC-Queue': queueName,
          'CC-Action': 'member-queue-start',
          'CC-Member-UUID': memberUuid,
          'CC-Member-Session-UUID': channel.uuid,
          'CC-Member-CID-Name': cidName,
        })
        .add({ 'CC-Member-CID-Number': cidNumber }),
    });
    channel.setVariable({ name: 'cc_queue_joined_epoch', value: String(now) });
    channel.setVariable({ name: 'cc_queue', value: queueName });
    const member: Member = {
      queue: queueName,
      system: SYSTEM,
      uuid: memberUuid,
      sessionUuid: channel.uuid,
      cidNumber,
      cidName,
      systemEpoch: startEpoch,
      joinedEpoch: now,
      rejoinedEpoch: 0,
      bridgeEpoch: 0,
      abandonedEpoch: 0,
      baseScore,
      skillScore: 0,
      servingAgent: '',
      servingSystem: '',
      state: 'Waiting',
      waiting: undefined,
      offers: new Set(),
    };
    this.#members.push(member);
    this.#queueCount(queueName);

    let done = false;
    const leave = (reason: CancelReason | 'answered'): void => {
      if (done) return;
      done = true;
      member.waiting = undefined;
      if (reason === 'answered') {
        member.state = 'Answered';
        member.bridgeEpoch = this.#nowSec();
        channel.setVariable({ name: 'cc_cause', value: 'answered' });
      } else {
        member.state = 'Abandoned';
        member.sessionUuid = '';
        member.abandonedEpoch = this.#nowSec();
        for (const offer of [...member.offers]) offer.cancel({ cause: 'ORIGINATOR_CANCEL' });
        this.#core.fire({
          event: this.#event('member-queue-end', SOURCES.memberApp, channel)
            .add({
              'CC-Queue': queueName,
              'CC-Action': 'member-queue-end',
              'CC-Member-Leaving-Time': this.#nowSec(),
              'CC-Member-Joined-Time': member.joinedEpoch,
              'CC-Cause': 'Cancel',
              'CC-Cancel-Reason': reason,
              'CC-Member-UUID': memberUuid,
              'CC-Member-Session-UUID': channel.uuid,
              'CC-Member-CID-Name': cidName,
            })
            .add({ 'CC-Member-CID-Number': cidNumber }),
        });
        channel.setVariable({ name: 'cc_queue_canceled_epoch', value: String(this.#nowSec()) });
        channel.setVariable({ name: 'cc_cause', value: 'cancel' });
        channel.setVariable({ name: 'cc_cancel_reason', value: reason });
      }
      this.#queueCount(queueName);
      complete();
    };
    member.waiting = { channel, leave };
    this.#ensureTicker();
    this.#scheduleDispatch();
    return {
      discardsPrivateApps: true,
      // The caller hung up while waiting: the loop ends on a channel that is no longer ready.
      onHangup: () => leave('BREAK_OUT'),
      onBreak: () => leave('BREAK_OUT'),
    };
  }

  #onDtmf(channel: Channel, digit: string): void {
    const member = this.#members.find((m) => m.waiting?.channel === channel);
    const exitKeys = channel.getVariable({ name: 'cc_exit_keys' });
    if (member?.waiting && exitKeys?.includes(digit)) member.waiting.leave('EXIT_WITH_KEY');
  }

  // ------------------------------------------------------------------------------------------ dispatch

  #ensureTicker(): void {
    if (this.#stopTicker) return;
    this.#stopTicker = this.#core.scheduler.every({ ms: 100, run: () => this.#tick() });
  }

  #scheduleDispatch(): void {
    if (this.#dispatchQueued) return;
    this.#dispatchQueued = true;
    this.#core.scheduler.after({
      ms: 0,
      run: () => {
        this.#dispatchQueued = false;
        this.#dispatch();
      },
    });
  }

  #tick(): void {
    const now = this.#nowSec();
    // cc_member_thread_run: the queue's wait limits.
    for (const member of this.#members) {
      if (member.waiting === undefined) continue;
      const queue = this.#getQueue(member.queue);
      if (queue === undefined) continue;
      if (queue.maxWaitTime > 0 && queue.maxWaitTime <= now - member.joinedEpoch) {
        member.waiting.leave('TIMEOUT');
      } else if (
        queue.maxWaitTimeWithNoAgent > 0 &&
        member.joinedEpoch < queue.lastAgentExistCheck - queue.maxWaitTimeWithNoAgentTimeReached &&
        queue.lastAgentExistCheck - queue.lastAgentExist >= queue.maxWaitTimeWithNoAgent
      ) {
        member.waiting.leave('NO_AGENT_TIMEOUT');
      }
    }
    this.#dispatch();
    if (this.#members.length === 0) this.stop();
  }

  /** One pass of cc_agent_dispatch_thread_run: longest-waiting member first, each offered to one agent. */
  #dispatch(): void {
    const now = this.#nowSec();
    const candidates = this.#members
      .filter((m) => m.state === 'Waiting' || m.state === 'Abandoned')
      .sort((a, b) => now - b.joinedEpoch + b.baseScore - (now - a.joinedEpoch + a.baseScore));
    for (const member of candidates) {
      const queue = this.#getQueue(member.queue);
      if (queue === undefined) continue;
      if (member.state === 'Abandoned') {
        const abandoned = member.abandonedEpoch || member.joinedEpoch;
        if (abandoned + queue.discardAbandonedAfter < now)
          this.#members = this.#members.filter((m) => m !== member);
        continue;
      }
      if (member.waiting === undefined) continue;
      const found = this.#offerToAgent(member, queue, now);
      queue.lastAgentExistCheck = now;
      if (found) queue.lastAgentExist = now;
    }
  }

  /** agents_callback(): returns whether any agent was logged in for the queue (for max-wait-with-no-agent). */
  #offerToAgent(member: Member, queue: Queue, now: number): boolean {
    const rows = this.#tiers
      .filter((t) => t.queue === queue.name)
      .flatMap((tier) => {
        const agent = this.#agents.get(tier.agent);
        return agent && ['Available', 'On Break', 'Available (On Demand)'].includes(agent.status)
          ? [{ tier, agent }]
          : [];
      });
    const strategy = queue.strategy.toLowerCase();
    const byLevel = (a: { tier: Tier }, b: { tier: Tier }): number => a.tier.level - b.tier.level;
    const sorters: Record<
      string,
      (a: { tier: Tier; agent: Agent }, b: { tier: Tier; agent: Agent }) => number
    > = {
      'longest-idle-agent': (a, b) =>
        byLevel(a, b) ||
        a.agent.lastOfferedCall - b.agent.lastOfferedCall ||
        a.tier.position - b.tier.position,
      'agent-with-least-talk-time': (a, b) =>
        byLevel(a, b) || a.agent.talkTime - b.agent.talkTime || a.tier.position - b.tier.position,
      'agent-with-fewest-calls': (a, b) =>
        byLevel(a, b) || a.agent.callsAnswered - b.agent.callsAnswered || a.tier.position - b.tier.position,
    };
    if (strategy === 'random') {
      const random = this.#core.options.random;
      const keyed = rows.map((row) => ({ row, key: random.next() }));
      keyed.sort((a, b) => byLevel(a.row, b.row) || a.key - b.key);
      rows.splice(0, rows.length, ...keyed.map((k) => k.row));
    } else if (strategy === 'round-robin') {
      rows.sort((a, b) => byLevel(a, b) || a.tier.position - b.tier.position);
      const start = this.#roundRobinCursor % Math.max(1, rows.length);
      rows.push(...rows.splice(0, start));
    } else {
      const sorter =
        sorters[strategy] ??
        ((a, b) =>
          byLevel(a, b) ||
          a.tier.position - b.tier.position ||
          a.agent.lastOfferedCall - b.agent.lastOfferedCall);
      rows.sort(sorter);
    }
    let tierLevel = 0;
    let tierAgentAvailable = 0;
    let agentFound = false;
    for (const { tier, agent } of rows) {
      agentFound = true;
      if (queue.tierRulesApply && tier.level > tierLevel) {
        const waited = now - member.joinedEpoch;
        if (queue.tierRuleNoAgentNoWait && tierAgentAvailable === 0) {
          tierLevel = tier.level;
        } else if (queue.tierRuleWaitMultiplyLevel && waited >= tier.level * queue.tierRuleWaitSecond) {
          tierLevel = tier.level;
          tierAgentAvailable = 0;
        } else if (!queue.tierRuleWaitMultiplyLevel && waited >= queue.tierRuleWaitSecond) {
          tierLevel = tier.level;
          tierAgentAvailable = 0;
        } else {
          break;
        }
      }
      tierAgentAvailable++;
      const contactable =
        (tier.state === 'No Answer' || tier.state === 'Ready') &&
        agent.state === 'Waiting' &&
        agent.lastBridgeEnd < now - agent.wrapUpTime &&
        agent.readyTime <= now &&
        agent.status !== 'On Break';
      if (!contactable) continue;
      if (strategy === 'round-robin') this.#roundRobinCursor++;
      this.#offer(member, agent, queue);
      break;
    }
    return agentFound;
  }

  /** The agent thread: offer, ring the agent, bridge or give the member back. */
  #offer(member: Member, agent: Agent, queue: Queue): void {
    const waiting = member.waiting;
    if (waiting === undefined) return;
    this.#agentUpdate('state', 'Receiving', agent.name);
    for (const tier of this.#tiers) {
      if (tier.agent !== agent.name) continue;
      if (tier.queue === queue.name) tier.state = 'Offering';
      else if (tier.state === 'Ready') tier.state = 'Standby';
    }
    member.servingAgent = agent.name;
    member.servingSystem = SYSTEM;
    member.state = 'Trying';
    this.#core.fire({
      event: this.#event('agent-offering', SOURCES.agentThread)
        .add({
          'CC-Queue': queue.name,
          'CC-Action': 'agent-offering',
          'CC-Agent': agent.name,
          'CC-Agent-Type': agent.type,
          'CC-Agent-System': agent.system,
          'CC-Member-UUID': member.uuid,
          'CC-Member-Session-UUID': member.sessionUuid,
          'CC-Member-CID-Name': member.cidName,
        })
        .add({ 'CC-Member-CID-Number': member.cidNumber }),
    });
    const agentCalled = this.#nowSec();
    const agentStatus = agent.status;
    // The agent thread learns the outcome on its own time, after whatever cascade produced it.
    const onResult = (result: OriginateResult): void => {
      this.#core.scheduler.after({
        ms: 0,
        run: () => this.#offerResult({ member, agent, queue, agentCalled, agentStatus, result }),
      });
    };
    if (agent.type.toLowerCase() === 'uuid-standby') {
      const standby = this.#core.channel({ uuid: agent.uuid });
      if (standby && !standby.isDown) {
        onResult({ ok: true, channel: standby });
      } else {
        this.#agentUpdate('status', 'Logged Out', agent.name);
        this.#agentUpdate('uuid', '', agent.name);
        onResult({ ok: false, cause: 'NONE' });
      }
      return;
    }
    const variables = new Map([
      ['cc_queue', queue.name],
      ['cc_member_uuid', member.uuid],
      ['cc_member_session_uuid', member.sessionUuid],
      ['cc_member_pre_answer_uuid', member.uuid],
      ['cc_agent', agent.name],
      ['cc_agent_type', agent.type],
      ['cc_side', 'agent'],
      ['ignore_early_media', 'true'],
    ]);
    const handle = this.#core.originate({
      dialString: agent.contact,
      callerIdName: member.cidName,
      callerIdNumber: member.cidNumber,
      timeoutSec: 60,
      variables,
      onResult: (result) => {
        member.offers.delete(handle);
        onResult(result);
      },
    });
    member.offers.add(handle);
  }

  #offerResult(options: {
    member: Member;
    agent: Agent;
    queue: Queue;
    agentCalled: number;
    agentStatus: string;
    result: OriginateResult;
  }): void {
    const { member, agent, queue, agentCalled, agentStatus, result } = options;
    const memberChannel = member.waiting?.channel;
    if (result.ok && (memberChannel === undefined || memberChannel.isDown)) {
      // The caller left while the agent's phone was being answered.
      this.#core.hangup({ channel: result.channel, cause: 'ORIGINATOR_CANCEL' });
      this.#agentFinished(agent, queue, 'Ready', agentStatus);
      return;
    }
    if (!result.ok || memberChannel === undefined) {
      const cause = result.ok ? 'NONE' : result.cause;
      this.#offerFailed(member, agent, queue, cause, agentStatus);
      return;
    }
    const agentChannel = result.channel;
    agentChannel.setVariable({ name: 'cc_member_pre_answer_uuid', value: undefined });
    const answeredAt = this.#nowSec();
    const base = (action: string, channel: Channel): ReturnType<SwitchCore['createEvent']> =>
      this.#event(action, SOURCES.agentThread, channel).add({ 'CC-Queue': queue.name, 'CC-Action': action });
    this.#core.fire({
      event: base('bridge-agent-start', agentChannel)
        .add({
          'CC-Agent': agent.name,
          'CC-Agent-System': agent.system,
          'CC-Agent-UUID': agentChannel.uuid,
          'CC-Agent-Called-Time': agentCalled,
          'CC-Agent-Answered-Time': answeredAt,
          'CC-Member-Joined-Time': member.joinedEpoch,
          'CC-Member-UUID': member.uuid,
          'CC-Member-Session-UUID': member.sessionUuid,
          'CC-Member-CID-Name': member.cidName,
        })
        .add({ 'CC-Member-CID-Number': member.cidNumber }),
    });
    memberChannel.setVariable({ name: 'cc_agent', value: agent.name });
    memberChannel.setVariable({ name: 'cc_queue_answered_epoch', value: String(answeredAt) });
    agent.uuid = agentChannel.uuid;
    agent.lastBridgeStart = answeredAt;
    agent.callsAnswered++;
    agent.noAnswerCount = 0;
    const tier = this.#tiers.find((t) => t.queue === queue.name && t.agent === agent.name);
    if (tier) tier.state = 'Active Inbound';
    this.#agentUpdate('state', 'In a queue call', agent.name);
    if (queue.recordTemplate !== undefined) {
      const path = this.#core.expand({ channel: memberChannel, text: queue.recordTemplate });
      memberChannel.setVariable({ name: 'cc_record_filename', value: path });
      this.#core.startRecording({ channel: memberChannel, path });
    }
    memberChannel.setVariable({ name: 'cc_agent_uuid', value: agentChannel.uuid });
    memberChannel.setVariable({ name: 'cc_agent_found', value: 'true' });
    // The member leaves the callcenter application (answered) and is bridged by uuid_bridge.
    this.#core.abandonDialplan({ channel: memberChannel });
    member.waiting?.leave('answered');
    memberChannel.setVariable({ name: 'cc_agent_found', value: undefined });
    this.#core.uuidBridge({ a: memberChannel, b: agentChannel });

    let ended = false;
    const bridgeEnded = (): void => {
      if (ended) return;
      ended = true;
      // The agent thread polls every 100 ms; it reports after the hang-up cascade, before CHANNEL_HANGUP_COMPLETE.
      this.#core.scheduler.after({
        ms: 0,
        run: () => {
          const now = this.#nowSec();
          this.#core.fire({
            event: base('bridge-agent-end', agentChannel)
              .add({
                'CC-Hangup-Cause': agentChannel.hangupCause ?? 'NONE',
                'CC-Agent': agent.name,
                'CC-Agent-System': agent.system,
                'CC-Agent-UUID': agentChannel.uuid,
                'CC-Agent-Called-Time': agentCalled,
                'CC-Agent-Answered-Time': answeredAt,
                'CC-Member-Joined-Time': member.joinedEpoch,
                'CC-Bridge-Terminated-Time': now,
                'CC-Member-UUID': member.uuid,
                'CC-Member-Session-UUID': member.sessionUuid,
                'CC-Member-CID-Name': member.cidName,
              })
              .add({ 'CC-Member-CID-Number': member.cidNumber }),
          });
          memberChannel.setVariable({ name: 'cc_queue_terminated_epoch', value: String(now) });
          if (agent.type.toLowerCase() !== 'uuid-standby') agent.uuid = '';
          agent.lastBridgeEnd = now;
          agent.talkTime += now - agent.lastBridgeStart;
          this.#members = this.#members.filter((m) => m !== member);
          this.#core.fire({
            event: base('member-queue-end', memberChannel)
              .add({
                'CC-Hangup-Cause': memberChannel.hangupCause ?? 'NONE',
                'CC-Cause': 'Terminated',
                'CC-Agent': agent.name,
                'CC-Agent-System': agent.system,
                'CC-Agent-UUID': agentChannel.uuid,
                'CC-Agent-Called-Time': agentCalled,
                'CC-Agent-Answered-Time': answeredAt,
                'CC-Member-Leaving-Time': now,
                'CC-Member-Joined-Time': member.joinedEpoch,
                'CC-Member-UUID': member.uuid,
                'CC-Member-Session-UUID': member.sessionUuid,
                'CC-Member-CID-Name': member.cidName,
              })
              .add({ 'CC-Member-CID-Number': member.cidNumber }),
          });
          this.#agentFinished(agent, queue, 'Ready', agentStatus);
        },
      });
    };
    this.#core.onChannelHangup({ channel: memberChannel, run: bridgeEnded });
    this.#core.onChannelHangup({ channel: agentChannel, run: bridgeEnded });
  }

  #offerFailed(member: Member, agent: Agent, queue: Queue, cause: string, agentStatus: string): void {
    if (member.state === 'Trying' && member.servingAgent === agent.name) {
      member.state = 'Waiting';
      member.servingAgent = '';
      member.servingSystem = '';
    }
    let delay = 0;
    let tierState = 'Ready';
    if (cause === 'ORIGINATOR_CANCEL') {
      // ring-all losers and offers withdrawn because the caller left: no penalty.
    } else if (cause === 'NORMAL_CIRCUIT_CONGESTION' || cause === 'USER_BUSY') {
      delay = agent.busyDelayTime;
    } else if (cause === 'CALL_REJECTED') {
      delay = agent.rejectDelayTime;
    } else {
      delay = agent.noAnswerDelayTime;
      tierState = 'No Answer';
      agent.noAnswerCount++;
      if (agent.maxNoAnswer > 0 && agent.noAnswerCount >= agent.maxNoAnswer) {
        this.#agentUpdate('status', 'On Break', agent.name);
        this.#core.fire({
          event: this.#event('agent-max-no-answer', SOURCES.agentThread)
            .add({ 'CC-Queue': queue.name, 'CC-Action': 'agent-max-no-answer', 'CC-Agent': agent.name })
            .add({ 'CC-Agent-System': agent.system }),
        });
      }
    }
    if (delay > 0) agent.readyTime = this.#nowSec() + delay;
    this.#core.fire({
      event: this.#event('bridge-agent-fail', SOURCES.agentThread)
        .add({
          'CC-Queue': queue.name,
          'CC-Action': 'bridge-agent-fail',
          'CC-Hangup-Cause': cause,
          'CC-Agent': agent.name,
          'CC-Agent-System': agent.system,
          'CC-Member-UUID': member.uuid,
          'CC-Member-Session-UUID': member.sessionUuid,
          'CC-Member-CID-Name': member.cidName,
        })
        .add({ 'CC-Member-CID-Number': member.cidNumber }),
    });
    this.#agentFinished(agent, queue, tierState, agentStatus);
  }

  /** The thread's `done:` section: tiers back to ready, the agent waits again (Idle when On Demand). */
  #agentFinished(agent: Agent, queue: Queue, tierState: string, agentStatus: string): void {
    for (const tier of this.#tiers) {
      if (tier.agent !== agent.name) continue;
      if (tier.queue === queue.name && ['Active Inbound', 'Standby', 'Offering'].includes(tier.state))
        tier.state = tierState;
      else if (tier.queue !== queue.name && tier.state === 'Standby') tier.state = 'Ready';
    }
    this.#agentUpdate('state', agentStatus === 'Available (On Demand)' ? 'Idle' : 'Waiting', agent.name);
  }
}

const AGENT_COLUMNS = [
  'name',
  'system',
  'uuid',
  'type',
  'contact',
  'status',
  'state',
  'max_no_answer',
  'wrap_up_time',
  'reject_delay_time',
  'busy_delay_time',
  'no_answer_delay_time',
  'last_bridge_start',
  'last_bridge_end',
  'last_offered_call',
  'last_status_change',
  'no_answer_count',
  'calls_answered',
  'talk_time',
  'ready_time',
] as const;

function agentRow(a: Agent): string[] {
  return [
    a.name,
    a.system,
    a.uuid,
    a.type,
    a.contact,
    a.status,
    a.state,
    a.maxNoAnswer,
    a.wrapUpTime,
    a.rejectDelayTime,
    a.busyDelayTime,
    a.noAnswerDelayTime,
    a.lastBridgeStart,
    a.lastBridgeEnd,
    a.lastOfferedCall,
    a.lastStatusChange,
    a.noAnswerCount,
    a.callsAnswered,
    a.talkTime,
    a.readyTime,
  ].map(String);
}

const TIER_COLUMNS = ['queue', 'agent', 'state', 'level', 'position'] as const;

function tierRow(t: Tier): string[] {
  return [t.queue, t.agent, t.state, String(t.level), String(t.position)];
}

const MEMBER_COLUMNS = [
  'queue',
  'system',
  'uuid',
  'session_uuid',
  'cid_number',
  'cid_name',
  'system_epoch',
  'joined_epoch',
  'rejoined_epoch',
  'bridge_epoch',
  'abandoned_epoch',
  'base_score',
  'skill_score',
  'serving_agent',
  'serving_system',
  'state',
] as const;

function memberRow(m: Member): string[] {
  return [
    m.queue,
    m.system,
    m.uuid,
    m.sessionUuid,
    m.cidNumber,
    m.cidName,
    m.systemEpoch,
    m.joinedEpoch,
    m.rejoinedEpoch,
    m.bridgeEpoch,
    m.abandonedEpoch,
    m.baseScore,
    m.skillScore,
    m.servingAgent,
    m.servingSystem,
    m.state,
  ].map(String);
}

const QUEUE_COLUMNS = [
  'name',
  'strategy',
  'moh_sound',
  'time_base_score',
  'tier_rules_apply',
  'tier_rule_wait_second',
  'tier_rule_wait_multiply_level',
  'tier_rule_no_agent_no_wait',
  'discard_abandoned_after',
  'abandoned_resume_allowed',
  'max_wait_time',
  'max_wait_time_with_no_agent',
  'max_wait_time_with_no_agent_time_reached',
  'record_template',
] as const;

function queueRow(q: Queue): string[] {
  return [
    q.name,
    q.strategy,
    q.mohSound,
    q.timeBaseScore,
    String(q.tierRulesApply),
    String(q.tierRuleWaitSecond),
    String(q.tierRuleWaitMultiplyLevel),
    String(q.tierRuleNoAgentNoWait),
    String(q.discardAbandonedAfter),
    String(q.abandonedResumeAllowed),
    String(q.maxWaitTime),
    String(q.maxWaitTimeWithNoAgent),
    String(q.maxWaitTimeWithNoAgentTimeReached),
    q.recordTemplate ?? '(null)',
  ];
}
