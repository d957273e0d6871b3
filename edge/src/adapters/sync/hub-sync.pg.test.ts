import { PGlite } from '@electric-sql/pglite';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { PostgresRecordStore } from '@jiazheng/sync/storage/postgres';
import { usePostgresTestServer } from '@jiazheng/sync/test-support/postgres-hooks';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PgAdvisoryRecordLocks } from '../storage/pg-advisory-record-locks';
import { HubSync } from './hub-sync';
import { describeHubSync } from './hub-sync.suite';

// The hub's databases: a real PostgreSQL 15 for this file (without one installed every test fails with the
// line to install it), and PGlite, each store emptied before a test.
const postgres = usePostgresTestServer();
let pglite: PGlite | undefined;

beforeAll(async () => {
  pglite = new PGlite();
  await pglite.waitReady;
}, 60_000);

afterAll(async () => {
  await pglite?.close();
}, 30_000);

describeHubSync({
  name: 'PostgreSQL 15',
  openStore: async () => {
    await postgres.pool().query('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    return PostgresRecordStore.open({ pool: postgres.pool() });
  },
});

describeHubSync({
  name: 'PGlite',
  openStore: async () => {
    if (!pglite) throw new Error('PGlite did not start');
    await pglite.exec('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
    return PgliteRecordStore.attach({ pglite });
  },
});

test('two hub processes on one PostgreSQL decide every proposal on a shared record exactly once', async () => {
  await postgres.pool().query('DROP TABLE IF EXISTS record_updates, records, meta, change_seq');
  const pools = [0, 1].map(() => postgres.openPool());
  const locks = [0, 1].map(
    () => new PgAdvisoryRecordLocks({ connectionString: postgres.server().connectionString }),
  );
  const quiet = { info: () => {}, error: () => {} };
  const hubs: HubSync[] = [];
  for (const [i, p] of pools.entries()) {
    const keys = await generateDeviceKeys({ extractable: false });
    const device = {
      deviceId: `hub-${i}`,
      publicKey: await exportPublicKey({ key: keys.publicKey }),
      privateKey: keys.privateKey,
    };
    const hub = new HubSync({
      store: await PostgresRecordStore.open({ pool: p }),
      device,
      logger: quiet,
      exclusive: (locks[i] as PgAdvisoryRecordLocks).run,
    });
    // One after the other, as a second process joins a running hub.
    await hub.start();
    hubs.push(hub);
  }
  const [first, second] = hubs as [HubSync, HubSync];
  expect(second.identity().directoryId).toBe(first.identity().directoryId);

  const recordId = 'enterprise:hub:01JZ2HBS000000000000000000';
  await first.propose({
    recordId,
    commands: [
      {
        type: 'apply',
        payload: {
          enterpriseId: recordId,
          kind: 'volunteer',
          name: '两个进程志愿队',
          licenceNumber: null,
          contactName: '王芳',
          contactPhone: '13800000000',
          items: ['ELD-VISIT'],
          counties: ['330106'],
          documents: [],
        },
      },
    ],
  });
  // Officers at both processes act on the same application at once; the domain accepts the first
  // startReview and refuses the rest (it is under review by then), and each is decided exactly once.
  const acts = Array.from({ length: 12 }, (_, i) =>
    (i % 2 === 0 ? first : second)
      .propose({
        recordId,
        staff: { username: `officer${i % 3}`, name: '审核员', role: 'registry_officer', countyCode: null },
        commands: [{ type: 'startReview', payload: {} }],
      })
      .then(
        () => 'accepted',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
  );
  const outcomes = await Promise.all(acts);
  expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
  const report = await first.report({ recordId });
  expect(report?.pending).toBe(0);
  expect(report?.proposals).toHaveLength(13);
  // One log entry per proposal: none decided twice by the two processes.
  expect(report?.logLength).toBe(13);
  expect(report?.proposals.filter((p) => p.decision === 'accepted')).toHaveLength(2);

  for (const hub of hubs) await hub.stop();
  for (const lock of locks) await lock.close();
}, 60_000);
