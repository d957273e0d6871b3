import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { HubConfig, HubReply, HubRequest, HubUsage } from './hub-protocol';

/** The bench's side of a hub process: start it, ask it for its CPU, bytes and idleness, stop it. */
export class HubProcess {
  readonly port: number;
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    child.on('message', (reply: HubReply) => {
      const waiter = this.#waiting.get(reply.id);
      if (!waiter) return;
      this.#waiting.delete(reply.id);
      if (reply.error !== undefined) waiter.reject(new Error(`hub: ${reply.error}`));
      else waiter.resolve(reply.result);
    });
    child.on('exit', (code) => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`hub exited (${code})`));
      this.#waiting.clear();
    });
  }

  /** `execArgv` adds Node options (e.g. `--cpu-prof` to see where the hub's time goes). */
  static start(config: HubConfig, options: { execArgv?: string[] } = {}): Promise<HubProcess> {
    const child = fork(fileURLToPath(new URL('./hub-process.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
      env: { ...process.env, HUB_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`hub process exited early (${code})`));
      child.once('exit', onExit);
      child.once('message', (reply: HubReply) => {
        child.off('exit', onExit);
        const port = (reply.result as { port: number } | undefined)?.port;
        if (reply.id !== 0 || port === undefined) {
          reject(new Error('hub process did not start'));
          return;
        }
        resolve(new HubProcess(child, port));
      });
    });
  }

  usage(): Promise<HubUsage> {
    return this.#request('usage') as Promise<HubUsage>;
  }

  async idle(): Promise<void> {
    await this.#request('idle');
  }

  seq(): Promise<number> {
    return this.#request('seq') as Promise<number>;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    await this.#request('stop');
    await exited;
  }

  #request(op: HubRequest['op']): Promise<unknown> {
    const id = this.#nextId++;
    const request: HubRequest = { id, op };
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#child.send(request);
    });
  }
}

/** CPU seconds between two usage snapshots of the hub. */
export function hubCpuSeconds(before: HubUsage, after: HubUsage): number {
  return (after.cpuUserUs - before.cpuUserUs + after.cpuSystemUs - before.cpuSystemUs) / 1e6;
}
