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

function catchError(options: { env: Record<string, string>; file?: Record<string, unknown> }): DomainError {
  try {
    parseApplianceConfig(options);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

function invalidField(options: {
  env: Record<string, string>;
  file?: Record<string, unknown>;
}): string | undefined {
  return catchError(options).field;
}

test('defaults to 杭州市西湖区 on loopback port 8080 with a per-county data directory', () => {
  expect(parseApplianceConfig({ env: {} })).toEqual({
    county: { code: '330106', name: '浙江省杭州市西湖区', areaCode: '0571' },
    host: '127.0.0.1',
    port: 8080,
    dataDir: './data/330106',
    recordingsDir: './data/330106/recordings',
    switch: { kind: 'simulator', scenario: undefined },
    bootstrapAdminPassword: undefined,
    provisioningFile: undefined,
    pwaDir: undefined,
    sms: { webhookToken: undefined, gateway: undefined, switch: undefined, ownNumbers: [] },
    tls: undefined,
    hub: undefined,
    adminToken: undefined,
  });
});

test('ESL_HOST names a real switch, which needs its own password; without it the simulator runs', () => {
  expect(
    parseApplianceConfig({ env: { ESL_HOST: '10.1.2.3', ESL_PASSWORD: 'a-long-secret' } }).switch,
  ).toEqual({ kind: 'freeswitch', host: '10.1.2.3', port: 8021, password: 'a-long-secret' });
  expect(invalidField({ env: { ESL_HOST: '10.1.2.3' } })).toBe('ESL_PASSWORD');
  expect(invalidField({ env: { ESL_HOST: '10.1.2.3', ESL_PASSWORD: 'ClueCon' } })).toBe('ESL_PASSWORD');
  expect(
    invalidField({
      env: { ESL_HOST: '10.1.2.3', ESL_PASSWORD: 'x'.repeat(9), SIMULATOR_SCENARIO: 'a.json' },
    }),
  ).toBe('SIMULATOR_SCENARIO');
  expect(invalidField({ env: { ESL_PORT: '80a' } })).toBe('ESL_PORT');
});

test('a configuration file gives settings by the same names; the environment wins; unknown names are refused', () => {
  const config = parseApplianceConfig({
    env: { HTTP_PORT: '9000' },
    file: { COUNTY: '110101', HTTP_PORT: 8081, RECORDINGS_DIR: '/srv/rec' },
  });
  expect(config.county.code).toBe('110101');
  expect(config.port).toBe(9000);
  expect(config.recordingsDir).toBe('/srv/rec');
  expect(invalidField({ env: {}, file: { COUNTRY: '110101' } })).toBe('COUNTRY');
  expect(invalidField({ env: {}, file: { COUNTY: { code: 1 } } })).toBe('COUNTY');
});

test('TLS_CERT_FILE and TLS_KEY_FILE turn HTTPS on (port 8443 unless HTTPS_PORT); one without the other is refused', () => {
  expect(
    parseApplianceConfig({ env: { TLS_CERT_FILE: '/etc/jz/server.crt', TLS_KEY_FILE: '/etc/jz/server.key' } })
      .tls,
  ).toEqual({
    port: 8443,
    certFile: '/etc/jz/server.crt',
    keyFile: '/etc/jz/server.key',
    caFile: undefined,
  });
  expect(invalidField({ env: { TLS_CERT_FILE: '/etc/jz/server.crt' } })).toBe('TLS_KEY_FILE');
  expect(invalidField({ env: { TLS_KEY_FILE: '/etc/jz/server.key' } })).toBe('TLS_CERT_FILE');
});

test('SMS: gateway URL and token go together, switch from and to go together, own numbers are known', () => {
  const config = parseApplianceConfig({
    env: {
      SMS_GATEWAY_URL: 'https://sms.carrier.example/v1/send',
      SMS_GATEWAY_TOKEN: 'gateway-token-1',
      SMS_GATEWAY_FROM: '12345',
      SMS_SWITCH_FROM: '10690001@jz.example',
      SMS_SWITCH_TO: 'external/{number}@sms.carrier.example',
    },
  });
  expect(config.sms.ownNumbers).toEqual(['12345', '10690001']);
  expect(config.sms.gateway?.url).toBe('https://sms.carrier.example/v1/send');
  expect(invalidField({ env: { SMS_GATEWAY_URL: 'https://sms.example' } })).toBe('SMS_GATEWAY_TOKEN');
  expect(invalidField({ env: { SMS_SWITCH_TO: 'external/{number}@x' } })).toBe('SMS_SWITCH_FROM');
  expect(invalidField({ env: { SMS_SWITCH_FROM: 'a|b', SMS_SWITCH_TO: 'x/{number}' } })).toBe(
    'SMS_SWITCH_FROM',
  );
  expect(catchError({ env: { SMS_GATEWAY_TOKEN: 'has space inside' } }).message).not.toContain(
    'space inside',
  );
});

test('secrets are never echoed in errors', () => {
  const error = catchError({ env: { BOOTSTRAP_ADMIN_PASSWORD: 'short' } });
  expect(error.field).toBe('BOOTSTRAP_ADMIN_PASSWORD');
  expect(error.message).not.toContain('short');
});

test('COUNTY picks the county and derives its name, area code and default data directory', () => {
  const config = parseApplianceConfig({ env: { COUNTY: '110101' } });
  expect(config.county).toEqual({ code: '110101', name: '北京市东城区', areaCode: '010' });
  expect(config.dataDir).toBe('./data/110101');
});

test('a county with no known area code still runs, with areaCode null', () => {
  expect(parseApplianceConfig({ env: { COUNTY: '429021' } }).county).toEqual({
    code: '429021',
    name: '湖北省神农架林区',
    areaCode: null,
  });
});

test('HTTP_HOST, HTTP_PORT and DATA_DIR are read, surrounding spaces trimmed', () => {
  const config = parseApplianceConfig({
    env: { HTTP_HOST: ' 0.0.0.0 ', HTTP_PORT: ' 9090 ', DATA_DIR: '/var/lib/jiazheng' },
  });
  expect(config).toMatchObject({ host: '0.0.0.0', port: 9090, dataDir: '/var/lib/jiazheng' });
});

test('host names and IPv6 literals are accepted as HTTP_HOST', () => {
  expect(parseApplianceConfig({ env: { HTTP_HOST: 'localhost' } }).host).toBe('localhost');
  expect(parseApplianceConfig({ env: { HTTP_HOST: 'appliance-1.lan' } }).host).toBe('appliance-1.lan');
  expect(parseApplianceConfig({ env: { HTTP_HOST: '::' } }).host).toBe('::');
  expect(parseApplianceConfig({ env: { HTTP_HOST: 'fe80::1' } }).host).toBe('fe80::1');
});

test('HTTP_PORT=0 is allowed so tests can ask the OS for a free port', () => {
  expect(parseApplianceConfig({ env: { HTTP_PORT: '0' } }).port).toBe(0);
  expect(parseApplianceConfig({ env: { HTTP_PORT: '65535' } }).port).toBe(65535);
});

test('empty variables count as unset', () => {
  expect(parseApplianceConfig({ env: { COUNTY: '', HTTP_HOST: ' ', HTTP_PORT: '', DATA_DIR: '' } })).toEqual(
    parseApplianceConfig({ env: {} }),
  );
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
])('COUNTY=%s is refused, naming the variable', (value, reason) => {
  const error = configError({ COUNTY: value });
  expect(error.code).toBe('invalid_input');
  expect(error.field).toBe('COUNTY');
  expect(error.message).toMatch(/^COUNTY="/);
  expect(error.message).toContain(reason);
});

test.each(['-1', '65536', '8080abc', '0x1F90', '1e3', '80.5', 'http'])(
  'HTTP_PORT=%s is refused, naming the variable',
  (value) => {
    const error = configError({ HTTP_PORT: value });
    expect(error).toMatchObject({ code: 'invalid_input', field: 'HTTP_PORT' });
    expect(error.message).toContain('HTTP_PORT');
    expect(error.message).toContain('0 to 65535');
  },
);

test.each(['http://host', 'host name', 'a'.repeat(254), '-bad.example', 'host/evil'])(
  'HTTP_HOST=%s is refused, naming the variable',
  (value) => {
    expect(configError({ HTTP_HOST: value })).toMatchObject({ code: 'invalid_input', field: 'HTTP_HOST' });
  },
);

test('DATA_DIR with control characters or of absurd length is refused, naming the variable', () => {
  expect(configError({ DATA_DIR: 'data\n/etc' })).toMatchObject({ field: 'DATA_DIR' });
  expect(configError({ DATA_DIR: 'd'.repeat(1025) })).toMatchObject({ field: 'DATA_DIR' });
});

test('error messages quote a long bad value only in part', () => {
  const error = configError({ HTTP_HOST: 'x'.repeat(5000) + '/' });
  expect(error.message.length).toBeLessThan(200);
  expect(error.message).toContain('…');
});

test('the schema can be used directly with typed input', () => {
  const config = applianceConfigSchema.parse({ countyCode: '310101', port: 0 });
  expect(config).toMatchObject({ county: { code: '310101', areaCode: '021' }, port: 0, host: '127.0.0.1' });
  expect(applianceConfigSchema.safeParse({ port: 70000 }).success).toBe(false);
  expect(applianceConfigSchema.safeParse({ colour: 'red' }).success).toBe(false);
});

test('HUB_URL turns on sync with the hub; the hub admin token doubles as the local one', () => {
  const config = parseApplianceConfig({
    env: { HUB_URL: 'http://hub.example:8090/', HUB_ADMIN_TOKEN: 'hub-admin-token-0123' },
  });
  expect(config.hub).toEqual({
    url: 'http://hub.example:8090',
    adminToken: 'hub-admin-token-0123',
    reconnectMaxMs: 30_000,
  });
  expect(config.adminToken).toBe('hub-admin-token-0123');
  expect(parseApplianceConfig({ env: {} }).hub).toBeUndefined();
});

test('ADMIN_TOKEN wins over the hub token; HUB_RECONNECT_MAX_MS sets the backoff ceiling', () => {
  const config = parseApplianceConfig({
    env: {
      HUB_URL: 'https://hub.example',
      HUB_ADMIN_TOKEN: 'hub-admin-token-0123',
      ADMIN_TOKEN: 'local-admin-token-0123',
      HUB_RECONNECT_MAX_MS: '1000',
    },
  });
  expect(config.adminToken).toBe('local-admin-token-0123');
  expect(config.hub).toMatchObject({ url: 'https://hub.example', reconnectMaxMs: 1000 });
});

test.each([
  ['HUB_URL', 'ftp://hub.example', 'http://'],
  ['HUB_URL', 'not a url', 'URL'],
  ['HUB_URL', 'http://user:pw@hub.example', 'credentials'],
  ['HUB_URL', 'http://hub.example/?x=1', 'query'],
  ['HUB_ADMIN_TOKEN', 'short', 'at least 16'],
  ['ADMIN_TOKEN', 'a token with spaces', 'without spaces'],
  ['HUB_RECONNECT_MAX_MS', '10', 'at least 100'],
])('%s=%j is refused, naming the variable', (name, value, reason) => {
  const error = configError({ [name]: value });
  expect(error.field).toBe(name);
  expect(error.message).toContain(reason);
});

test('admin tokens are never echoed in an error', () => {
  expect(configError({ HUB_ADMIN_TOKEN: 'secret' }).message).not.toContain('secret');
  expect(configError({ ADMIN_TOKEN: 'secret with space' }).message).not.toContain('secret');
});
