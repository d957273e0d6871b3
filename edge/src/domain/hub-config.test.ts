import { DomainError } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { parseHubConfig } from './hub-config';

function configError(env: Record<string, string>): DomainError {
  try {
    parseHubConfig({ env });
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

test('defaults to loopback port 8090, ./data/hub, PGlite and a generated admin token', () => {
  expect(parseHubConfig({ env: {} })).toEqual({ host: '127.0.0.1', port: 8090, dataDir: './data/hub' });
});

test('reads every variable; empty counts as unset', () => {
  const config = parseHubConfig({
    env: {
      JZ_HUB_HOST: ' 0.0.0.0 ',
      JZ_HUB_PORT: '0',
      JZ_HUB_DATA_DIR: '/var/lib/jiazheng-hub',
      JZ_HUB_DATABASE_URL: 'postgres://hub:secret@db.internal:5432/jiazheng',
      JZ_HUB_ADMIN_TOKEN: 'a-long-enough-admin-token',
    },
  });
  expect(config).toEqual({
    host: '0.0.0.0',
    port: 0,
    dataDir: '/var/lib/jiazheng-hub',
    databaseUrl: 'postgres://hub:secret@db.internal:5432/jiazheng',
    adminToken: 'a-long-enough-admin-token',
  });
  expect(parseHubConfig({ env: { JZ_HUB_PORT: '', JZ_HUB_ADMIN_TOKEN: ' ' } })).toEqual(
    parseHubConfig({ env: {} }),
  );
});

test.each([
  ['JZ_HUB_PORT', '8090abc', 'whole number'],
  ['JZ_HUB_PORT', '70000', '65535'],
  ['JZ_HUB_HOST', 'a b', 'host name'],
  ['JZ_HUB_DATA_DIR', 'data\u0000', 'control characters'],
  ['JZ_HUB_DATABASE_URL', 'mysql://x', 'postgres://'],
  ['JZ_HUB_ADMIN_TOKEN', 'short', 'at least 16'],
])('%s=%j is refused, naming the variable', (name, value, reason) => {
  const error = configError({ [name]: value });
  expect(error.field).toBe(name);
  expect(error.message).toContain(reason);
});

test('secrets are never echoed in the error', () => {
  expect(configError({ JZ_HUB_ADMIN_TOKEN: 'has-a-secret word' }).message).not.toContain('secret');
  expect(configError({ JZ_HUB_DATABASE_URL: 'mysql://user:pw@x' }).message).not.toContain('pw');
});

test('JZ_HUB_TRUSTED_PROXIES lists IP addresses', () => {
  expect(parseHubConfig({ env: { JZ_HUB_TRUSTED_PROXIES: ' 127.0.0.1, ::1 ,' } }).trustedProxies).toEqual([
    '127.0.0.1',
    '::1',
  ]);
  expect(configError({ JZ_HUB_TRUSTED_PROXIES: '10.0.0.0/8' }).field).toBe('JZ_HUB_TRUSTED_PROXIES');
  expect(configError({ JZ_HUB_TRUSTED_PROXIES: ',' }).field).toBe('JZ_HUB_TRUSTED_PROXIES');
});

test('JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD needs 10 characters and is never echoed', () => {
  expect(
    parseHubConfig({ env: { JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: 'first-admin-pass' } }).bootstrapAdminPassword,
  ).toBe('first-admin-pass');
  const error = configError({ JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: 'secret123' });
  expect(error.field).toBe('JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD');
  expect(error.message).toContain('at least 10');
  expect(error.message).not.toContain('secret123');
});
