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
  expect(parseHubConfig({ env: {} })).toEqual({
    host: '127.0.0.1',
    port: 8090,
    dataDir: './data/hub',
    reportSchedule: 'monthly',
    reportLevel: 'province',
  });
});

test('reads every variable; empty counts as unset', () => {
  const config = parseHubConfig({
    env: {
      JZ_HUB_HOST: ' 0.0.0.0 ',
      JZ_HUB_PORT: '0',
      JZ_HUB_DATA_DIR: '/var/lib/jiazheng-hub',
      JZ_HUB_DATABASE_URL: 'postgres://hub:secret@db.internal:5432/jiazheng',
      JZ_HUB_ADMIN_TOKEN: 'a-long-enough-admin-token',
      JZ_HUB_SMTP_URL: 'smtps://hub:secret@mail.example.cn:465',
      JZ_HUB_MAIL_FROM: 'hub@centre.example.cn',
      JZ_HUB_REPORT_RECIPIENTS: ' stats@dept.example.cn, quality@dept.example.cn ,',
      JZ_HUB_REPORT_SCHEDULE: 'weekly',
      JZ_HUB_REPORT_LEVEL: 'county',
    },
  });
  expect(config).toEqual({
    host: '0.0.0.0',
    port: 0,
    dataDir: '/var/lib/jiazheng-hub',
    databaseUrl: 'postgres://hub:secret@db.internal:5432/jiazheng',
    adminToken: 'a-long-enough-admin-token',
    smtpUrl: 'smtps://hub:secret@mail.example.cn:465',
    mailFrom: 'hub@centre.example.cn',
    reportRecipients: ['stats@dept.example.cn', 'quality@dept.example.cn'],
    reportSchedule: 'weekly',
    reportLevel: 'county',
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

test('DATABASE_URL switches to PostgreSQL too; JZ_HUB_DATABASE_URL wins when both are set', () => {
  expect(parseHubConfig({ env: { DATABASE_URL: 'postgres://a@db/x' } }).databaseUrl).toBe(
    'postgres://a@db/x',
  );
  expect(
    parseHubConfig({ env: { DATABASE_URL: 'postgres://a@db/x', JZ_HUB_DATABASE_URL: 'postgresql://b@db/y' } })
      .databaseUrl,
  ).toBe('postgresql://b@db/y');
  expect(parseHubConfig({ env: { DATABASE_URL: ' ' } }).databaseUrl).toBeUndefined();
  const error = configError({ DATABASE_URL: 'mysql://user:pw@x' });
  expect(error.field).toBe('DATABASE_URL');
  expect(error.message).not.toContain('pw');
});

test('JZ_HUB_REDIS_URL joins several hub processes, and only with PostgreSQL', () => {
  const db = 'postgres://a@db/x';
  expect(
    parseHubConfig({ env: { DATABASE_URL: db, JZ_HUB_REDIS_URL: 'redis://:pw@cache:6379' } }).redisUrl,
  ).toBe('redis://:pw@cache:6379');
  const alone = configError({ JZ_HUB_REDIS_URL: 'redis://cache:6379' });
  expect(alone.field).toBe('JZ_HUB_REDIS_URL');
  expect(alone.message).toMatch(/JZ_HUB_DATABASE_URL/);
  const bad = configError({ DATABASE_URL: db, JZ_HUB_REDIS_URL: 'http://user:pw@cache' });
  expect(bad.field).toBe('JZ_HUB_REDIS_URL');
  expect(bad.message).not.toContain('pw');
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

test.each([
  [
    { JZ_HUB_REPORT_RECIPIENTS: 'stats@dept.example.cn' },
    'JZ_HUB_SMTP_URL',
    'must be set to mail the report',
  ],
  [{ JZ_HUB_SMTP_URL: 'smtp://mail:25' }, 'JZ_HUB_MAIL_FROM', 'must be set when JZ_HUB_SMTP_URL is'],
  [
    { JZ_HUB_SMTP_URL: 'smtp://mail:25', JZ_HUB_MAIL_FROM: 'hub@c.cn' },
    'JZ_HUB_REPORT_RECIPIENTS',
    'must be set when JZ_HUB_SMTP_URL is',
  ],
  [{ JZ_HUB_SMTP_URL: 'http://mail:25' }, 'JZ_HUB_SMTP_URL', 'smtp://'],
  [
    { JZ_HUB_REPORT_RECIPIENTS: 'a@b.cn, "x" <y@z.cn>\r\nBcc: evil@x.cn' },
    'JZ_HUB_REPORT_RECIPIENTS',
    'e-mail',
  ],
  [{ JZ_HUB_REPORT_SCHEDULE: 'hourly' }, 'JZ_HUB_REPORT_SCHEDULE', 'monthly'],
])('the mailed report: %j is refused naming %s', (env, field, message) => {
  const error = configError(env);
  expect(error.field).toBe(field);
  expect(error.message).toContain(message);
  // The SMTP URL carries a password: never echoed.
  expect(error.message).not.toContain('smtp://mail:25');
});
