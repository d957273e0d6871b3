import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

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

async function waitForUrl(appliance: Appliance): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const match = /URL: (http:\/\/\S+)/.exec(appliance.output());
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
  40_000,
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
