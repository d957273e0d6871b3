import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseApplianceConfig } from '../../domain/appliance-config';
import { createHttpApp } from './http-app';

let dir: string;
const quiet = { info: () => undefined, error: () => undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-pwa-'));
  await mkdir(join(dir, '_app', 'immutable'), { recursive: true });
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>坐席台</title>');
  await writeFile(join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
  await writeFile(join(dir, '_app', 'immutable', 'app.abc123.js'), 'console.log(1)');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const app = () =>
  createHttpApp({ config: parseApplianceConfig({ env: {} }), logger: quiet, pwaDir: dir, version: 'test' });

test('the built PWA is served at /: files, the shell for app routes, and the API untouched', async () => {
  const root = await app().request('/');
  expect(root.status).toBe(200);
  expect(await root.text()).toContain('坐席台');
  expect(root.headers.get('cache-control')).toBe('no-cache');

  const deep = await app().request('/console/calls');
  expect(await deep.text()).toContain('坐席台');

  const asset = await app().request('/_app/immutable/app.abc123.js');
  expect(asset.headers.get('cache-control')).toContain('immutable');
  expect(asset.headers.get('content-type')).toContain('javascript');

  expect((await app().request('/sw.js')).headers.get('cache-control')).toBe('no-cache');
  expect((await app().request('/missing.js')).status).toBe(404);
  // A path climbing out of the folder is normalised to one inside it: the shell, never the file.
  expect(await (await app().request('/../../etc/passwd')).text()).not.toContain('root:');

  const api = await app().request('/api');
  expect(((await api.json()) as { county: { code: string } }).county.code).toBe('330106');
  const unknownApi = await app().request('/api/nothing-here');
  expect(unknownApi.status).toBe(404);
  expect(unknownApi.headers.get('content-type')).toContain('json');
});
