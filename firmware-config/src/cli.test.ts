import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { runCli } from './cli';
import { checkRenderedConfig } from './domain/check';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '..');
let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'firmware-config-cli-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function capture() {
  let text = '';
  return {
    write: (chunk: string) => {
      text += chunk;
    },
    get text() {
      return text;
    },
  };
}

async function run(argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli({ argv, cwd: packageDir, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...(await listFiles(join(dir, entry.name), path)));
    else found.push(path);
  }
  return found.sort();
}

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

test('render writes the checked configuration, with files only their owner can read', async () => {
  const out = join(scratch, 'render-ok');
  const result = await run(['render', '--provisioning', 'examples/330106.json', '--out', out]);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout).toBe(
    `rendered 19 files for 330106 浙江省杭州市西湖区 into ${out}; all checks passed\n`,
  );
  const paths = await listFiles(out);
  expect(paths).toHaveLength(19);
  const files = Object.fromEntries(
    await Promise.all(paths.map(async (path) => [path, await readFile(join(out, path), 'utf8')] as const)),
  );
  expect(checkRenderedConfig({ files })).toEqual([]);
  expect(await modeOf(join(out, 'autoload_configs/event_socket.conf.xml'))).toBe(0o600);
  expect(await modeOf(join(out, 'directory/default'))).toBe(0o700);
});

test('render refuses a folder that is not empty, unless --force', async () => {
  const out = join(scratch, 'render-busy');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'freeswitch.xml'), '<document/>');
  const refused = await run(['render', '--provisioning', 'examples/330106.json', '--out', out]);
  expect(refused).toEqual({
    code: 1,
    stdout: '',
    stderr: `error: ${out} is not empty; use --force to write into it anyway\n`,
  });
  expect(await listFiles(out)).toEqual(['freeswitch.xml']);
  const forced = await run(['render', '--provisioning', 'examples/110101.json', '--out', out, '--force']);
  expect(forced.code).toBe(0);
  expect(await listFiles(out)).toContain('directory/default/2001.xml');
  expect(await readFile(join(out, 'freeswitch.xml'), 'utf8')).toBe('<document/>');
});

