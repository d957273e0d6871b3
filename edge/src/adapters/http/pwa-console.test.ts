import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { HubOperations } from '../../ports/hub-operations';
import { createHubHttpApp } from './http-app';
import { findConsoleDir, inlineScriptHashes, rewriteShell } from './pwa-console';

const BOOT = `
  { __sveltekit_x = { base: "" };
    Promise.all([import("/_app/immutable/entry/start.js"), import("/_app/immutable/entry/app.js")]); }
`;
const SHELL = `<!doctype html><html><head>
<link rel="icon" href="/icons/icon-192.png" />
<link rel="manifest" href="/manifest.webmanifest" />
<link href="/_app/immutable/entry/start.js" rel="modulepreload">
<a href="//example.com/">x</a>
</head><body><div style="display: contents"><script>${BOOT}</script></div></body></html>`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-hub-console-'));
  await mkdir(join(dir, '_app', 'immutable', 'entry'), { recursive: true });
  await writeFile(join(dir, 'index.html'), SHELL);
  await writeFile(join(dir, '_app', 'immutable', 'entry', 'start.js'), 'export const start = 1;');
  await writeFile(join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
  await writeFile(join(dir, 'manifest.webmanifest'), '{"start_url":"./","scope":"./"}');
  await writeFile(join(dir, '.secret'), 'no');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function makeApp() {
  const hub = {
    identity: () => ({ deviceId: 'hub-1', directoryId: 'directory:hub:01JBQ5M8X00000000000000000' }),
  } as unknown as HubOperations;
  return createHubHttpApp({ hub, adminToken: 'test-admin-token-0123456789', consoleDir: dir });
}

test('the shell is rewritten for the sub-path: links, boot imports and the base', () => {
  const html = rewriteShell({ html: SHELL, base: '/console' });
  expect(html).toContain('href="/console/icons/icon-192.png"');
  expect(html).toContain('href="/console/manifest.webmanifest"');
  expect(html).toContain('href="/console/_app/immutable/entry/start.js"');
  expect(html).toContain('import("/console/_app/immutable/entry/app.js")');
  expect(html).toContain('base: "/console"');
  expect(html).toContain('href="//example.com/"');
  expect(html).not.toMatch(/"\/_app\//);
});

test('the CSP names the inline boot script by its hash', () => {
  const html = rewriteShell({ html: SHELL, base: '/console' });
  const boot = BOOT.replace('base: ""', 'base: "/console"').replaceAll('import("/', 'import("/console/');
  expect(inlineScriptHashes({ html })).toEqual([
    `'sha256-${createHash('sha256').update(boot).digest('base64')}'`,
  ]);
});

test('GET /console redirects to /console/, which answers the rewritten shell with its own CSP', async () => {
  const app = makeApp();
  const redirect = await app.request('/console');
  expect(redirect.status).toBe(301);
  expect(redirect.headers.get('location')).toBe('/console/');
  for (const path of ['/console/', '/console/index.html', '/console/orders/deep-link']) {
    const response = await app.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-/);
    expect(csp).toContain("connect-src 'self'");
    // The website's other secure headers still apply.
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('base: "/console"');
  }
});

test('files are served as they are; hashed assets cached, a missing asset or a path outside is a 404', async () => {
  const app = makeApp();
  const chunk = await app.request('/console/_app/immutable/entry/start.js');
  expect(chunk.status).toBe(200);
  expect(chunk.headers.get('content-type')).toMatch(/^text\/javascript/);
  expect(chunk.headers.get('cache-control')).toContain('immutable');
  expect(await chunk.text()).toBe('export const start = 1;');
  const worker = await app.request('/console/sw.js');
  expect(worker.headers.get('service-worker-allowed')).toBe('/console/');
  expect(worker.headers.get('cache-control')).toBe('no-cache');
  const manifest = await app.request('/console/manifest.webmanifest');
  expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
  expect((await app.request('/console/_app/missing.js')).status).toBe(404);
  expect((await app.request('/console/.secret')).status).toBe(404);
  expect((await app.request('/console/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
  expect((await app.request('/console/%25zz.js')).status).toBe(404);
});

test('the website keeps its script-free CSP, and /health says it is the hub', async () => {
  const app = makeApp();
  const health = await app.request('/health');
  expect(health.headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(await health.json()).toMatchObject({ ok: true, server: 'hub' });
});

test('JZ_HUB_PWA_DIR: used when it holds index.html, an error when it does not', async () => {
  expect(await findConsoleDir({ configured: dir })).toBe(dir);
  await expect(findConsoleDir({ configured: join(dir, 'nope') })).rejects.toThrow(/JZ_HUB_PWA_DIR/);
  // Unset (or empty): the repository's pwa/build, or nothing.
  const found = await findConsoleDir({ configured: '' });
  expect(found === undefined || found.endsWith(join('pwa', 'build'))).toBe(true);
});
