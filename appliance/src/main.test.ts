import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { issueCountyCertificates } from '@jiazheng/firmware-config';

/** The hub's and the appliance's settings: a developer's own must not leak into the processes under test. */
const APPLIANCE_SETTING =
  /^(?:JZ_.*|COUNTY|DATA_DIR|HTTPS?_(?:HOST|PORT)|ESL_.*|HUB_.*|RECORDINGS_DIR|BOOTSTRAP_ADMIN_PASSWORD|ADMIN_TOKEN|CONFIG_FILE|TLS_.*)$/;

// Run through the tsx CLI exactly as `npm start` does, so its signal relaying is part of what is tested.
const applianceDir = fileURLToPath(new URL('..', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

type Appliance = {
  child: ChildProcess;
  output: () => string;
  exitCode: Promise<number | null>;
};

// One data directory for the file: a new PGlite takes seconds to create, reopening it about one.
let dataDir = '';
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'jz-appliance-main-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function startAppliance(options: { env: Record<string, string> }): Appliance {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The developer's own settings must not change what the test sees.
  for (const name of Object.keys(env)) if (APPLIANCE_SETTING.test(name)) delete env[name];
  const child = spawn(process.execPath, [tsxCli, 'src/main.ts'], {
    cwd: applianceDir,
    env: { ...env, DATA_DIR: join(dataDir, 'data'), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exitCode };
}

async function waitForUrl(appliance: Appliance, pattern = /URL: (http:\/\/\S+)/): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = pattern.exec(appliance.output());
    if (match?.[1] !== undefined) return match[1];
    if (appliance.child.exitCode !== null) throw new Error(`exited early:\n${appliance.output()}`);
    if (Date.now() > deadline) throw new Error(`no URL printed:\n${appliance.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test.each(['SIGTERM', 'SIGINT'] as const)(
  'the appliance process serves /health and exits 0 on %s',
  async (signal) => {
    const appliance = startAppliance({ env: { HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', COUNTY: '330106' } });
    try {
      const url = await waitForUrl(appliance);
      expect(appliance.output()).toContain('浙江省杭州市西湖区');

      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ok: true, county: { code: '330106', areaCode: '0571' } });

      appliance.child.kill(signal);
      expect(await appliance.exitCode).toBe(0);
      expect(appliance.output()).toContain('已停止 / stopped');
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    } finally {
      appliance.child.kill('SIGKILL');
    }
  },
  90_000,
);

test('a bad COUNTY prints the problem and exits 1', async () => {
  const appliance = startAppliance({ env: { COUNTY: '999999', HTTP_PORT: '0' } });
  try {
    expect(await appliance.exitCode).toBe(1);
    expect(appliance.output()).toContain('COUNTY');
    expect(appliance.output()).toContain('configuration error');
    expect(appliance.output()).not.toContain('URL:');
  } finally {
    appliance.child.kill('SIGKILL');
  }
}, 10_000);

test('with no switch configured the simulator runs, says so, and a simulated call pops on a logged-in console', async () => {
  const scenarioPath = join(dataDir, 'scenario.json');
  await writeFile(
    scenarioPath,
    JSON.stringify({
      name: 'test: one caller a second',
      arrivalsPerMinute: 60,
      maxCalls: 3,
      population: [{ number: '13712345678', name: '赵六' }],
      talkTimeSeconds: { distribution: 'fixed', value: 1 },
      queues: [{ name: 'hotline' }],
      agents: [{ name: '1001@default', contact: 'user/1001', queues: ['hotline'], ringSeconds: 1 }],
    }),
  );
  const appliance = startAppliance({
    env: {
      HTTP_PORT: '0',
      BOOTSTRAP_ADMIN_PASSWORD: 'first-admin-password',
      SIMULATOR_SCENARIO: scenarioPath,
    },
  });
  try {
    const url = await waitForUrl(appliance);
    expect(appliance.output()).toContain('SIMULATOR, no real FreeSWITCH configured');
    const health = (await (await fetch(`${url}/healthz`)).json()) as {
      switch: { kind: string };
      problems: string[];
    };
    expect(health.switch.kind).toBe('simulator');
    expect(health.problems.join('\n')).toContain('SIMULATOR');

    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'first-admin-password' }),
    });
    const { token } = (await login.json()) as { token: string };
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws/console?token=${token}`);
    const pop = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
        if (message.type === 'screen-pop') resolve(message);
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error(`no screen pop:\n${appliance.output()}`)), 20_000).unref();
    });
    expect(pop).toMatchObject({ caller: { phone: '+8613712345678', masked: '137****5678', name: '赵六' } });
    ws.close();

    // The call ends after a second of talk; its record is then on /api/calls.
    const deadline = Date.now() + 20_000;
    let calls: unknown[] = [];
    while (calls.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const res = await fetch(`${url}/api/calls?phone=137-1234-5678`, {
        headers: { authorization: `Bearer ${token}` },
      });
      calls = ((await res.json()) as { calls: unknown[] }).calls;
    }
    expect(calls[0]).toMatchObject({ caller: '+8613712345678', outcome: 'answered', agent: '1001@default' });
    expect((calls[0] as { recordingId: unknown }).recordingId).toEqual(expect.any(String));

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^jz_switch_simulated 1$/m);
    expect(metrics).toMatch(/^jz_screen_pops_total [1-9]/m);

    appliance.child.kill('SIGTERM');
    expect(await appliance.exitCode, appliance.output()).toBe(0);
  } finally {
    appliance.child.kill('SIGKILL');
  }
}, 120_000);

