/**
 * The credit lists and the training centre at national scale: `npm run bench:credit -w @jiazheng/edge
 * [-- --postgres]`. Builds a registry of real signed records decided by a real HubSync, on PGlite in a
 * temporary directory as a single-box hub keeps them (`--postgres` or BENCH_POSTGRES=1: on a throwaway
 * PostgreSQL 15 instead), with the hub's own `openHubRecordStore`:
 *
 * - BENCH_ENTERPRISES (3,000) enterprises applied by the hub and reviewed, approved and activated by an
 *   officer (one in ten a volunteer group; a few left applied or under review, some warned, suspended or
 *   blacklisted), each approved one with BENCH_WORKERS (10) workers, nine in ten trained: the first
 *   BENCH_WORKER_RECORDS (600) as real worker records (the course's trainees come from them), the others
 *   as `workers` projection rows (the only place the credit lists read workers from);
 * - BENCH_INSPECTIONS (2,000) inspections scheduled by the officer and completed by an inspector (pass,
 *   rectify or fail);
 * - BENCH_COMPLAINTS (5,000) complaints filed, three in five assigned and decided (dismissed, penalty,
 *   refund, suspension);
 * - the `workers` projection by the Projector from those records; BENCH_ORDERS (500,000) `orders`
 *   projection rows inserted by SQL (as registry-routes.test.ts's volunteer test does, at scale), spread
 *   over the approved enterprises.
 *
 * Then it measures the credit lists (cold, cached, after a registry act, over HTTP) and a course of
 * BENCH_TRAINEES (500) workers from schedule to completion (the first 100 enrolments and 10 acts of each
 * later phase through TrainingService.command, the rest batched: BENCH_SERVICE_COMMANDS=500 sends all
 * through the service, which takes far longer), and prints the figures as a BENCH.md section. The whole run
 * took about 15 minutes on 2 shared cores.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  buildRegisterWorkerPayload,
  createId,
  formatRecordId,
  listChildren,
  ReviewCheck,
  Role,
  type CourseState,
} from '@jiazheng/sync/domain';
import type { DeviceKey } from '@jiazheng/sync/node';
import { Projector, workers } from '@jiazheng/sync/projections';
import { exportPublicKey, generateDeviceKeys } from '@jiazheng/sync/records';
import { startPostgresTestServer, type PostgresTestServer } from '@jiazheng/sync/test-support/postgres';
import { sql } from 'drizzle-orm';
import { createHubHttpApp } from '../src/adapters/http/http-app';
import { JsonFileAccountStore } from '../src/adapters/files/json-file-account-store';
import { DrizzleIdentityVault } from '../src/adapters/storage/drizzle-identity-vault';
import { openHubRecordStore } from '../src/adapters/storage/open-record-store';
import { HubRecordSet } from '../src/adapters/sync/hub-record-set';
import { HubRegistry } from '../src/adapters/sync/hub-registry';
import { HubSync, type StaffActor } from '../src/adapters/sync/hub-sync';
import { computeCreditLists } from '../src/domain/registry-credit';
import { CreditListService } from '../src/services/credit-list-service';
import { HubAccountService, type HubPrincipal } from '../src/services/hub-account-service';
import { RegistryService } from '../src/services/registry-service';
import { TrainingService } from '../src/services/training-service';

const args = process.argv.slice(2);
const onPostgres = args.includes('--postgres') || process.env.BENCH_POSTGRES === '1';
const count = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
};
const ENTERPRISES = count('BENCH_ENTERPRISES', 3000);
const WORKERS = count('BENCH_WORKERS', 10);
const INSPECTIONS = count('BENCH_INSPECTIONS', 2000);
const COMPLAINTS = count('BENCH_COMPLAINTS', 5000);
const ORDERS = count('BENCH_ORDERS', 500_000);
const TRAINEES = Math.min(500, count('BENCH_TRAINEES', 500));
/** Workers kept as real records (the trainees come from them); the rest are `workers` projection rows. */
const WORKER_RECORDS = count('BENCH_WORKER_RECORDS', TRAINEES + 100);
/** Commands of each training phase through TrainingService.command (else: 100 enrolments, 10 of the others). */
const SERVICE_COMMANDS =
  process.env.BENCH_SERVICE_COMMANDS === undefined ? undefined : count('BENCH_SERVICE_COMMANDS', 0);
/** Records built at once (each its own record): overlaps the signing with the store's writes. */
const CONCURRENCY = Math.max(1, count('BENCH_CONCURRENCY', 4));

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const quiet = { info: () => {}, error: () => {} };
const clock = { now: Date.now() };
const now = () => clock.now;
const startLoad = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value: number) =>
  value >= 10_000 ? seconds(value) : `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms`;
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const pct = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
};
const mean = (list: number[]) => (list.length === 0 ? 0 : list.reduce((a, b) => a + b, 0) / list.length);

