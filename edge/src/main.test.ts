import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

// Running the hub for real (PGlite, sync, signals) is test/src/sync-processes.test.ts; this is start-up's refusal.
const edgeDir = fileURLToPath(new URL('..', import.meta.url));

test('a bad JZ_HUB_PORT prints the problem, names the variable and exits 1', async () => {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('JZ_')) env[key] = value;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: edgeDir,
    env: { ...env, JZ_HUB_PORT: '80a', JZ_HUB_ADMIN_TOKEN: 'do-not-print-this-token' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  try {
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(1);
    expect(output).toContain('JZ_HUB_PORT');
    expect(output).toContain('configuration error');
    expect(output).not.toContain('URL:');
    expect(output).not.toContain('do-not-print');
  } finally {
    child.kill('SIGKILL');
  }
}, 15_000);
