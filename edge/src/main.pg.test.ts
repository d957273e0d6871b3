import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usePostgresTestServer } from '@jiazheng/sync/test-support/postgres-hooks';
import { hashPassword } from '@jiazheng/sync/node';
import { afterAll, expect, test } from 'vitest';
import { contractAccount } from './ports/hub-account-store.contract';
import { JsonFileAccountStore } from './adapters/files/json-file-account-store';

// The hub as a process on PostgreSQL (DATABASE_URL): two hubs on one database share their staff.
const edgeDir = fileURLToPath(new URL('..', import.meta.url));
const postgres = usePostgresTestServer();
const dirs: string[] = [];

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}, 30_000);

async function startHub(options: {
  env: Record<string, string>;
}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!key.startsWith('JZ_') && key !== 'DATABASE_URL') env[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: edgeDir,
    env: { ...env, JZ_HUB_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /URL: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`the hub exited (${code}): ${output}`));
    });
  });
  return { child, url, output: () => output };
}

async function stopHub(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function login(url: string, username: string, password: string): Promise<string | undefined> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) return undefined;
  return ((await response.json()) as { token: string }).token;
}

test('DATABASE_URL: the hub runs on PostgreSQL, imports accounts.json once, and a second hub shares its staff', async () => {
  const [dirA, dirB] = [
    await mkdtemp(join(tmpdir(), 'jz-hub-a-')),
    await mkdtemp(join(tmpdir(), 'jz-hub-b-')),
  ];
  dirs.push(dirA, dirB);
  // An older hub's accounts file: its administrator and an analyst.
  const file = await JsonFileAccountStore.open({ path: join(dirA, 'accounts.json') });
  const passwordHash = await hashPassword({ password: 'chief-password-1' });
  await file.createAccount({
    account: contractAccount('chief', { role: 'administrator', scope: { level: 'country' }, passwordHash }),
  });
  await file.createAccount({ account: contractAccount('old-analyst', { role: 'central_office' }) });

  const databaseUrl = postgres.server().connectionString;
  const a = await startHub({
    env: {
      JZ_HUB_DATA_DIR: dirA,
      DATABASE_URL: databaseUrl,
      JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: 'first-admin-pass',
    },
  });
  let b: Awaited<ReturnType<typeof startHub>> | undefined;
  try {
    expect(a.output()).toContain('PostgreSQL postgres://postgres@127.0.0.1');
    expect(await readdir(dirA)).toContain('accounts.json.imported');
    expect(await readdir(dirA)).not.toContain('accounts.json');
    // The imported administrator signs in; with accounts already there, the bootstrap made no `admin`.
    expect(await login(a.url, 'admin', 'first-admin-pass')).toBeUndefined();
    const token = await login(a.url, 'chief', 'chief-password-1');
    expect(token).toBeDefined();
    const users = await fetch(`${a.url}/api/users`, { headers: { authorization: `Bearer ${token}` } });
    const listed = (await users.json()) as { users: Array<{ username: string }> };
    expect(listed.users.map((u) => u.username).sort()).toEqual(['chief', 'old-analyst']);
    const report = await fetch(
      `${a.url}/api/reports/orders?level=province&period=month&from=2026-01-01&to=2026-12-31`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(report.status).toBe(200);
    expect(((await report.json()) as { total: { received: number } }).total.received).toBe(0);

    // Another hub process, its own data directory, the same database (and JZ_HUB_DATABASE_URL wins over a
    // DATABASE_URL pointing nowhere): the administrator and the session made by the first one work here.
    b = await startHub({
      env: {
        JZ_HUB_DATA_DIR: dirB,
        JZ_HUB_DATABASE_URL: databaseUrl,
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      },
    });
    const me = await fetch(`${b.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await login(b.url, 'chief', 'chief-password-1')).toBeDefined();
  } finally {
    if (b) await stopHub(b.child);
    await stopHub(a.child);
  }
}, 120_000);
