import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The hub's and the appliance's settings: a developer's own must not leak into the processes under test. */
const PRODUCT_SETTING =
  /^(?:JZ_.*|COUNTY|DATA_DIR|HTTPS?_(?:HOST|PORT)|ESL_.*|HUB_.*|RECORDINGS_DIR|BOOTSTRAP_ADMIN_PASSWORD|ADMIN_TOKEN|CONFIG_FILE|TLS_.*|PWA_DIR|SIMULATOR_SCENARIO|SMS_.*|PROVISIONING_FILE|DATABASE_URL)$/;

/** A product process the tests started: its output so far and its exit. */
export type Proc = {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
};

const children = new Set<ChildProcess>();

/** SIGKILLs every process still running (a test's afterAll, and the worker's exit as a last resort). */
export function killAll(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
// Even if vitest tears the worker down without running afterAll, no child may outlive it.
process.once('exit', killAll);

/** Runs `src/main.ts` of the hub (`edge`) or an appliance as its own Node process, with only `env` as settings. */
export function spawnPackage(options: {
  name: string;
  pkg: 'edge' | 'appliance';
  env: Record<string, string>;
}): Proc {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!PRODUCT_SETTING.test(key)) env[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(root, options.pkg),
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { name: options.name, child, output: () => output, exited };
}

/**
 * The URL a process prints once it listens (`URL: http://…`). Two minutes: on a loaded 2-core machine a
 * first start (PGlite initdb, migrations) has taken close to one.
 */
export async function urlOf(proc: Proc): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const match = /URL: (http:\/\/\S+)/.exec(proc.output());
    if (match?.[1] !== undefined) return match[1];
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${proc.name} printed no URL:\n${proc.output()}`);
    await sleep(50);
  }
}

/** SIGTERM, and SIGKILL if the process has not exited after `graceMs`. */
export async function stopProc(proc: Proc, graceMs = 10_000): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  await Promise.race([proc.exited, sleep(graceMs)]);
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  await proc.exited;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
