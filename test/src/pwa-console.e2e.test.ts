/**
 * The call-taker's console end to end: the built PWA served by a real appliance process (switch simulator,
 * `PWA_DIR`), driven in real Chromium (`/usr/bin/chromium`, playwright-core). A simulated citizen calls; the
 * screen pop shows their masked number and name; when they call again, the pop's timeline shows the first call
 * and its recording plays through the Bearer-authenticated fetch. The processes are reached only over HTTP and
 * the browser, never imported.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import { ensurePwaBuilt, launchChromium, logIn, pwaDir } from './support/browser';
import { killAll, root, spawnPackage, stopProc, urlOf, type Proc } from './support/processes';

const ADMIN_PASSWORD = 'e2e-admin-password';
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
let appliance: Proc | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  ensurePwaBuilt();
  workDir = await mkdtemp(join(tmpdir(), 'jz-pwa-e2e-'));
  const scenarioPath = join(workDir, 'scenario.json');
  await writeFile(scenarioPath, JSON.stringify(scenario));
  appliance = spawnPackage({
    name: 'appliance',
    pkg: 'appliance',
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
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (appliance !== undefined) await stopProc(appliance);
  killAll();
  if (workDir !== '') await rm(workDir, { recursive: true, force: true });
}, 30_000);

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
  await logIn({ page, url, username: 'admin', password: ADMIN_PASSWORD });
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
  // This appliance is not enrolled at a hub, so enrolling the browser's signing key is refused with 503 (and
  // retried): the console works on without orders, and the browser logs the refused request.
  const expected = /favicon|ERR_|WebSocket|status of 503/;
  expect(consoleErrors.filter((text) => !expected.test(text))).toEqual([]);
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
