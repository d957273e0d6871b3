import { usePostgresTestServer } from '@jiazheng/sync/test-support/postgres-hooks';
import type pg from 'pg';
import { expect, test } from 'vitest';
import { PgAdvisoryLeaderLock } from '../adapters/storage/pg-advisory-leader-lock';
import { LeaderServices, SoleLeaderLock } from './leader-services';

const postgres = usePostgresTestServer();

function openPool(): pg.Pool {
  return postgres.openPool({ max: 3 });
}

const quiet = { info: () => {}, error: () => {} };

/** A led service that records what it was told, as a projection would start and stop. */
function recorder(name: string, events: string[]) {
  return {
    start: () => {
      events.push(`${name} start`);
      return Promise.resolve();
    },
    stop: () => {
      events.push(`${name} stop`);
      return Promise.resolve();
    },
  };
}

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('one hub process of two leads; when its database session dies the other takes over, and the first stops its work', async () => {
  const events: string[] = [];
  const [poolA, poolB] = [openPool(), openPool()];
  const a = new LeaderServices({
    lock: new PgAdvisoryLeaderLock({ pool: poolA }),
    services: [recorder('A projections', events), recorder('A mail', events)],
    logger: quiet,
    pollMs: 50,
    name: 'work',
  });
  const b = new LeaderServices({
    lock: new PgAdvisoryLeaderLock({ pool: poolB }),
    services: [recorder('B projections', events)],
    logger: quiet,
    pollMs: 50,
    name: 'work',
  });
  await a.start();
  await b.start();
  expect([a.leading, b.leading]).toEqual([true, false]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(events).toEqual(['A projections start', 'A mail start']);

  // The server ends A's locking session (a crashed process, a cut connection): the lock goes with it.
  const killed = await poolB.query<{ ok: boolean }>(
    "SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted",
  );
  expect(killed.rows.map((row) => row.ok)).toEqual([true]);
  await until('B to take over and A to stand down', () => b.leading && !a.leading);
  expect(events.slice(2).sort()).toEqual(['A mail stop', 'A projections stop', 'B projections start']);
  // A stopped in reverse order.
  expect(events.indexOf('A mail stop')).toBeLessThan(events.indexOf('A projections stop'));

  // A stopping cleanly releases nothing it does not hold; B stopping releases the lock for A again.
  await b.stop();
  await until('A to lead again', () => a.leading);
  expect(events.at(-1)).toBe('A mail start');
  await a.stop();
  const locks = await poolB.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'");
  expect(locks.rowCount).toBe(0);
}, 30_000);

test('a leader whose work fails to start gives the lock up rather than run half of it', async () => {
  const pool = openPool();
  const events: string[] = [];
  const failing = {
    start: () => Promise.reject(new Error('the projection tables could not be created')),
    stop: () => Promise.resolve(),
  };
  const errors: unknown[] = [];
  const leader = new LeaderServices({
    lock: new PgAdvisoryLeaderLock({ pool }),
    services: [recorder('rollups', events), failing],
    logger: { info: () => {}, error: (...args: unknown[]) => errors.push(args) },
    pollMs: 10_000,
    name: 'work',
  });
  await leader.start();
  expect(leader.leading).toBe(false);
  expect(events).toEqual(['rollups start', 'rollups stop']);
  expect(String(errors[0])).toMatch(/check failed/);
  const locks = await pool.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory'");
  expect(locks.rowCount).toBe(0);
  await leader.stop();
});

test('on PGlite the only process leads at once', async () => {
  const events: string[] = [];
  const leader = new LeaderServices({
    lock: new SoleLeaderLock(),
    services: [recorder('projections', events)],
    logger: quiet,
    name: 'work',
  });
  await leader.start();
  expect(leader.leading).toBe(true);
  await leader.stop();
  expect(events).toEqual(['projections start', 'projections stop']);
});
