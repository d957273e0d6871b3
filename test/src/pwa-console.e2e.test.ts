/**
 * The call-taker's console end to end: the built PWA served by a real appliance process (switch simulator,
 * `PWA_DIR`), driven in real Chromium (`/usr/bin/chromium`, playwright-core). A simulated citizen calls; the
 * screen pop shows their masked number and name; when they call again, the pop's timeline shows the first call
 * and its recording plays through the Bearer-authenticated fetch. The processes are reached only over HTTP and
 * the browser, never imported.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
/** The hub's and the appliance's settings: a developer's own must not leak into the process under test. */
const APPLIANCE_SETTING =
  /^(?:JZ_.*|COUNTY|DATA_DIR|HTTPS?_(?:HOST|PORT)|ESL_.*|HUB_.*|RECORDINGS_DIR|BOOTSTRAP_ADMIN_PASSWORD|ADMIN_TOKEN|CONFIG_FILE|TLS_.*|PWA_DIR|SIMULATOR_SCENARIO|SMS_.*)$/;
const ADMIN_PASSWORD = 'e2e-admin-password';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pwaDir = join(root, 'pwa', 'build');
const screenshot = join(root, 'docs', 'screenshots', 'console-screen-pop.png');

/** One citizen calling again and again; nobody answers, so each call is abandoned after a few seconds. */
const scenario = {
  name: 'e2e: one citizen calls, gives up, calls again',
  seed: 7,
  arrivalsPerMinute: 12,
  maxCalls: 40,
  population: [{ number: '13800130007', name: '测试来电人' }],
  talkTimeSeconds: { distribution: 'fixed', value: 2 },
  patienceSeconds: { distribution: 'fixed', value: 6 },
  queues: [{ name: 'hotline' }],
  agents: [{ name: '1001@default', contact: 'user/1001', queues: ['hotline'], answer: 'manual' }],
};

let workDir = '';
let appliance: { child: ChildProcess; output: () => string } | undefined;
let browser: Browser | undefined;

function startAppliance(options: { env: Record<string, string> }): {
  child: ChildProcess;
  output: () => string;
} {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!APPLIANCE_SETTING.test(key)) env[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(root, 'appliance'),
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return { child, output: () => output };
}

