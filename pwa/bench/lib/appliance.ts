// A real appliance process serving the built PWA, started the way the end-to-end tests start it
// (test/src/support/processes.ts; copied, since nothing imports the test package).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/** The repository's root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The appliance's settings: a developer's own must not leak into the process under measure. */
const PRODUCT_SETTING =
  /^(?:JZ_.*|COUNTY|DATA_DIR|HTTPS?_(?:HOST|PORT)|ESL_.*|HUB_.*|RECORDINGS_DIR|BOOTSTRAP_ADMIN_PASSWORD|ADMIN_TOKEN|CONFIG_FILE|TLS_.*|PWA_DIR|SIMULATOR_SCENARIO|SMS_.*|PROVISIONING_FILE)$/;

export type Proc = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
};

const children = new Set<ChildProcess>();

/** SIGKILLs every child still running: the last resort when the bench dies. */
export function killAll(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.once('exit', killAll);

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** `node --import tsx src/main.ts` in appliance/, with only `env` as its settings. */
export function spawnAppliance(env: Record<string, string>): Proc {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!PRODUCT_SETTING.test(key)) base[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(root, 'appliance'),
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** The URL the appliance prints once it listens (`URL: http://…`). */
export async function urlOf(proc: Proc): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /URL: (http:\/\/\S+)/.exec(proc.output());
    if (match?.[1] !== undefined) return match[1];
    if (proc.child.exitCode !== null) throw new Error(`the appliance exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`the appliance printed no URL:\n${proc.output()}`);
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
