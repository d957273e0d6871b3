import { DomainError } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { applianceConfigSchema, parseApplianceConfig } from './appliance-config';

function configError(env: Record<string, string>): DomainError {
  try {
    parseApplianceConfig({ env });
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

test('defaults to 杭州市西湖区 on loopback port 8080 with a per-county data directory', () => {
  expect(parseApplianceConfig({ env: {} })).toEqual({
    county: { code: '330106', name: '浙江省杭州市西湖区', areaCode: '0571' },
    host: '127.0.0.1',
    port: 8080,
    dataDir: './data/330106',
  });
});

test('JZ_COUNTY picks the county and derives its name, area code and default data directory', () => {
  const config = parseApplianceConfig({ env: { JZ_COUNTY: '110101' } });
  expect(config.county).toEqual({ code: '110101', name: '北京市东城区', areaCode: '010' });
  expect(config.dataDir).toBe('./data/110101');
});

test('a county with no known area code still runs, with areaCode null', () => {
  expect(parseApplianceConfig({ env: { JZ_COUNTY: '429021' } }).county).toEqual({
    code: '429021',
    name: '湖北省神农架林区',
    areaCode: null,
  });
});

test('JZ_HOST, JZ_PORT and JZ_DATA_DIR are read, surrounding spaces trimmed', () => {
  const config = parseApplianceConfig({
    env: { JZ_HOST: ' 0.0.0.0 ', JZ_PORT: ' 9090 ', JZ_DATA_DIR: '/var/lib/jiazheng' },
  });
  expect(config).toMatchObject({ host: '0.0.0.0', port: 9090, dataDir: '/var/lib/jiazheng' });
});

test('host names and IPv6 literals are accepted as JZ_HOST', () => {
  expect(parseApplianceConfig({ env: { JZ_HOST: 'localhost' } }).host).toBe('localhost');
  expect(parseApplianceConfig({ env: { JZ_HOST: 'appliance-1.lan' } }).host).toBe('appliance-1.lan');
  expect(parseApplianceConfig({ env: { JZ_HOST: '::' } }).host).toBe('::');
  expect(parseApplianceConfig({ env: { JZ_HOST: 'fe80::1' } }).host).toBe('fe80::1');
});

test('JZ_PORT=0 is allowed so tests can ask the OS for a free port', () => {
  expect(parseApplianceConfig({ env: { JZ_PORT: '0' } }).port).toBe(0);
  expect(parseApplianceConfig({ env: { JZ_PORT: '65535' } }).port).toBe(65535);
});

test('empty variables count as unset', () => {
  expect(
    parseApplianceConfig({ env: { JZ_COUNTY: '', JZ_HOST: ' ', JZ_PORT: '', JZ_DATA_DIR: '' } }),
  ).toEqual(parseApplianceConfig({ env: {} }));
});

test('unrelated variables are ignored', () => {
  expect(parseApplianceConfig({ env: { PATH: '/usr/bin', JZ_OTHER: 'x' } }).port).toBe(8080);
});

test.each([
  ['999999', 'no region has code 999999'],
  ['330100', 'is a city, not a county'],
  ['330000', 'is a province, not a county'],
  ['33010', 'six-digit'],
  ['abcdef', 'six-digit'],
])('JZ_COUNTY=%s is refused, naming the variable', (value, reason) => {
  const error = configError({ JZ_COUNTY: value });
  expect(error.code).toBe('invalid_input');
  expect(error.field).toBe('JZ_COUNTY');
  expect(error.message).toMatch(/^JZ_COUNTY="/);
  expect(error.message).toContain(reason);
});

test.each(['-1', '65536', '8080abc', '0x1F90', '1e3', '80.5', 'http'])(
  'JZ_PORT=%s is refused, naming the variable',
  (value) => {
    const error = configError({ JZ_PORT: value });
    expect(error).toMatchObject({ code: 'invalid_input', field: 'JZ_PORT' });
    expect(error.message).toContain('JZ_PORT');
    expect(error.message).toContain('0 to 65535');
  },
);

test.each(['http://host', 'host name', 'a'.repeat(254), '-bad.example', 'host/evil'])(
  'JZ_HOST=%s is refused, naming the variable',
  (value) => {
    expect(configError({ JZ_HOST: value })).toMatchObject({ code: 'invalid_input', field: 'JZ_HOST' });
  },
);

test('JZ_DATA_DIR with control characters or of absurd length is refused, naming the variable', () => {
  expect(configError({ JZ_DATA_DIR: 'data\n/etc' })).toMatchObject({ field: 'JZ_DATA_DIR' });
  expect(configError({ JZ_DATA_DIR: 'd'.repeat(1025) })).toMatchObject({ field: 'JZ_DATA_DIR' });
});

test('error messages quote a long bad value only in part', () => {
  const error = configError({ JZ_HOST: 'x'.repeat(5000) + '/' });
  expect(error.message.length).toBeLessThan(200);
  expect(error.message).toContain('…');
});

test('the schema can be used directly with typed input', () => {
  const config = applianceConfigSchema.parse({ countyCode: '310101', port: 0 });
  expect(config).toMatchObject({ county: { code: '310101', areaCode: '021' }, port: 0, host: '127.0.0.1' });
  expect(applianceConfigSchema.safeParse({ port: 70000 }).success).toBe(false);
  expect(applianceConfigSchema.safeParse({ colour: 'red' }).success).toBe(false);
});

test('JZ_HUB_URL turns on sync with the hub; the hub admin token doubles as the local one', () => {
  const config = parseApplianceConfig({
    env: { JZ_HUB_URL: 'http://hub.example:8090/', JZ_HUB_ADMIN_TOKEN: 'hub-admin-token-0123' },
  });
  expect(config.hub).toEqual({
    url: 'http://hub.example:8090',
    adminToken: 'hub-admin-token-0123',
    reconnectMaxMs: 30_000,
  });
  expect(config.adminToken).toBe('hub-admin-token-0123');
  expect(parseApplianceConfig({ env: {} }).hub).toBeUndefined();
});

test('JZ_ADMIN_TOKEN wins over the hub token; JZ_HUB_RECONNECT_MAX_MS sets the backoff ceiling', () => {
  const config = parseApplianceConfig({
    env: {
      JZ_HUB_URL: 'https://hub.example',
      JZ_HUB_ADMIN_TOKEN: 'hub-admin-token-0123',
      JZ_ADMIN_TOKEN: 'local-admin-token-0123',
      JZ_HUB_RECONNECT_MAX_MS: '1000',
    },
  });
  expect(config.adminToken).toBe('local-admin-token-0123');
  expect(config.hub).toMatchObject({ url: 'https://hub.example', reconnectMaxMs: 1000 });
});

test.each([
  ['JZ_HUB_URL', 'ftp://hub.example', 'http://'],
  ['JZ_HUB_URL', 'not a url', 'URL'],
  ['JZ_HUB_URL', 'http://user:pw@hub.example', 'credentials'],
  ['JZ_HUB_URL', 'http://hub.example/?x=1', 'query'],
  ['JZ_HUB_ADMIN_TOKEN', 'short', 'at least 16'],
  ['JZ_ADMIN_TOKEN', 'a token with spaces', 'without spaces'],
  ['JZ_HUB_RECONNECT_MAX_MS', '10', 'at least 100'],
])('%s=%j is refused, naming the variable', (name, value, reason) => {
  const error = configError({ [name]: value });
  expect(error.field).toBe(name);
  expect(error.message).toContain(reason);
});

test('admin tokens are never echoed in an error', () => {
  expect(configError({ JZ_HUB_ADMIN_TOKEN: 'secret' }).message).not.toContain('secret');
  expect(configError({ JZ_ADMIN_TOKEN: 'secret with space' }).message).not.toContain('secret');
});
