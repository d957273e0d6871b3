/**
 * `npm start` for real: the centre's `src/main.ts` as its own process, in a temporary data directory on
 * free ports, with its hub and two appliances as its children. Started, used, stopped with SIGINT; started
 * again as if the first start had been interrupted while seeding a county (it resumes without making that
 * county's orders twice); and started again on the same data. Slow (three PGlite databases on a first start): run alone with
 * `npx vitest run --project centre src/main.process.test.ts`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, onTestFailed, test } from 'vitest';
import { READY_LINE } from './domain/banner';
import { DEMO_PASSWORD } from './domain/demo-logins';
import { HUB_PORT_OFFSET } from './domain/centre-config';
import { PRODUCT_SETTING } from './domain/process-plan';

const centreDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
let workDir = '';
const started: ChildProcess[] = [];

afterAll(async () => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
}, 60_000);

async function portFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A base port whose appliance ports (base, base+1) and hub port (base+10) are all free. */
async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = [base, base + 1, base + HUB_PORT_OFFSET];
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return base;
  }
  throw new Error('no free ports');
}

type Centre = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startCentre(env: Record<string, string>): Centre {
  const inherited: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !PRODUCT_SETTING.test(key)) inherited[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: centreDir,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

async function untilReady(centre: Centre, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!centre.output().includes(READY_LINE)) {
    if (centre.child.exitCode !== null)
      throw new Error(`the centre exited early:\n${centre.output().slice(-6000)}`);
    if (Date.now() > deadline)
      throw new Error(`the centre was not ready in time:\n${centre.output().slice(-6000)}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

/** The pids the centre printed for its children. */
function childPids(output: string): number[] {
  return [...output.matchAll(/started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function json(
  url: string,
  init?: { token?: string; body?: unknown },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: init?.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init?.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...(init?.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init?.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return { status: response.status, body: await response.json() };
}

async function stopAndCheck(centre: Centre): Promise<void> {
  const pids = childPids(centre.output());
  expect(pids).toHaveLength(3);
  centre.child.kill('SIGINT');
  expect(await centre.exited).toBe(0);
  for (const pid of pids) expect(alive(pid), `child ${pid} still running`).toBe(false);
}

test('npm start: the hub and two appliances come up seeded, stop on SIGINT, resume an interrupted seeding, and come back with the same data', async () => {
  workDir = await mkdtemp(join(tmpdir(), 'jz-centre-'));
  const base = await freeBasePort();
  const env = {
    JZ_CENTRE_DATA_DIR: join(workDir, 'data'),
    JZ_CENTRE_BASE_PORT: String(base),
    // A small history keeps this test quick; `npm start` makes a month.
    JZ_CENTRE_SEED_DAYS: '2',
    JZ_CENTRE_ORDERS_PER_DAY: '3',
    JZ_CENTRE_SKIP_PWA_BUILD: '1',
  };
  const hub = `http://127.0.0.1:${base + HUB_PORT_OFFSET}`;
  const appliances = [`http://127.0.0.1:${base}`, `http://127.0.0.1:${base + 1}`];
  let current: Centre | undefined;
  onTestFailed(() => console.error(current?.output().slice(-12_000)));

  // ── First start: everything made ────────────────────────────────────────────────────────────────
  const first = startCentre(env);
  current = first;
  const t0 = Date.now();
  await untilReady(first, 540_000);
  console.log(`first start ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  expect(first.output()).toContain('making demo data');

  expect((await json(`${hub}/health`)).body).toMatchObject({ ok: true });
  for (const url of appliances) expect((await json(`${url}/health`)).body).toMatchObject({ ok: true });
  const taker = await json(`${appliances[0]}/api/auth/login`, {
    body: { username: 'taker1', password: DEMO_PASSWORD },
  });
  expect(taker.status).toBe(200);
  expect(taker.body).toMatchObject({ token: expect.any(String) as string });
  const supervisor = await json(`${appliances[1]}/api/auth/login`, {
    body: { username: 'supervisor', password: DEMO_PASSWORD },
  });
  expect(supervisor.status).toBe(200);
  const analyst = await json(`${hub}/api/auth/login`, {
    body: { username: 'analyst', password: DEMO_PASSWORD },
  });
  expect(analyst.status).toBe(200);

  const stateFile = join(env.JZ_CENTRE_DATA_DIR, 'centre.json');
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as {
    secrets: { hubAdminToken: string; applianceAdminTokens: Record<string, string> };
    seed: { counties: Record<string, { orders: number; calls: number }>; summary?: unknown };
  };
  const digest = async (prefix: string) =>
    Object.keys(
      (
        (
          await json(`${hub}/api/sync/digest?prefix=${encodeURIComponent(prefix)}`, {
            token: state.secrets.hubAdminToken,
          })
        ).body as { records: Record<string, string> }
      ).records,
    );
  const enterprises = await digest('enterprise:');
  expect(enterprises.length).toBeGreaterThanOrEqual(20);
  expect((await digest('worker:')).length).toBeGreaterThanOrEqual(enterprises.length);
  expect((await digest('order:330106:')).length).toBeGreaterThan(0);
  const orders = await digest('order:330102:');
  expect(orders.length).toBeGreaterThan(0);
  const ordersWest = await digest('order:330106:');
  expect(ordersWest).toHaveLength(state.seed.counties['330106']?.orders ?? -1);

  // Past calls: a citizen who phoned in an order has that call in their history (the screen pop's), with
  // the seat that took it and no recording.
  const takerToken = (taker.body as { token: string }).token;
  const westAdmin = state.secrets.applianceAdminTokens['330106'] ?? '';
  let phoned: { orderId: string; phone: string } | undefined;
  for (const orderId of ordersWest) {
    const record = (
      await json(`${appliances[0]}/api/records/${encodeURIComponent(orderId)}`, { token: westAdmin })
    ).body as { accepted: { channel: string; citizenPhone: string } | null };
    if (record.accepted?.channel === 'call') {
      phoned = { orderId, phone: record.accepted.citizenPhone };
      break;
    }
  }
  expect(phoned).toBeDefined();
  const history = (
    await json(`${appliances[0]}/api/calls?phone=${encodeURIComponent(phoned!.phone)}`, { token: takerToken })
  ).body as { calls: { orderId: string | null; source: string; agent: string | null; recordingId: null }[] };
  expect(history.calls.find((c) => c.orderId === phoned!.orderId)).toMatchObject({
    source: 'imported',
    agent: expect.stringMatching(/^100[12]@/) as string,
    recordingId: null,
  });
  const callsWest = state.seed.counties['330106']?.calls ?? 0;
  expect(callsWest).toBeGreaterThan(0);
  // The public website lists them.
  const site = await (await fetch(`${hub}/enterprises`)).text();
  expect(site).toContain('有限公司');

  await stopAndCheck(first);

  // ── An interrupted first start: stopped after 330106's orders reached its appliance, before the centre
  // wrote down that the county was done (the window where a county used to be seeded twice) ─────────
  delete state.seed.summary;
  delete state.seed.counties['330106'];
  await writeFile(stateFile, JSON.stringify(state));
  const resumed = startCentre(env);
  current = resumed;
  const t1 = Date.now();
  await untilReady(resumed, 300_000);
  console.log(`resumed start ready in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  expect(resumed.output()).toContain('resuming the demo data');
  expect(resumed.output()).toContain(`${ordersWest.length}/${ordersWest.length} 张订单已在区县设备`);
  // Each order once: the same records, at the appliance and at the hub; the calls imported once.
  expect(await digest('order:330106:')).toEqual(ordersWest);
  expect(await digest('enterprise:')).toEqual(enterprises);
  const resumedState = JSON.parse(await readFile(stateFile, 'utf8')) as typeof state;
  expect(resumedState.seed.counties['330106']).toMatchObject({ orders: ordersWest.length, calls: callsWest });
  const historyAgain = (
    await json(`${appliances[0]}/api/calls?phone=${encodeURIComponent(phoned!.phone)}`, { token: takerToken })
  ).body as { calls: unknown[] };
  expect(historyAgain.calls).toHaveLength(history.calls.length);
  await stopAndCheck(resumed);

  // ── Started again: the same data, nothing made again ───────────────────────────────────────────
  const third = startCentre(env);
  current = third;
  const t2 = Date.now();
  await untilReady(third, 300_000);
  console.log(`third start ready in ${((Date.now() - t2) / 1000).toFixed(1)} s`);
  expect(third.output()).not.toContain('making demo data');
  expect(third.output()).toContain('kept from the first start');
  expect(await digest('enterprise:')).toEqual(enterprises);
  expect(await digest('order:330102:')).toEqual(orders);
  const again = await json(`${appliances[0]}/api/auth/login`, {
    body: { username: 'taker1', password: DEMO_PASSWORD },
  });
  expect(again.status).toBe(200);
  await stopAndCheck(third);
}, 1_000_000);
