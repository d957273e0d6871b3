import { expect, test } from 'vitest';
import { READY_LINE, renderBanner } from './banner';
import { DEMO_PASSWORD } from './demo-logins';
import { planCentre } from './process-plan';

const plan = planCentre({
  dataDir: '/srv/data',
  basePort: 8080,
  scenarioFile: '/s.json',
  secrets: {
    hubAdminToken: 'h'.repeat(20),
    applianceAdminTokens: { '330106': 'a'.repeat(20), '330102': 'b'.repeat(20) },
  },
});

test('the banner: ready line, every URL, every demo login, loudly demo only, and no secret', () => {
  const text = renderBanner({
    plan,
    dataDir: '/srv/data',
    secretsFile: '/srv/data/centre.json',
    hubConsoleUrl: 'http://127.0.0.1:8090/console/',
    pwaBuilt: true,
    seed: {
      enterprises: 33,
      workers: 79,
      orders: { '330106': 165, '330102': 172 },
      seededAt: 0,
      seconds: 80,
    },
    seededNow: true,
    startupSeconds: 150,
  }).join('\n');
  expect(text).toContain(READY_LINE);
  for (const url of [
    'http://127.0.0.1:8090/',
    'http://127.0.0.1:8080/',
    'http://127.0.0.1:8081/',
    '/console/',
  ])
    expect(text).toContain(url);
  for (const username of ['analyst', 'registry', 'inspector', 'technician', 'taker1', 'taker2', 'supervisor'])
    expect(text).toContain(username);
  expect(text).toContain(DEMO_PASSWORD);
  expect(text).toContain('DEMO ONLY');
  expect(text).toContain('made by this start');
  expect(text).not.toContain('h'.repeat(20));
  expect(text).not.toContain('a'.repeat(20));
});

test('without the hub console or the PWA build, and on a second start', () => {
  const text = renderBanner({
    plan,
    dataDir: '/d',
    secretsFile: '/d/centre.json',
    hubConsoleUrl: undefined,
    pwaBuilt: false,
    seed: { enterprises: 1, workers: 1, orders: {}, seededAt: Date.UTC(2026, 10, 1), seconds: 1 },
    seededNow: false,
    startupSeconds: 10,
  }).join('\n');
  expect(text).not.toContain('/console/');
  expect(text).toContain('not built');
  expect(text).toContain('kept from the first start (2026-11-01');
});