test('with its county certificate the appliance serves HTTPS (and WSS); plain HTTP only redirects and hands out the root', async () => {
  const certs = await issueCountyCertificates({
    county: '330106',
    hostnames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
  });
  const tlsDir = join(dataDir, 'tls');
  await mkdir(tlsDir, { recursive: true });
  await writeFile(join(tlsDir, 'server.crt'), certs.serverCertPem);
  await writeFile(join(tlsDir, 'server.key'), certs.serverKeyPem, { mode: 0o600 });
  await writeFile(join(tlsDir, 'ca.crt'), certs.caCertPem);
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const appliance = startAppliance({
    env: {
      HTTP_PORT: String(httpPort),
      HTTPS_PORT: String(httpsPort),
      TLS_CERT_FILE: join(tlsDir, 'server.crt'),
      TLS_KEY_FILE: join(tlsDir, 'server.key'),
      TLS_CA_FILE: join(tlsDir, 'ca.crt'),
      BOOTSTRAP_ADMIN_PASSWORD: 'first-admin-password',
    },
  });
  try {
    const url = await waitForUrl(appliance, /URL: (https:\/\/\S+)/);
    expect(url).toBe(`https://127.0.0.1:${httpsPort}`);

    // Trusting only the county root, the request succeeds; trusting nothing, TLS refuses it.
    const health = await httpsGet({ url: `${url}/healthz`, ca: certs.caCertPem });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ county: '330106' });
    await expect(httpsGet({ url: `${url}/healthz` })).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );

    const redirect = await fetch(`http://127.0.0.1:${httpPort}/api/calls?phone=1`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe(`https://127.0.0.1:${httpsPort}/api/calls?phone=1`);
    const root = await fetch(`http://127.0.0.1:${httpPort}/ca.crt`);
    expect(await root.text()).toBe(certs.caCertPem);

    // The console's WebSocket is WSS on the same port.
    const login = await httpsGet({
      url: `${url}/api/auth/login`,
      ca: certs.caCertPem,
      method: 'POST',
      body: JSON.stringify({ username: 'admin', password: 'first-admin-password' }),
    });
    const { token } = JSON.parse(login.body) as { token: string };
    const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/ws/console?token=${token}`, {
      ca: certs.caCertPem,
    });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      ws.once('error', reject);
    });
    expect(JSON.parse(first)).toMatchObject({ type: 'switch', kind: 'simulator' });
    ws.close();
    appliance.child.kill('SIGTERM');
    expect(await appliance.exitCode, appliance.output()).toBe(0);
  } finally {
    appliance.child.kill('SIGKILL');
  }
}, 120_000);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function httpsGet(options: {
  url: string;
  ca?: string;
  method?: string;
  body?: string;
}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      options.url,
      {
        method: options.method ?? 'GET',
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        headers: options.body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