/** Runs `work` and samples the process's RSS every 5 ms meanwhile (between awaits: a floor of the peak). */
async function measure<T>(
  work: () => Promise<T>,
): Promise<{ value: T; ms: number; peakRss: number; rssBefore: number }> {
  const rssBefore = process.memoryUsage.rss();
  let peakRss = rssBefore;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const at = performance.now();
  try {
    const value = await work();
    const elapsed = performance.now() - at;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    return { value, ms: elapsed, peakRss, rssBefore };
  } finally {
    clearInterval(timer);
  }
}

async function inParallel<T>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i);
    }),
  );
}

async function makeKey(deviceId: string): Promise<DeviceKey> {
  const keys = await generateDeviceKeys({ extractable: false });
  return { deviceId, publicKey: await exportPublicKey({ key: keys.publicKey }), privateKey: keys.privateKey };
}

const counties = listChildren({})
  .flatMap((province) => listChildren({ code: province.code }))
  .flatMap((city) => (city.level === 'county' ? [city] : listChildren({ code: city.code })))
  .filter((region) => region.level === 'county')
  .map((region) => region.code);
const countyOf = (i: number) => counties[(i * 7919) % counties.length] ?? '330106';
const allChecks = Object.fromEntries(Object.values(ReviewCheck).map((c) => [c, true]));
const officer: StaffActor = {
  username: 'officer',
  name: '赵科长',
  role: Role.registryOfficer,
  countyCode: null,
};
const inspector: StaffActor = {
  username: 'inspector',
  name: '钱督查',
  role: Role.qualityInspector,
  countyCode: null,
};
const officerPrincipal: HubPrincipal = {
  username: 'officer',
  displayName: '赵科长',
  role: Role.registryOfficer,
  scope: { level: 'country' },
  via: 'session',
};

