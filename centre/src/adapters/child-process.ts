import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Service } from '../ports/service';

/** Writes one line of the centre's console output. */
export type LineSink = (line: string) => void;

/**
 * A product process (`node --import tsx src/main.ts` in a package folder) as a service: its output lines
 * prefixed with its name; `stop()` sends SIGTERM (the hub and the appliances stop cleanly on it), waits,
 * and SIGKILLs it after the deadline.
 */
export class ChildProcessService implements Service {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<number | null> | undefined;
  private readonly recent: string[] = [];

  constructor(
    private readonly options: {
      name: string;
      cwd: string;
      args: readonly string[];
      env: Record<string, string>;
      out: LineSink;
      /** How long `stop()` waits before SIGKILL. */
      stopDeadlineMs?: number;
      prefixWidth?: number;
    },
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Whether the process has exited (or was never started). */
  get exited(): boolean {
    return this.child === undefined || this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Its exit code, once exited (null when killed by a signal). */
  get exit(): Promise<number | null> {
    return this.exitPromise ?? Promise.resolve(null);
  }

  /** Its last lines of output, for an error message. */
  tail(): string {
    return this.recent.join('\n');
  }

  start(): Promise<void> {
    const { name, out } = this.options;
    const prefix = `[${name}]`.padEnd(this.options.prefixWidth ?? 10);
    const child = spawn(process.execPath, [...this.options.args], {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exitPromise = new Promise((resolveExit) => {
      child.once('exit', (code) => resolveExit(code));
      child.once('error', (error) => {
        out(`${prefix} ${error.message}`);
        resolveExit(null);
      });
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        this.recent.push(line);
        if (this.recent.length > 40) this.recent.shift();
        out(`${prefix} ${line}`);
      });
    }
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || this.exited) return;
    child.kill('SIGTERM');
    const deadline = this.options.stopDeadlineMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exit.then(() => false),
      new Promise<boolean>((resolveTimeout) => {
        timer = setTimeout(() => resolveTimeout(true), deadline);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut && !this.exited) {
      this.options.out(`[centre] ${this.options.name} did not stop in ${deadline / 1000} s: SIGKILL`);
      child.kill('SIGKILL');
      await this.exit;
    }
  }
}

/** Runs a command to its end with prefixed output (the PWA build); resolves with its exit code. */
export function runToEnd(options: {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  out: LineSink;
}): Promise<number | null> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${options.name}]`;
  for (const stream of [child.stdout, child.stderr])
    if (stream !== null)
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) =>
        options.out(`${prefix} ${line}`),
      );
  return new Promise((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
    child.once('error', (error) => {
      options.out(`${prefix} ${error.message}`);
      resolveExit(null);
    });
  });
}
