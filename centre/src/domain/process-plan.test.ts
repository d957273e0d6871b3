import { expect, test } from 'vitest';
import { CentreConfigError, DEFAULT_CENTRE_CONFIG, parseCentreConfig } from './centre-config';
import { childEnv, joinPath, planCentre } from './process-plan';

const secrets = {
  hubAdminToken: 'hub-token-0123456789abcdef',
  applianceAdminTokens: { '330106': 'xihu-token-0123456789', '330102': 'shangcheng-token-012345' },
};

test('the plan: the hub on base+10, an appliance per county from the base up, all pointing at the hub', () => {
  const plan = planCentre({
    dataDir: '/srv/jz/data',
    basePort: 8080,
    secrets,
    scenarioFile: '/x/training.json',
  });
  expect(plan.hub.url).toBe('http://127.0.0.1:8090');
  expect(plan.hub.env).toEqual({
    JZ_HUB_HOST: '127.0.0.1',
    JZ_HUB_PORT: '8090',
    JZ_HUB_DATA_DIR: '/srv/jz/data/hub',
    JZ_HUB_ADMIN_TOKEN: secrets.hubAdminToken,
    JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: expect.any(String) as string,
  });
  expect(plan.appliances.map((a) => [a.name, a.url, a.env.DATA_DIR])).toEqual([
    ['330106', 'http://127.0.0.1:8080', '/srv/jz/data/330106'],
    ['330102', 'http://127.0.0.1:8081', '/srv/jz/data/330102'],
  ]);
  for (const appliance of plan.appliances) {
    expect(appliance.pkg).toBe('appliance');
    expect(appliance.env.HUB_URL).toBe(plan.hub.url);
    expect(appliance.env.HUB_ADMIN_TOKEN).toBe(secrets.hubAdminToken);
    expect(appliance.env.ADMIN_TOKEN).toBe(secrets.applianceAdminTokens[appliance.name as '330106']);
    expect(appliance.env.SIMULATOR_SCENARIO).toBe('/x/training.json');
    expect(appliance.env.COUNTY).toBe(appliance.county?.code);
    expect(appliance.env.BOOTSTRAP_ADMIN_PASSWORD?.length).toBeGreaterThanOrEqual(10);
  }
});

test('a county without a token is a programming error, not a silent appliance without admin endpoints', () => {
  expect(() =>
    planCentre({
      dataDir: '/d',
      basePort: 9000,
      secrets: { hubAdminToken: 'x'.repeat(20), applianceAdminTokens: {} },
      scenarioFile: '/s.json',
    }),
  ).toThrow(/no admin token/);
});

test('a child gets the parent environment without product settings, plus its own', () => {
  const plan = planCentre({ dataDir: '/d', basePort: 9000, secrets, scenarioFile: '/s.json' });
  const appliance = plan.appliances[0];
  if (appliance === undefined) throw new Error('no appliance');
  const env = childEnv({
    parent: {
      PATH: '/usr/bin',
      HOME: '/root',
      COUNTY: '110101',
      JZ_HUB_PORT: '1',
      ESL_HOST: 'pbx',
      PWA_DIR: '/p',
    },
    spec: appliance,
  });
  expect(env.PATH).toBe('/usr/bin');
  expect(env.COUNTY).toBe('330106');
  expect(env.ESL_HOST).toBeUndefined();
  expect(env.PWA_DIR).toBeUndefined();
  expect(env.JZ_HUB_PORT).toBeUndefined();
});

test('joinPath', () => {
  expect(joinPath('/a/', 'b', '/c/')).toBe('/a/b/c');
  expect(joinPath('rel', 'x')).toBe('rel/x');
});

test('settings: defaults, and errors that name the variable', () => {
  expect(parseCentreConfig({ env: {} })).toEqual(DEFAULT_CENTRE_CONFIG);
  expect(
    parseCentreConfig({
      env: {
        JZ_CENTRE_DATA_DIR: '/tmp/x',
        JZ_CENTRE_BASE_PORT: '19000',
        JZ_CENTRE_SEED_DAYS: '3',
        JZ_CENTRE_ORDERS_PER_DAY: '2',
        JZ_CENTRE_SKIP_PWA_BUILD: '1',
      },
    }),
  ).toEqual({ dataDir: '/tmp/x', basePort: 19000, seedDays: 3, ordersPerDay: 2, skipPwaBuild: true });
  expect(() => parseCentreConfig({ env: { JZ_CENTRE_BASE_PORT: '80' } })).toThrow(CentreConfigError);
  expect(() => parseCentreConfig({ env: { JZ_CENTRE_BASE_PORT: '8080abc' } })).toThrow(/JZ_CENTRE_BASE_PORT/);
  expect(() => parseCentreConfig({ env: { JZ_CENTRE_SEED_DAYS: '0' } })).toThrow(/JZ_CENTRE_SEED_DAYS/);
  expect(() => parseCentreConfig({ env: { JZ_CENTRE_SKIP_PWA_BUILD: 'maybe' } })).toThrow(/SKIP_PWA/);
  expect(parseCentreConfig({ env: { JZ_CENTRE_BASE_PORT: ' ' } }).basePort).toBe(8080);
});
