/**
 * Scenarios: a stream of simulated citizens calling in, for demos, load and training mode. Callers arrive
 * as a Poisson process (`arrivalsPerMinute`), are drawn from a population of numbers and names, talk for a
 * drawn time once an agent answers, and hang up in the queue when their drawn patience runs out. The same seed
 * replays the same day.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { z } from 'zod';
import { AGENT_STATUSES, queueConfigSchema, type CallCenter } from './callcenter';
import { Scheduler, type SimClock } from './clock';
import { createRandom, distributionSchema, sampleDistribution, type Random } from './random';
import type { PhoneBehaviour } from './switch-core';

export const callerSchema = z
  .object({
    /** As the carrier would send it: separators people write (`0571-8888 8888`) are dropped. */
    number: z
      .string()
      .transform((text) => text.replace(/[\s\-().]/g, ''))
      .pipe(z.string().regex(/^\+?[0-9*#]{3,32}$/, 'a phone number (digits, optionally a leading +)')),
    name: z.string().max(200).default(''),
  })
  .strict();
export type Caller = z.output<typeof callerSchema>;

export const scenarioAgentSchema = z
  .object({
    name: z.string().min(1),
    /** Dial string of the seat, e.g. `user/1001`. */
    contact: z.string().min(1),
    status: z.enum(AGENT_STATUSES).default('Available'),
    /** Queues this agent serves (a tier at level 1 in each). */
    queues: z.array(z.string().min(1)).default([]),
    /** `manual`: the seat rings until someone answers it (uuid_answer) — training mode. */
    answer: z.enum(['auto', 'manual', 'never', 'busy', 'reject']).default('auto'),
    ringSeconds: z.number().nonnegative().default(3),
    wrapUpTime: z.number().int().nonnegative().optional(),
    maxNoAnswer: z.number().int().nonnegative().optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().min(1).default('scenario'),
    seed: z.number().int().default(1),
    arrivalsPerMinute: z.number().positive().max(6000),
    /** Stop sending new callers after this long (calls in progress finish). */
    durationMinutes: z.number().positive().optional(),
    maxCalls: z.number().int().positive().optional(),
    /** The number citizens dial (Caller-Destination-Number), which the dialplan routes. */
    destination: z.string().min(1).default('12345'),
    /** Callers inline, or a file next to the scenario: JSON array, or CSV lines `number,name`. */
    population: z.union([z.string().min(1), z.array(callerSchema).min(1)]),
    talkTimeSeconds: distributionSchema,
    /** How long a caller waits for an agent before hanging up; omitted, nobody abandons. */
    patienceSeconds: distributionSchema.optional(),
    /** Share of answered calls the caller ends (the agent ends the rest). */
    callerHangsUpShare: z.number().min(0).max(1).default(1),
    queues: z.array(queueConfigSchema).default([]),
    agents: z.array(scenarioAgentSchema).default([]),
  })
  .strict();
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = Omit<z.output<typeof scenarioSchema>, 'population'> & { population: Caller[] };

function parsePopulationText(text: string, format: 'json' | 'csv'): Caller[] {
  if (format === 'json') return z.array(callerSchema).min(1).parse(JSON.parse(text));
  const rows = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const body = rows[0]?.toLowerCase().startsWith('number') ? rows.slice(1) : rows;
  return z
    .array(callerSchema)
    .min(1)
    .parse(
      body.map((line) => {
        const comma = line.indexOf(',');
        return comma < 0
          ? { number: line }
          : { number: line.slice(0, comma).trim(), name: line.slice(comma + 1).trim() };
      }),
    );
}

/** Validates a scenario; a population file is read relative to `baseDir`. */
export function parseScenario(options: { input: unknown; baseDir: string }): Scenario {
  const parsed = scenarioSchema.parse(options.input);
  let population: Caller[];
  if (typeof parsed.population === 'string') {
    const path = resolve(options.baseDir, parsed.population);
    const format = extname(path).toLowerCase() === '.json' ? 'json' : 'csv';
    population = parsePopulationText(readFileSync(path, 'utf8'), format);
  } else {
    population = parsed.population;
  }
  return { ...parsed, population };
}

/** Reads and validates a scenario file (JSON). */
export function loadScenario(options: { path: string }): Scenario {
  const path = resolve(options.path);
  const input: unknown = JSON.parse(readFileSync(path, 'utf8'));
  return parseScenario({ input, baseDir: dirname(path) });
}

/** What the runner needs from the simulator. */
export type ScenarioHost = {
  clock: SimClock;
  callCenter(): CallCenter;
  setPhone(options: { target: string; behaviour: PhoneBehaviour }): void;
  placeInboundCall(options: {
    callerNumber: string;
    callerName: string;
    destination: string;
    patienceMs: number | undefined;
    talkMs: number;
    hangupBy: 'caller' | 'callee';
  }): void;
};

export class ScenarioRunner {
  readonly scenario: Scenario;
  readonly #host: ScenarioHost;
  readonly #scheduler: Scheduler;
  readonly #random: Random;
  #calls = 0;
  #startedAt = 0;
  #running = false;

  constructor(options: { scenario: Scenario; host: ScenarioHost }) {
    this.scenario = options.scenario;
    this.#host = options.host;
    this.#scheduler = new Scheduler({ clock: options.host.clock });
    this.#random = createRandom({ seed: options.scenario.seed });
  }

  get callsPlaced(): number {
    return this.#calls;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Provisions the scenario's queues and agents, then starts the arrivals. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = this.#host.clock.now();
    const callCenter = this.#host.callCenter();
    for (const queue of this.scenario.queues) {
      callCenter.configureQueue({ queue });
      callCenter.api({ args: `queue load ${queue.name}` });
    }
    for (const agent of this.scenario.agents) {
      callCenter.configureAgent({
        agent: {
          name: agent.name,
          contact: agent.contact,
          status: agent.status,
          wrapUpTime: agent.wrapUpTime,
          maxNoAnswer: agent.maxNoAnswer,
        },
      });
      for (const queue of agent.queues) callCenter.api({ args: `tier add ${queue} ${agent.name} 1 1` });
      const extension = /^user\/([^@]+)/.exec(agent.contact)?.[1];
      if (extension !== undefined) {
        this.#host.setPhone({
          target: extension,
          behaviour: { answer: agent.answer, ringMs: agent.ringSeconds * 1000 },
        });
      }
    }
    this.#scheduleNext();
  }

  stop(): void {
    this.#running = false;
    this.#scheduler.cancelAll();
  }

  #scheduleNext(): void {
    const meanGapMs = 60_000 / this.scenario.arrivalsPerMinute;
    const gapMs = -meanGapMs * Math.log(1 - this.#random.next());
    this.#scheduler.after({ ms: gapMs, run: () => this.#arrive() });
  }

  #arrive(): void {
    const { scenario } = this;
    const elapsedMinutes = (this.#host.clock.now() - this.#startedAt) / 60_000;
    if (
      (scenario.durationMinutes !== undefined && elapsedMinutes > scenario.durationMinutes) ||
      (scenario.maxCalls !== undefined && this.#calls >= scenario.maxCalls)
    ) {
      this.stop();
      return;
    }
    this.#calls++;
    const caller = scenario.population[Math.floor(this.#random.next() * scenario.population.length)];
    if (caller !== undefined) {
      const talkMs =
        sampleDistribution({ random: this.#random, distribution: scenario.talkTimeSeconds }) * 1000;
      const patienceMs = scenario.patienceSeconds
        ? sampleDistribution({ random: this.#random, distribution: scenario.patienceSeconds }) * 1000
        : undefined;
      this.#host.placeInboundCall({
        callerNumber: caller.number,
        callerName: caller.name,
        destination: scenario.destination,
        patienceMs,
        talkMs,
        hangupBy: this.#random.next() < scenario.callerHangsUpShare ? 'caller' : 'callee',
      });
    }
    if (scenario.maxCalls !== undefined && this.#calls >= scenario.maxCalls) {
      this.stop();
      return;
    }
    this.#scheduleNext();
  }
}