async function urlOf(proc: { child: ChildProcess; output: () => string }): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /URL: (http:\/\/\S+)/.exec(proc.output());
    if (match?.[1] !== undefined) return match[1];
    if (proc.child.exitCode !== null) throw new Error(`the appliance exited early:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`the appliance printed no URL:\n${proc.output()}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

function killAppliance(): void {
  const child = appliance?.child;
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
// Even if vitest tears the worker down without running afterAll, the appliance must not outlive it.
process.once('exit', killAppliance);

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium fonts-noto-cjk\` (Debian) and run again`,
    );
  }
  if (!existsSync(join(pwaDir, 'index.html'))) {
    const build = spawnSync('npm', ['run', 'build', '-w', '@jiazheng/pwa'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the PWA build failed:\n${build.stdout}\n${build.stderr}`);
  }
  workDir = await mkdtemp(join(tmpdir(), 'jz-pwa-e2e-'));
  const scenarioPath = join(workDir, 'scenario.json');
  await writeFile(scenarioPath, JSON.stringify(scenario));
  appliance = startAppliance({
    env: {
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      COUNTY: '330106',
      DATA_DIR: join(workDir, 'data'),
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      SIMULATOR_SCENARIO: scenarioPath,
      PWA_DIR: pwaDir,
    },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (appliance !== undefined && appliance.child.exitCode === null) {
    const exited = new Promise((done) => appliance?.child.once('exit', done));
    appliance.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
  }
  killAppliance();
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
}, 30_000);

async function logIn(options: {
  page: Page;
  url: string;
  username?: string;
  password?: string;
}): Promise<void> {
  const { page, url } = options;
  await page.goto(url);
  // Chinese by default.
  await expect.poll(() => page.locator('h2').first().textContent()).toBe('坐席登录');
  await page.getByLabel('用户名').fill(options.username ?? 'admin');
  await page.getByLabel('密码').fill(options.password ?? ADMIN_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('screen-pop').waitFor();
}

test('a simulated call pops on the console with the caller and, on their second call, their history', async () => {
  const url = await urlOf(appliance!);
  const page = await browser!.newPage({ viewport: { width: 1366, height: 768 } });
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  onTestFailed(() => {
    console.error(
      `appliance output:\n${appliance?.output() ?? ''}\nbrowser errors:\n${consoleErrors.join('\n')}`,
    );
  });

  // The shell and the manifest come from the appliance (PWA_DIR), the API from the same origin.
  const manifest = (await (await fetch(`${url}/manifest.webmanifest`)).json()) as {
    name: string;
    lang: string;
  };
  expect(manifest).toMatchObject({ name: '家政服务网络 坐席台', lang: 'zh-CN' });
  await logIn({ page, url });
  await expect.poll(() => page.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('已连接');

  // A call arrives: the pop shows the masked number and the name the caller ID carries, never the full number.
  const pop = page.getByTestId('screen-pop');
  await expect
    .poll(() => pop.getByTestId('pop-number').textContent(), { timeout: 30_000 })
    .toBe('138****0007');
  expect((await pop.getByTestId('pop-name').textContent())?.trim()).toBe('测试来电人');
  expect(await pop.textContent()).not.toContain('13800130007');

  // The same citizen calls again after giving up: the new pop's timeline holds the earlier call.
  const rows = pop.getByTestId('timeline-call');
  await expect.poll(() => rows.count(), { timeout: 40_000, interval: 250 }).toBeGreaterThan(0);
  expect(await rows.first().textContent()).toContain('放弃');
  await mkdir(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });

  // ▶ fetches the recording with the Bearer token and plays it from a blob: URL. (The call just before may
  // still be being indexed when the pop's history is read; a later pop has it.)
  const play = pop.getByTestId('play-recording');
  await expect.poll(() => play.count(), { timeout: 40_000, interval: 250 }).toBeGreaterThan(0);
  await play.first().click();
  await expect
    .poll(() => pop.getByTestId('recording-audio').getAttribute('src'), { timeout: 10_000 })
    .toMatch(/^blob:/);

  // F1 opens the shortcuts, Esc closes them; English is one choice away and the pop follows.
  await page.keyboard.press('F1');
  await page.getByTestId('help').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.getByTestId('help').waitFor({ state: 'hidden' });
  await page.getByLabel('语言').selectOption('en');
  await expect.poll(() => pop.getByRole('heading', { name: 'Past calls' }).count()).toBe(1);

  // The shell is precached: the service worker controls the page.
  // A string: this package's TypeScript has no DOM types, and the expression runs in the page anyway.
  const controlled = await page.evaluate(
    'navigator.serviceWorker.ready.then(() => navigator.serviceWorker.controller !== null)',
  );
  expect(controlled).toBe(true);
  expect(consoleErrors.filter((text) => !/favicon|ERR_|WebSocket/.test(text))).toEqual([]);
  await page.close();
}, 150_000);

test('a seat takes a ringing call with one key (F2) and goes on a break with another (F4)', async () => {
  const url = await urlOf(appliance!);
  const api = async (path: string, init: { token: string; body?: unknown }): Promise<Response> =>
    fetch(`${url}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${init.token}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { token: adminToken } = (await login.json()) as { token: string };
  const created = await api('/api/users', {
    token: adminToken,
    body: {
      username: 'seat1001',
      password: 'seat-1001-password',
      role: 'call_taker',
      displayName: '王芳',
      seat: '1001',
    },
  });
  expect(created.status).toBe(201);

  // A fresh browser profile: the seat's own device.
  const context = await browser!.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  onTestFailed(() => console.error(`appliance output:\n${appliance?.output() ?? ''}`));
  await logIn({ page, url, username: 'seat1001', password: 'seat-1001-password' });
  await expect.poll(() => page.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('已连接');
  await page.keyboard.press('F3');

  // The next citizen rings at this seat (training: the phone rings until answered); F2 answers.
  const pop = page.getByTestId('screen-pop');
  const answer = pop.getByTestId('answer');
  const live = async (): Promise<{
    calls: Array<{ state: string; agent: string | null }>;
    agents: Array<{ name: string; status: string }>;
  }> =>
    (await (await api('/api/calls/live', { token: adminToken })).json()) as {
      calls: Array<{ state: string; agent: string | null }>;
      agents: Array<{ name: string; status: string }>;
    };
  const at1001 = async (state: string): Promise<boolean> =>
    (await live()).calls.some((call) => call.state === state && call.agent === '1001@default');
  await expect.poll(() => at1001('ringing'), { timeout: 40_000, interval: 100 }).toBe(true);
  await answer.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('F2');
  await expect.poll(() => at1001('talking'), { timeout: 10_000 }).toBe(true);
  await expect.poll(() => answer.textContent(), { timeout: 10_000 }).toBe('已接听');

  await page.keyboard.press('F4');
  await expect
    .poll(async () => (await live()).agents.find((agent) => agent.name === '1001@default')?.status, {
      timeout: 10_000,
    })
    .toBe('On Break');
  await context.close();
}, 120_000);
