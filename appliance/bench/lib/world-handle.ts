import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  BurstResult,
  CallTiming,
  PlaceResult,
  PlannedCall,
  WorldConfig,
  WorldReply,
  WorldRequest,
  WorldUsage,
} from './world-protocol';

type Request = WorldRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The bench's side of the world process (world-process.ts): the switch simulator and a console. */
export class WorldProcess {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    child.on('message', (reply: WorldReply) => {
      const waiter = this.#waiting.get(reply.id);
      if (!waiter) return;
      this.#waiting.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(`world: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    child.on('exit', (code) => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`world process exited (${code})`));
      this.#waiting.clear();
    });
  }

  static start(config: WorldConfig): Promise<WorldProcess> {
    const child = fork(fileURLToPath(new URL('./world-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, WORLD_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`world process exited early (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: WorldReply) => {
        child.off('exit', onExit);
        const port = (reply.result as { port: number } | undefined)?.port;
        if (reply.id !== 0 || port === undefined) {
          reject(new Error('world process did not start'));
          return;
        }
        resolve(new WorldProcess(child, port));
      });
    });
  }

  /**
   * The world's wall clock against ours: µs to add to a world time to get ours, from the round trip with
   * the smallest delay (its error is at most half that round trip, also returned).
   */
  async clockOffset(samples = 20): Promise<{ offsetUs: number; errorUs: number }> {
    const wallUs = () => (performance.timeOrigin + performance.now()) * 1000;
    let best = { offsetUs: 0, errorUs: Number.POSITIVE_INFINITY };
    for (let i = 0; i < samples; i++) {
      const sent = wallUs();
      const theirs = (await this.#request({ op: 'clock' })) as number;
      const received = wallUs();
      const errorUs = (received - sent) / 2;
      if (errorUs < best.errorUs) best = { offsetUs: (sent + received) / 2 - theirs, errorUs };
    }
    return best;
  }

  async connectConsole(url: string): Promise<void> {
    await this.#request({ op: 'console', url });
  }

  place(options: {
    label: string;
    calls: PlannedCall[];
    ratePerSecond: number;
    maxBacklog: number;
  }): Promise<PlaceResult> {
    return this.#request({ op: 'place', ...options }) as Promise<PlaceResult>;
  }

  timings(label: string): Promise<CallTiming[]> {
    return this.#request({ op: 'timings', label }) as Promise<CallTiming[]>;
  }

  burstEvents(count: number): Promise<BurstResult> {
    return this.#request({ op: 'burst-events', count }) as Promise<BurstResult>;
  }

  usage(): Promise<WorldUsage> {
    return this.#request({ op: 'usage' }) as Promise<WorldUsage>;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.#request({ op: 'stop' });
    await exited;
  }

  kill(): void {
    this.#child.kill();
  }

  #request(request: Request): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      const message: WorldRequest = { ...request, id };
      this.#child.send(message);
    });
  }
}