test('bad provisioning exits 1 and names every field at fault; nothing is written', async () => {
  const input = JSON.parse(await readFile(join(packageDir, 'examples/330106.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const broken = join(scratch, 'broken.json');
  await writeFile(broken, JSON.stringify({ ...input, eslPassword: 'ClueCon', seatPasswordDefault: 'x' }));
  const out = join(scratch, 'render-broken');
  const result = await run(['render', '--provisioning', broken, '--out', out]);
  expect(result.code).toBe(1);
  expect(result.stderr).toBe(
    [
      `error: ${broken} has 4 problems:`,
      '  - eslPassword: must be at least 16 characters',
      '  - eslPassword: is a well-known default password',
      '  - eslPassword: must not contain ClueCon (the FreeSWITCH default)',
      '  - seatPasswordDefault: is not allowed: every seat has its own password (seats.N.password)',
      '',
    ].join('\n'),
  );
  await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
});

test('unreadable files, bad JSON, missing options and unknown commands are clear errors', async () => {
  const notJson = join(scratch, 'not.json');
  await writeFile(notJson, '{ "county": ');
  expect((await run(['render', '--provisioning', notJson, '--out', scratch])).stderr).toMatch(
    new RegExp(`^error: ${notJson} is not valid JSON: `),
  );
  expect((await run(['render', '--provisioning', 'examples/nowhere.json', '--out', scratch])).stderr).toMatch(
    /^error: cannot read the provisioning file .*examples\/nowhere\.json: ENOENT/,
  );
  expect((await run(['render', '--provisioning', 'examples/330106.json'])).stderr).toBe(
    'error: --out is required\n',
  );
  const unknown = await run(['deploy']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('error: unknown command deploy\nusage:');
  expect((await run(['render', '--colour', 'blue'])).stderr).toMatch(/^error: Unknown option '--colour'/);
  expect(await run(['--help'])).toMatchObject({ code: 0, stderr: '' });
});

test('issue-cert writes the root and the server certificate, keys 0600', async () => {
  const out = join(scratch, 'certs');
  const result = await run(['issue-cert', '--provisioning', 'examples/330106.json', '--out', out]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(await listFiles(out)).toEqual(['ca.crt', 'ca.key', 'server.crt', 'server.key']);
  expect(await modeOf(join(out, 'ca.key'))).toBe(0o600);
  expect(await modeOf(join(out, 'server.key'))).toBe(0o600);
  expect(await modeOf(join(out, 'ca.crt'))).toBe(0o644);
  const ca = new X509Certificate(await readFile(join(out, 'ca.crt')));
  const server = new X509Certificate(await readFile(join(out, 'server.crt')));
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkHost('jz-330106')).toBe('jz-330106');
  expect(server.checkIP('192.168.10.2')).toBe('192.168.10.2');
  expect(result.stdout).toContain(`SHA-256 fingerprint: ${ca.fingerprint256}\n`);
  expect(result.stdout).toContain(`SHA-1 fingerprint (Windows "Thumbprint"): ${ca.fingerprint}\n`);
  expect(result.stdout).toContain('county root: CN=家政服务网络 浙江省杭州市西湖区 根证书\n');

  const again = await run(['issue-cert', '--provisioning', 'examples/330106.json', '--out', out]);
  expect(again.code).toBe(1);
  expect(again.stderr).toBe(
    `error: ${out} already has ca.crt, ca.key, server.crt, server.key; use --force to replace them\n`,
  );
});

test('issue-cert --ca-dir reuses the county root: seats that trust it need nothing new', async () => {
  const caDir = join(scratch, 'certs');
  const out = join(scratch, 'renewed');
  const result = await run([
    'issue-cert',
    '--provisioning',
    'examples/330106.json',
    '--out',
    out,
    '--ca-dir',
    caDir,
    '--hostname',
    'jz-330106.lan',
    '--valid-days',
    '30',
  ]);
  expect(result.stderr).toBe('');
  expect(await listFiles(out)).toEqual(['ca.crt', 'server.crt', 'server.key']);
  expect(await readFile(join(out, 'ca.crt'), 'utf8')).toBe(await readFile(join(caDir, 'ca.crt'), 'utf8'));
  const ca = new X509Certificate(await readFile(join(caDir, 'ca.crt')));
  const server = new X509Certificate(await readFile(join(out, 'server.crt')));
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkHost('jz-330106.lan')).toBe('jz-330106.lan');
  expect(Date.parse(server.validTo) - Date.parse(server.validFrom)).toBe(30 * 86_400_000);

  const wrongRoot = join(scratch, 'wrong-root');
  await mkdir(wrongRoot);
  await writeFile(join(wrongRoot, 'ca.crt'), await readFile(join(caDir, 'ca.crt')));
  await writeFile(join(wrongRoot, 'ca.key'), await readFile(join(caDir, 'server.key')));
  const refused = await run([
    'issue-cert',
    '--provisioning',
    'examples/330106.json',
    '--out',
    join(scratch, 'x'),
    '--ca-dir',
    wrongRoot,
  ]);
  expect(refused).toMatchObject({ code: 1, stderr: 'error: caKeyPem: does not belong to caCertPem\n' });
  const badDays = await run([
    'issue-cert',
    '--provisioning',
    'examples/330106.json',
    '--out',
    out,
    '--valid-days',
    '825',
  ]);
  expect(badDays.stderr).toBe('error: validDays: must be at most 397 (browsers refuse longer)\n');
});

test('the npm scripts run the CLI as a real process, with its exit codes', async () => {
  const out = join(scratch, 'npm-render');
  const exec = promisify(execFile);
  const ok = await exec(
    'npm',
    [
      'run',
      '--silent',
      'render',
      '-w',
      '@jiazheng/firmware-config',
      '--',
      '--provisioning',
      'examples/110101.json',
      '--out',
      out,
    ],
    { cwd: repoRoot },
  );
  expect(ok.stdout).toContain('rendered 17 files for 110101 北京市东城区');
  expect(await listFiles(out)).toHaveLength(17);
  // The same entry point straight under Node (what the script runs), refusing to overwrite: exit code 1.
  await expect(
    exec(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'render', '--provisioning', 'examples/110101.json', '--out', out],
      {
        cwd: packageDir,
      },
    ),
  ).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('is not empty; use --force') as string,
  });
}, 60_000);