const dataDir = await mkdtemp(join(tmpdir(), 'jz-credit-bench-'));
let server: PostgresTestServer | undefined;
if (onPostgres) {
  log('starting PostgreSQL 15');
  server = await startPostgresTestServer({ settings: ['shared_buffers=1GB', 'work_mem=256MB'] });
}
const opened = await openHubRecordStore({
  dataDir,
  databaseUrl: server?.connectionString,
});
const { store, db, exclusive, description } = opened;
const lines: string[] = [];
try {
  /** The first column of the first row (PGlite and node-postgres both answer `{ rows }`). */
  const scalar = async (query: ReturnType<typeof sql>): Promise<string> => {
    const result: unknown = await db.execute(query);
    const value = Object.values((result as { rows: Array<Record<string, unknown>> }).rows[0] ?? {})[0];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : '?';
  };
  const version = await scalar(sql`SELECT version() AS v`);
  const projector = new Projector({ db, store });
  await projector.migrate();
  const hubKey = await makeKey('hub-bench');
  const hub = new HubSync({ store, device: hubKey, logger: quiet, now, ...(exclusive && { exclusive }) });
  await hub.start();
  const registry = new HubRegistry({ store, db, propose: (o) => hub.propose(o) });

  // ---- The registry -------------------------------------------------------------------------------
  log(
    `building on ${description.split(' ')[0]}: ${ENTERPRISES} enterprises × ${WORKERS} workers, ${INSPECTIONS} inspections, ${COMPLAINTS} complaints (${CONCURRENCY} at once)`,
  );
  const buildStart = performance.now();
  type Built = { id: string; status: string; kind: 'enterprise' | 'volunteer' };
  const enterprises: Built[] = [];
  const buildEnterprise = async (i: number) => {
    const id = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId({ now: now() }) });
    const volunteer = i % 10 === 0;
    await hub.propose({
      recordId: id,
      commands: [
        {
          type: 'apply',
          payload: {
            enterpriseId: id,
            kind: volunteer ? 'volunteer' : 'enterprise',
            name: volunteer ? `第${i}社区助老志愿队` : `第${i}号家政服务有限公司`,
            licenceNumber: volunteer ? null : '91330106MA27XL0R2J',
            contactName: '王经理',
            contactPhone: '+8657188886666',
            documents: [],
            items: volunteer ? ['ELD-VISIT', 'ELD-ESCORT'] : ['FAM-CLEANING', 'ELD-VISIT'],
            counties: [countyOf(i), countyOf(i + 1)],
          },
        },
      ],
    });
    // One in fifty left waiting (applied), one in fifty under review; the rest approved and active, and
    // some of those sanctioned.
    let status = 'applied';
    if (i % 50 !== 1) {
      const commands: { type: string; payload: unknown }[] = [{ type: 'startReview', payload: {} }];
      status = 'under_review';
      if (i % 50 !== 2) {
        commands.push(
          {
            type: 'approve',
            payload: {
              checklist: allChecks,
              agreement: {
                number: `QA-2026-${i}`,
                signedAt: now() - DAY,
                validFrom: now() - DAY,
                validTo: now() + 365 * DAY,
              },
            },
          },
          { type: 'activate', payload: {} },
        );
        status = 'active';
        // Sanctions come after the workers are registered (a suspended enterprise may register none).
        if (i % 100 === 3) status = 'suspended';
        else if (i % 200 === 5) status = 'blacklisted';
        else if (i % 20 === 7) status = 'warned';
      }
      await hub.propose({ recordId: id, commands, staff: officer });
    }
    enterprises[i] = { id, status, kind: volunteer ? 'volunteer' : 'enterprise' };
  };
  // The first one alone: the officer's custodial key is enrolled at its first act.
  await buildEnterprise(0);
  let made = 1;
  await inParallel(
    Array.from({ length: ENTERPRISES - 1 }, (_, i) => i + 1),
    async (i) => {
      await buildEnterprise(i);
      if (++made % 500 === 0) log(`  ${made} enterprises`);
    },
  );
  const enterprisesMs = performance.now() - buildStart;
  log(`enterprises in ${seconds(enterprisesMs)}`);

  const approved = enterprises.filter((e) => e.status !== 'applied' && e.status !== 'under_review');
  const active = approved.filter((e) => e.status === 'active' || e.status === 'warned');
  // The first approved enterprises get real worker records, up to WORKER_RECORDS; the others' workers are
  // rows of the `workers` projection (all the credit lists read of workers), inserted after the catch-up.
  const allWorkers = approved.flatMap((e) => Array.from({ length: WORKERS }, (_, n) => ({ e, n })));
  const withRecords = new Set(
    allWorkers
      .filter(({ e }) => e.status === 'active')
      .slice(0, WORKER_RECORDS)
      .map(({ e }) => e.id),
  );
  const workerJobs = allWorkers.filter(({ e }) => withRecords.has(e.id));
  const workerRows = allWorkers.filter(({ e }) => !withRecords.has(e.id));
  const workerIds: string[] = [];
  const workersStart = performance.now();
  made = 0;
  await inParallel(workerJobs, async ({ e, n }) => {
    const workerId = formatRecordId({ kind: 'worker', scope: 'hub', id: createId({ now: now() }) });
    const payload = buildRegisterWorkerPayload({
      workerId,
      enterpriseId: e.id,
      name: `阿姨${n + 1}`,
      idNumber: '11010519491231002X',
      phone: null,
    });
    if (!payload.ok) throw payload.error;
    const commands: { type: string; payload: unknown }[] = [
      { type: 'registerWorker', payload: payload.value },
    ];
    if (n !== WORKERS - 1) {
      commands.push({
        type: 'recordTraining',
        payload: {
          training: {
            courseCode: 'PRE-001',
            courseName: '岗前培训',
            grants: 'pre_post_training',
            hours: 40,
            examScore: 88,
            passMark: 60,
            completedAt: now() - 10 * DAY,
            validUntil: now() + 355 * DAY,
          },
        },
      });
    }
    await hub.propose({ recordId: workerId, commands });
    if (e.status === 'active') workerIds.push(workerId);
    if (++made % 5000 === 0) log(`  ${made} workers`);
  });
  const workersMs = performance.now() - workersStart;
  log(`${workerJobs.length} workers in ${seconds(workersMs)}`);
  const sanctions = {
    suspended: { type: 'suspend', payload: { reason: '多次爽约', until: null } },
    blacklisted: { type: 'blacklist', payload: { reason: '严重违规' } },
    warned: { type: 'warn', payload: { reason: '回访差评较多' } },
  } as const;
  const sanctionsStart = performance.now();
  await inParallel(approved, async (e) => {
    const command = sanctions[e.status as keyof typeof sanctions] as
      { type: string; payload: unknown } | undefined;
    if (command) await hub.propose({ recordId: e.id, commands: [command], staff: officer });
  });
  const sanctionsMs = performance.now() - sanctionsStart;

  const inspectionsStart = performance.now();
  const buildInspection = async (i: number) => {
    const target = active[(i * 7919) % active.length];
    if (!target) return;
    const inspectionId = formatRecordId({ kind: 'inspection', scope: 'hub', id: createId({ now: now() }) });
    await hub.propose({
      recordId: inspectionId,
      staff: officer,
      commands: [
        {
          type: 'scheduleInspection',
          payload: {
            inspectionId,
            enterpriseId: target.id,
            countyCode: countyOf(i),
            dueAt: now() + DAY,
            checklist: ['contracts.signed', 'staff.trained', 'premises.clean'],
            inspectorUserId: 'hub:inspector',
          },
        },
      ],
    });
    // Seven in ten pass, two are to be rectified, one fails.
    const outcome = i % 10 < 7 ? 'pass' : i % 10 < 9 ? 'rectify' : 'fail';
    await hub.propose({
      recordId: inspectionId,
      staff: inspector,
      commands: [
        { type: 'startInspection', payload: {} },
        { type: 'recordFinding', payload: { key: 'contracts.signed', passed: outcome === 'pass', note: '' } },
        { type: 'recordFinding', payload: { key: 'staff.trained', passed: true, note: '' } },
        { type: 'recordFinding', payload: { key: 'premises.clean', passed: outcome !== 'fail', note: '' } },
        { type: 'completeInspection', payload: { summary: '例行检查', outcome } },
      ],
    });
  };
  if (INSPECTIONS > 0) await buildInspection(0); // the inspector's key, enrolled alone
  made = 1;
  await inParallel(
    Array.from({ length: Math.max(0, INSPECTIONS - 1) }, (_, i) => i + 1),
    async (i) => {
      await buildInspection(i);
      if (++made % 500 === 0) log(`  ${made} inspections`);
    },
  );
  const inspectionsMs = performance.now() - inspectionsStart;
  log(`inspections in ${seconds(inspectionsMs)}`);

  const complaintsStart = performance.now();
  let decided = 0;
  made = 0;
  await inParallel(
    Array.from({ length: COMPLAINTS }, (_, i) => i),
    async (i) => {
      const target = approved[(i * 104_729) % approved.length];
      if (!target) return;
      const complaintId = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId({ now: now() }) });
      await hub.propose({
        recordId: complaintId,
        commands: [
          {
            type: 'file',
            payload: {
              complaintId,
              source: 'web',
              countyCode: countyOf(i),
              orderId: null,
              enterpriseId: target.id,
              enterpriseName: `企业${i}`,
              kind: 'quality',
              description: '保洁未完成即离开',
              citizenName: '周女士',
              citizenPhone: null,
              evidence: [],
              dueAt: now() + 15 * DAY,
            },
          },
        ],
      });
      // Three in five decided: dismissed, a penalty, a refund or a suspension.
      if (i % 5 < 3) {
        const outcomes = [
          { kind: 'dismissed' },
          { kind: 'penalty', points: 5 },
          { kind: 'refund', amountFen: 5000 },
          { kind: 'dismissed' },
          { kind: 'suspension', days: 7 },
        ];
        await hub.propose({
          recordId: complaintId,
          staff: inspector,
          commands: [
            { type: 'assign', payload: { userId: 'hub:inspector', role: 'quality_inspector' } },
            { type: 'decide', payload: { outcome: outcomes[i % outcomes.length], reason: '经核实' } },
          ],
        });
        decided++;
      }
      if (++made % 1000 === 0) log(`  ${made} complaints`);
    },
  );
  const complaintsMs = performance.now() - complaintsStart;
  log(`complaints in ${seconds(complaintsMs)} (${decided} decided)`);

  let stepStart = performance.now();
  const projected = await projector.catchUp();
  const projectMs = performance.now() - stepStart;
  log(`projected ${projected.records} records in ${seconds(projectMs)}`);

  // Orders: projection rows made in the database, spread over the approved enterprises.
  stepStart = performance.now();
  await db.execute(sql.raw('CREATE TABLE bench_enterprises (n int PRIMARY KEY, id text NOT NULL)'));
  for (let from = 0; from < approved.length; from += 500) {
    const chunk = approved.slice(from, from + 500);
    await db.execute(
      sql`INSERT INTO bench_enterprises (n, id) VALUES ${sql.join(
        chunk.map((e, j) => sql`(${from + j}, ${e.id})`),
        sql`, `,
      )}`,
    );
  }
  const yearAgo = now() - 365 * DAY;
  for (let done = 0; done < ORDERS; done += 100_000) {
    const size = Math.min(100_000, ORDERS - done);
    await db.execute(
      sql.raw(`
      INSERT INTO orders (record_id, county_code, status, channel, item_code, category_code, urgency,
        citizen_phone, citizen_name, enterprise_id, worker_id, received_at, dispatched_at, served_at,
        closed_at, fee_fen, resolution, reopen_count, open_complaints, last_satisfaction, updated_at,
        first_dispatched_at, return_visit_count, complaint_count)
      SELECT 'order:330106:bench' || (${done} + i), '330106', s.status, 'call', 'FAM-CLEANING', 'FAM', 'normal',
        NULL, '张女士', e.id, NULL, s.received, s.received + 3600000,
        CASE WHEN s.status = 'dispatched' THEN NULL ELSE s.received + 7200000 END,
        CASE WHEN s.status = 'closed' THEN s.received + 86400000 ELSE NULL END, 0,
        CASE WHEN s.status = 'closed' THEN 'served' ELSE NULL END, 0, 0,
        CASE WHEN s.status = 'closed' THEN 1 + floor(s.r * 5)::int ELSE NULL END, s.received + 86400000,
        s.received + 3600000, CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END, 0
      FROM generate_series(1, ${size}) AS i
      CROSS JOIN LATERAL (SELECT random() + 0 * i AS r) AS x
      CROSS JOIN LATERAL (SELECT ${yearAgo} + floor(random() * ${365 * DAY} + 0 * i)::bigint AS received,
        CASE WHEN x.r < 0.75 THEN 'closed' WHEN x.r < 0.9 THEN 'served' ELSE 'dispatched' END AS status,
        x.r AS r, floor(random() * ${approved.length} + 0 * i)::int AS n) AS s
      JOIN bench_enterprises e ON e.n = s.n`),
    );
  }
  await db.execute(sql.raw('DROP TABLE bench_enterprises'));
  await db.execute(sql.raw('ANALYZE'));
  for (let from = 0; from < workerRows.length; from += 1000) {
    await db.insert(workers).values(
      workerRows.slice(from, from + 1000).map(({ e, n }, j) => {
        const workerId = `worker:hub:bench${from + j}`;
        return {
          recordId: workerId,
          workerId,
          enterpriseId: e.id,
          name: `阿姨${n + 1}`,
          idNumberMasked: '110105********002X',
          phone: null,
          status: 'active' as const,
          healthCertificateValidUntil: null,
          backgroundCheckedAt: null,
          prePostTrainingPassed: n !== WORKERS - 1,
          prePostTrainingValidUntil: n !== WORKERS - 1 ? now() + 355 * DAY : null,
          registeredAt: now() - 30 * DAY,
          updatedAt: now() - 10 * DAY,
        };
      }),
    );
  }
  const ordersMs = performance.now() - stepStart;
  const buildMs = performance.now() - buildStart;
  const records = await scalar(sql`SELECT count(*) AS n FROM records`);
  const orderRows = await scalar(sql`SELECT count(*) AS n FROM orders`);
  log(`${orderRows} order rows in ${seconds(ordersMs)}; built in ${seconds(buildMs)}, ${records} records`);

  // ---- The credit lists ---------------------------------------------------------------------------
  const accounts = new HubAccountService({
    store: await JsonFileAccountStore.open({ path: join(dataDir, 'accounts.json') }),
    logger: quiet,
    bootstrapAdminPassword: 'bench-password-1',
  });
  await accounts.start();
  const credit = new CreditListService({ source: registry, now });
  const registryService = new RegistryService({
    records: registry,
    credit,
    identities: await DrizzleIdentityVault.open({ db, key: randomBytes(32) }),
    logger: quiet,
    now,
  });
  const adminToken = `bench-admin-token-${randomBytes(8).toString('hex')}`;
  const app = createHubHttpApp({ hub, adminToken, logger: quiet, accounts, registry: registryService });

  // Cold: the facts from the records and projections, then the lists, each run by a new HubRegistry (as
  // after a restart: it keeps the records' decoded states, see #states); then again by the same one.
  const fresh = () => new HubRegistry({ store, db, propose: (o) => hub.propose(o) });
  const colds: Array<{ facts: number; lists: number; peakRss: number; rssBefore: number }> = [];
  let scored = { recommended: 0, normal: 0, punishment: 0 };
  for (let run = 0; run < 2; run++) {
    const source = fresh();
    const facts = await measure(() => source.readCreditFacts({ now: now() }));
    const at = performance.now();
    const lists = computeCreditLists({ facts: facts.value, now: now() });
    const listsMs = performance.now() - at;
    scored = {
      recommended: lists.recommended.length,
      normal: lists.normal.length,
      punishment: lists.punishment.length,
    };
    colds.push({ facts: facts.ms, lists: listsMs, peakRss: facts.peakRss, rssBefore: facts.rssBefore });
    log(
      `cold readCreditFacts ${ms(facts.ms)} + computeCreditLists ${ms(listsMs)}, RSS ${mb(facts.rssBefore)} → peak ${mb(facts.peakRss)}`,
    );
  }
  // The same registry again: no record changed since, so none is decoded again.
  await registry.readCreditFacts({ now: now() });
  const warm = await measure(() => registry.readCreditFacts({ now: now() }));
  log(`readCreditFacts again, records unchanged: ${ms(warm.ms)}`);
  // Where the cold read's time goes.
  const part = async (work: () => Promise<unknown>) => (await measure(work)).ms;
  const listEnterprisesMs = await part(() => fresh().listEnterprises());
  const inspectionsReadMs = await part(() => new HubRecordSet({ store, hub, prefix: 'inspection:' }).list());
  const complaintsReadMs = await part(() => new HubRecordSet({ store, hub, prefix: 'complaint:' }).list());
  const ordersAggMs = await part(() =>
    db.execute(
      sql`SELECT enterprise_id, count(last_satisfaction), coalesce(sum(last_satisfaction), 0), count(*),
        count(*) FILTER (WHERE status = 'served' OR resolution = 'served'),
        count(*) FILTER (WHERE (status = 'served' OR resolution = 'served') AND return_visit_count > 0),
        count(*) FILTER (WHERE last_satisfaction >= 4)
      FROM orders WHERE enterprise_id IS NOT NULL GROUP BY enterprise_id`,
    ),
  );
  const workersAggMs = await part(() =>
    db.execute(
      sql`SELECT enterprise_id, count(*), count(*) FILTER (WHERE pre_post_training_passed
        AND (pre_post_training_valid_until IS NULL OR pre_post_training_valid_until >= ${now()}))
      FROM workers WHERE status <> 'left' GROUP BY enterprise_id`,
    ),
  );
  log(
    `parts: enterprises ${ms(listEnterprisesMs)}, inspections ${ms(inspectionsReadMs)}, complaints ${ms(complaintsReadMs)}, orders aggregate ${ms(ordersAggMs)}, workers aggregate ${ms(workersAggMs)}`,
  );

  // The service: first read computes, the next ones within 30 s are the cached promise.
  credit.invalidate();
  const first = await measure(() => credit.current()); // the registry has decoded every record already
  const cachedTimings: number[] = [];
  for (let i = 0; i < 200; i++) {
    const at = performance.now();
    await credit.current();
    cachedTimings.push(performance.now() - at);
  }
  log(
    `service: first read ${ms(first.ms)}, cached p50 ${ms(pct(cachedTimings, 0.5))}, p95 ${ms(pct(cachedTimings, 0.95))}`,
  );

  // A registry act: tried, signed, decided, the lists invalidated, and the entry read back (which recomputes).
  const actTimings: number[] = [];
  const afterActReads: number[] = [];
  const acts = [
    { type: 'suspend', payload: { reason: '多次爽约', until: null } },
    { type: 'reinstate', payload: { reason: '整改完毕' } },
  ];
  const actedOn = active.find((e) => e.status === 'active') ?? active[0];
  for (const request of acts) {
    if (!actedOn) break;
    clock.now += 1000;
    const at = performance.now();
    await registryService.enterpriseCommand({
      by: officerPrincipal,
      recordId: actedOn.id,
      request: request as Parameters<RegistryService['enterpriseCommand']>[0]['request'],
    });
    actTimings.push(performance.now() - at);
    const readAt = performance.now();
    await registryService.creditLists({ by: officerPrincipal });
    afterActReads.push(performance.now() - readAt);
  }
  log(
    `enterpriseCommand end to end: ${actTimings.map(ms).join(', ')}; the list read after it: ${afterActReads.map(ms).join(', ')}`,
  );

  // The registry's enterprise list (every enterprise record again, the cached lists, the roster counts).
  const listScreen = await measure(() =>
    registryService.listEnterprises({ by: officerPrincipal, query: {} }),
  );
  log(`registry list screen (${listScreen.value.length} rows, lists cached): ${ms(listScreen.ms)}`);

  // Over HTTP with the admin token: cold (after an invalidation) and cached; the body's size.
  const get = async () => {
    const response = await app.request(
      '/api/registry/credit',
      { headers: { authorization: `Bearer ${adminToken}` } },
      { incoming: { socket: { remoteAddress: '203.0.113.7' } } },
    );
    if (response.status !== 200) throw new Error(`GET /api/registry/credit: ${response.status}`);
    return (await response.arrayBuffer()).byteLength;
  };
  credit.invalidate();
  const httpCold = await measure(get);
  const httpCached: number[] = [];
  for (let i = 0; i < 20; i++) httpCached.push((await measure(get)).ms);
  log(
    `GET /api/registry/credit: cold ${ms(httpCold.ms)}, cached p50 ${ms(pct(httpCached, 0.5))} (${mb(httpCold.value)}, ${httpCold.value} bytes)`,
  );

  // ---- Training at scale ----------------------------------------------------------------------------
  const training = new TrainingService({
    courses: new HubRecordSet<CourseState>({ store, hub, prefix: 'course:' }),
    workers: { readWorker: (o) => registry.readWorker(o), proposeAsSystem: (o) => hub.propose(o) },
    logger: quiet,
    now,
    onTrainingRecorded: () => credit.invalidate(),
  });
  const trainees = workerIds.slice(0, TRAINEES);
  const start = now() + DAY;
  const course = await measure(() =>
    training.schedule({
      by: officerPrincipal,
      request: {
        kind: 'pre_post',
        grants: 'pre_post_training',
        code: 'GQPX-BENCH',
        name: '家政服务员岗前培训（大班）',
        hours: 16,
        passMark: 60,
        certificateValidMonths: 24,
        venue: '省家政服务中心报告厅',
        trainer: '王老师',
        capacity: 500,
        sessions: [
          { startsAt: start, endsAt: start + 8 * HOUR },
          { startsAt: start + DAY, endsAt: start + DAY + 8 * HOUR },
        ],
      },
    }),
  );
  const recordId = course.value.recordId;
  type CourseCommand = Parameters<TrainingService['command']>[0]['request'];
  // Each act of the service reads the whole course record (before, while deciding and after), so its cost
  // grows with the course's log: the first SERVICE_COMMANDS of a phase go through TrainingService.command
  // one by one (timed), the rest are signed as the officer through HubSync.propose in batches of 50 (the
  // same commands, signer and decisions, a record read per batch instead of per command).
  const phase = async (name: string, requests: CourseCommand[], serviceCount: number) => {
    const timings: number[] = [];
    const through = Math.min(requests.length, SERVICE_COMMANDS ?? serviceCount);
    const at = performance.now();
    for (const request of requests.slice(0, through)) {
      const one = performance.now();
      await training.command({ by: officerPrincipal, recordId, request });
      timings.push(performance.now() - one);
    }
    const serviceMs = performance.now() - at;
    const batchAt = performance.now();
    const rest = requests.slice(through);
    for (let from = 0; from < rest.length; from += 50) {
      const commands = await Promise.all(
        rest.slice(from, from + 50).map(async (request) => {
          if (request.type !== 'enrol') return request;
          const { workerId } = (request.payload as { participant: { workerId: string } }).participant;
          const worker = await registry.readWorker({ recordId: workerId });
          if (!worker) throw new Error(`no worker ${workerId}`);
          const participant = {
            kind: 'worker',
            workerId,
            name: worker.name,
            enterpriseId: worker.enterpriseId,
          };
          return { type: 'enrol', payload: { participant } };
        }),
      );
      await hub.propose({ recordId, commands, staff: officer });
    }
    const batchMs = performance.now() - batchAt;
    const tenth = Math.max(1, Math.floor(timings.length / 10));
    const result = {
      name,
      service: timings.length,
      serviceMs,
      firstTenth: mean(timings.slice(0, tenth)),
      lastTenth: mean(timings.slice(-tenth)),
      batched: rest.length,
      batchMs,
    };
    log(
      `${name}: ${timings.length} through the service in ${seconds(serviceMs)} (first tenth ${ms(result.firstTenth)} each, last tenth ${ms(result.lastTenth)} each), ${rest.length} batched in ${seconds(batchMs)}`,
    );
    return result;
  };
  const phases = [];
  phases.push(
    await phase(
      'enrol',
      trainees.map((workerId) => ({ type: 'enrol', payload: { participant: { kind: 'worker', workerId } } })),
      100,
    ),
  );
  clock.now = start + HOUR;
  phases.push(
    await phase(
      'attendance, session 1',
      trainees.map((participantId) => ({
        type: 'recordAttendance',
        payload: { session: 0, marks: [{ participantId, present: true }] },
      })),
      10,
    ),
  );
  clock.now = start + DAY + HOUR;
  phases.push(
    await phase(
      'attendance, session 2',
      trainees.map((participantId, i) => ({
        type: 'recordAttendance',
        payload: { session: 1, marks: [{ participantId, present: i % 10 !== 9 }] },
      })),
      10,
    ),
  );
  phases.push(
    await phase(
      'exam scores',
      trainees.map((participantId, i) => ({
        type: 'recordScore',
        payload: { participantId, examScore: i % 20 === 0 ? 45 : 80 },
      })),
      10,
    ),
  );
  clock.now = start + DAY + 9 * HOUR;
  const completed = await measure(() =>
    training.command({
      by: officerPrincipal,
      recordId,
      request: { type: 'complete', payload: {} },
    }),
  );
  const detail = await measure(() => training.detail({ by: officerPrincipal, recordId }));
  const recorded = detail.value.issuance.filter((i) => i.trainingRecorded).length;
  log(`complete (and issue ${recorded} trainings): ${ms(completed.ms)}; detail ${ms(detail.ms)}`);
  const again = await measure(() => training.issueCompletedCourses());
  log(`issueCompletedCourses afterwards: ${again.value} issued in ${ms(again.ms)}`);
  const courseRecord = await store.readRecord({ recordId });
  const courseBytes = courseRecord?.update.byteLength ?? 0;

  // ---- The write-up -----------------------------------------------------------------------------
  const cold = colds.reduce((a, b) => (a.facts + a.lists <= b.facts + b.lists ? a : b));
  const coldWorst = colds.reduce((a, b) => (a.facts + a.lists >= b.facts + b.lists ? a : b));
  const cpu = cpus()[0]?.model ?? 'unknown';
  const byStatus = (status: string) => enterprises.filter((e) => e.status === status).length;
  lines.push(
    `## Credit lists and training at scale (\`bench/credit.bench.ts\`)`,
    '',
    `Run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run bench:credit -w @jiazheng/edge${onPostgres ? ' -- --postgres' : ''}\` on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, shared with other work (load average at the start ${startLoad}, at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ' / ',
      )}). Records and projections: ${onPostgres ? `${version.split(',')[0]} (throwaway cluster, fsync off)` : 'PGlite in a temporary directory, as a single-box hub keeps them'}, opened with the hub's own \`openHubRecordStore\`.`,
    '',
    `| built | count | time |`,
    `| --- | --- | --- |`,
    `| enterprises (${enterprises.filter((e) => e.kind === 'volunteer').length} volunteer groups; ${byStatus('applied')} applied, ${byStatus('under_review')} under review, ${byStatus('active')} active, ${byStatus('warned')} warned, ${byStatus('suspended')} suspended, ${byStatus('blacklisted')} blacklisted) | ${ENTERPRISES} | ${seconds(enterprisesMs)} |`,
    `| worker records of the first ${withRecords.size} active enterprises (registered, ${WORKERS - 1} in ${WORKERS} trained) | ${workerJobs.length} | ${seconds(workersMs)} |`,
    `| sanctions (warn, suspend, blacklist) after the workers | ${approved.length - byStatus('active')} | ${seconds(sanctionsMs)} |`,
    `| inspections scheduled and completed (7 pass, 2 rectify, 1 fail in 10) | ${INSPECTIONS} | ${seconds(inspectionsMs)} |`,
    `| complaints filed (${decided} assigned and decided) | ${COMPLAINTS} | ${seconds(complaintsMs)} |`,
    `| Projector catch-up over every record | ${projected.records} | ${seconds(projectMs)} |`,
    `| further workers as \`workers\` projection rows by SQL (the credit lists read workers only there) | ${workerRows.length} | (with the orders) |`,
    `| \`orders\` projection rows by SQL (over the approved enterprises, one year) | ${Number(orderRows).toLocaleString('en')} | ${seconds(ordersMs)} |`,
    `| total (${Number(records).toLocaleString('en')} records, each proposal signed and decided by HubSync, ${CONCURRENCY} records at once) | | ${seconds(buildMs)} |`,
    '',
    `| credit lists (${scored.recommended} recommended, ${scored.normal} normal, ${scored.punishment} punishment) | time |`,
    `| --- | --- |`,
    `| cold (a new \`HubRegistry\`, as after a restart): \`readCreditFacts\` + \`computeCreditLists\`, best of 2 | ${ms(cold.facts)} + ${ms(cold.lists)} |`,
    `| cold, worst of 2 | ${ms(coldWorst.facts)} + ${ms(coldWorst.lists)} |`,
    `| \`readCreditFacts\` again by the same \`HubRegistry\`, no record changed | ${ms(warm.ms)} |`,
    `| RSS during the cold read (sampled every 5 ms) | ${mb(cold.rssBefore)} before, ${mb(Math.max(...colds.map((c) => c.peakRss)))} at the peak |`,
    `| … of which: every enterprise record read and decoded (\`listEnterprises\` of a new \`HubRegistry\`) | ${ms(listEnterprisesMs)} |`,
    `| … every inspection record | ${ms(inspectionsReadMs)} |`,
    `| … every complaint record | ${ms(complaintsReadMs)} |`,
    `| … the \`orders\` aggregate per enterprise (${Number(orderRows).toLocaleString('en')} rows) | ${ms(ordersAggMs)} |`,
    `| … the \`workers\` aggregate per enterprise | ${ms(workersAggMs)} |`,
    `| \`CreditListService.current()\`: first read after \`invalidate()\` (records decoded before) | ${ms(first.ms)} |`,
    `| … cached (200 reads) | p50 ${ms(pct(cachedTimings, 0.5))}, p95 ${ms(pct(cachedTimings, 0.95))} |`,
    `| \`RegistryService.enterpriseCommand\` end to end (suspend, reinstate: tried, signed as the officer, decided, lists invalidated and recomputed for the answer's entry) | ${actTimings.map(ms).join(', ')} |`,
    `| the credit lists read right after each act (already recomputed) | ${afterActReads.map(ms).join(', ')} |`,
    `| \`RegistryService.listEnterprises\` (${listScreen.value.length} rows, lists cached) | ${ms(listScreen.ms)} |`,
    `| \`GET /api/registry/credit\` (\`app.request\`) after \`invalidate()\` (records decoded before) | ${ms(httpCold.ms)} (${mb(httpCold.value)} of JSON) |`,
    `| … cached, 20 requests | p50 ${ms(pct(httpCached, 0.5))}, p95 ${ms(pct(httpCached, 0.95))} |`,
    '',
    `| training: one pre-post course of ${trainees.length} workers | through \`TrainingService.command\`, one by one | each, first tenth | each, last tenth | the rest, \`HubSync.propose\` as the officer, 50 commands a batch |`,
    `| --- | --- | --- | --- | --- |`,
    `| schedule | 1 in ${ms(course.ms)} | | | |`,
    ...phases.map(
      (p) =>
        `| ${p.name} | ${p.service} in ${seconds(p.serviceMs)} | ${ms(p.firstTenth)} | ${ms(p.lastTenth)} | ${p.batched} in ${seconds(p.batchMs)} |`,
    ),
    `| complete, with \`recordTraining\` on ${recorded} workers' records | 1 in ${seconds(completed.ms)} | | | |`,
    `| \`detail\` (the issuance of every participant) | ${ms(detail.ms)} | | | |`,
    `| \`issueCompletedCourses()\` afterwards (issued ${again.value}) | ${ms(again.ms)} | | | |`,
    '',
    `The course record at the end: ${phases.reduce((a, p) => a + p.service + p.batched, 2)} proposals, ${mb(courseBytes)} (${courseBytes.toLocaleString('en')} bytes).`,
    '',
  );
} finally {
  await opened.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
console.log(`\n${lines.join('\n')}`);
