import { eq, inArray, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { RecordStore } from '../ports/record-store';
import { loadRecordDoc } from '../records/record-doc';
import { readRecordSnapshot } from '../records/record-state';
import { projectRecord, type ProjectedTable, type RecordProjection } from './project-record';
import {
  closings,
  consumedSeqKey,
  createProjectionSchemaSql,
  directoryDevices,
  directoryUsers,
  enterprises,
  mappingVersionKey,
  orders,
  projectionMappingVersion,
  projectionMeta,
  workers,
} from './projection-schema';

/** Any drizzle PostgreSQL database: PGlite's and node-postgres' both qualify. */
export type ProjectionDatabase = PgDatabase<PgQueryResultHKT>;
type ProjectionTransaction = Parameters<Parameters<ProjectionDatabase['transaction']>[0]>[0];

export type CatchUpResult = {
  /** Changed records read from the store and projected (also those whose kind has no tables). */
  records: number;
  /** The store seq the tables now reflect. */
  consumedSeq: number;
};

/** Serialises concurrent migrations from several processes on one PostgreSQL (CREATE IF NOT EXISTS races). */
const schemaLockKey = 7_310_406_202;
/** Rows per INSERT: orders have 21 columns, so 500 rows stay far below PostgreSQL's 65,535 parameters. */
const rowsPerInsert = 500;
const defaultBatchSize = 500;

/**
 * Keeps the query tables (projection-schema.ts) in step with a RecordStore. The tables are a pure function
 * of the records: catching up incrementally and rebuilding from seq 0 give the same rows.
 *
 * The store is read outside every transaction: on an appliance the store and the tables share one
 * PGlite, which runs one transaction at a time, so a store read inside a projection transaction would
 * wait for itself. Work is serialised per Projector, so the consumed seq only ever moves forward. Run one
 * Projector per database (on PostgreSQL shared by several hub processes, in one of them): two writing the
 * same tables could commit an older read of a record after a newer one.
 */
export class Projector {
  readonly #db: ProjectionDatabase;
  readonly #store: RecordStore;
  readonly #batchSize: number;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: { db: ProjectionDatabase; store: RecordStore; batchSize?: number }) {
    this.#db = options.db;
    this.#store = options.store;
    this.#batchSize = options.batchSize ?? defaultBatchSize;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1 || this.#batchSize > 10_000) {
      throw new RangeError(`batchSize must be an integer from 1 to 10000 (got ${this.#batchSize})`);
    }
  }

  /**
   * Creates the tables and indexes if missing, and empties tables an older mapping made (the next catch-up
   * fills them again from seq 0); safe to run at every start and from several processes.
   */
  migrate(): Promise<void> {
    return this.#exclusive(async () => {
      const statements = createProjectionSchemaSql
        .split(';')
        .map((statement) => statement.trim())
        .filter((statement) => statement.length > 0);
      await this.#db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${schemaLockKey})`);
        // One statement per call: PGlite's extended protocol refuses several in one query.
        for (const statement of statements) await tx.execute(sql.raw(statement));
        const [row] = await tx
          .select({ value: projectionMeta.value })
          .from(projectionMeta)
          .where(eq(projectionMeta.key, mappingVersionKey));
        const version = String(projectionMappingVersion);
        if (row?.value === version) return;
        await truncateTables({ tx });
        await tx
          .insert(projectionMeta)
          .values({ key: mappingVersionKey, value: version })
          .onConflictDoUpdate({ target: projectionMeta.key, set: { value: version } });
      });
    });
  }

  /**
   * Projects one record as the store holds it now, replacing its earlier rows (a record the store does not
   * hold loses them). For a home that wants its own change visible to queries before the next catch-up;
   * the consumed seq is left alone, so catch-up will project the record again, to the same rows.
   */
  applyRecord(options: { recordId: string }): Promise<void> {
    return this.#exclusive(async () => {
      const projection = await this.#project({ recordId: options.recordId });
      await this.#db.transaction((tx) => writeProjections({ tx, projections: [projection] }));
    });
  }

  /**
   * Projects every record changed since the consumed seq, in batches; each batch's rows and its new
   * consumed seq commit together, so an interrupted catch-up resumes where the last batch ended.
   */
  catchUp(): Promise<CatchUpResult> {
    return this.#exclusive(() => this.#catchUp());
  }

  /**
   * Empties the tables and projects every record from seq 0. Not one transaction (see the class comment),
   * so queries meanwhile see a partial projection; run it after a mapping change or on a damaged copy.
   */
  rebuild(): Promise<CatchUpResult> {
    return this.#exclusive(async () => {
      await this.#truncate();
      return this.#catchUp();
    });
  }

  /** The store seq the tables reflect (0 before the first catch-up). */
  readConsumedSeq(): Promise<number> {
    return this.#exclusive(() => readConsumedSeq({ db: this.#db }));
  }

  async #catchUp(): Promise<CatchUpResult> {
    let consumedSeq = await readConsumedSeq({ db: this.#db });
    if (consumedSeq > (await this.#store.currentSeq())) {
      // The tables were made from another store (a restored backup, a new data dir): incremental catch-up
      // would skip that store's first changes forever, and the tables are derived data, so start over.
      await this.#truncate();
      consumedSeq = 0;
    }
    let records = 0;
    for (;;) {
      const changes = await this.#store.listChanges({ after: consumedSeq, limit: this.#batchSize });
      const last = changes.at(-1);
      if (!last) break;
      const projections: RecordProjection[] = [];
      // A record read here may already be newer than its listed seq; its later change lists again and
      // projects to the same rows, so nothing is lost and nothing is applied twice with another result.
      for (const change of changes) projections.push(await this.#project({ recordId: change.recordId }));
      await this.#db.transaction(async (tx) => {
        await writeProjections({ tx, projections });
        await writeConsumedSeq({ tx, seq: last.seq });
      });
      consumedSeq = last.seq;
      records += changes.length;
    }
    return { records, consumedSeq };
  }

  async #truncate(): Promise<void> {
    await this.#db.transaction((tx) => truncateTables({ tx }));
  }

  async #project(options: { recordId: string }): Promise<RecordProjection> {
    const { recordId } = options;
    const probe = projectRecord({ recordId, state: null });
    // Ids of kinds without tables are not worth loading.
    if (probe.replaces.length === 0) return probe;
    const stored = await this.#store.readRecord({ recordId });
    if (!stored) return probe;
    const doc = loadRecordDoc({ recordId, update: stored.update });
    try {
      return projectRecord({ recordId, state: readRecordSnapshot({ doc, recordId }).state });
    } finally {
      doc.destroy();
    }
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work, work);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

async function truncateTables(options: { tx: ProjectionTransaction }): Promise<void> {
  const { tx } = options;
  await tx.execute(
    sql`TRUNCATE ${orders}, ${enterprises}, ${workers}, ${directoryUsers}, ${directoryDevices}, ${closings}`,
  );
  await writeConsumedSeq({ tx, seq: 0 });
}

async function readConsumedSeq(options: { db: ProjectionDatabase }): Promise<number> {
  const [row] = await options.db
    .select({ value: projectionMeta.value })
    .from(projectionMeta)
    .where(eq(projectionMeta.key, consumedSeqKey));
  const seq = Number(row?.value ?? '0');
  if (!Number.isSafeInteger(seq) || seq < 0)
    throw new Error(`projection_meta.${consumedSeqKey} is corrupt: ${row?.value}`);
  return seq;
}

async function writeConsumedSeq(options: { tx: ProjectionTransaction; seq: number }): Promise<void> {
  const value = String(options.seq);
  await options.tx
    .insert(projectionMeta)
    .values({ key: consumedSeqKey, value })
    .onConflictDoUpdate({ target: projectionMeta.key, set: { value } });
}

/** Replaces, table by table, the rows of every projected record with its new ones. */
async function writeProjections(options: {
  tx: ProjectionTransaction;
  projections: readonly RecordProjection[];
}): Promise<void> {
  const { tx } = options;
  // A record listed twice keeps its last projection only.
  const latest = [...new Map(options.projections.map((p) => [p.recordId, p])).values()];
  const owning = (table: ProjectedTable) => latest.filter((p) => p.replaces.includes(table));

  const orderOwners = owning('orders');
  if (orderOwners.length > 0) {
    await tx.delete(orders).where(inArray(orders.recordId, idsOf(orderOwners)));
    for (const chunk of chunksOf(orderOwners.flatMap((p) => p.rows.orders)))
      await tx.insert(orders).values(chunk);
  }
  const enterpriseOwners = owning('enterprises');
  if (enterpriseOwners.length > 0) {
    await tx.delete(enterprises).where(inArray(enterprises.recordId, idsOf(enterpriseOwners)));
    for (const chunk of chunksOf(enterpriseOwners.flatMap((p) => p.rows.enterprises))) {
      await tx.insert(enterprises).values(chunk);
    }
  }
  const workerOwners = owning('workers');
  if (workerOwners.length > 0) {
    await tx.delete(workers).where(inArray(workers.recordId, idsOf(workerOwners)));
    for (const chunk of chunksOf(workerOwners.flatMap((p) => p.rows.workers)))
      await tx.insert(workers).values(chunk);
  }
  const userOwners = owning('directoryUsers');
  if (userOwners.length > 0) {
    await tx.delete(directoryUsers).where(inArray(directoryUsers.recordId, idsOf(userOwners)));
    for (const chunk of chunksOf(userOwners.flatMap((p) => p.rows.directoryUsers))) {
      await tx.insert(directoryUsers).values(chunk);
    }
  }
  const deviceOwners = owning('directoryDevices');
  if (deviceOwners.length > 0) {
    await tx.delete(directoryDevices).where(inArray(directoryDevices.recordId, idsOf(deviceOwners)));
    for (const chunk of chunksOf(deviceOwners.flatMap((p) => p.rows.directoryDevices))) {
      await tx.insert(directoryDevices).values(chunk);
    }
  }
  const closingOwners = owning('closings');
  if (closingOwners.length > 0) {
    await tx.delete(closings).where(inArray(closings.recordId, idsOf(closingOwners)));
    for (const chunk of chunksOf(closingOwners.flatMap((p) => p.rows.closings)))
      await tx.insert(closings).values(chunk);
  }
}

function idsOf(projections: readonly RecordProjection[]): string[] {
  return projections.map((p) => p.recordId);
}

function chunksOf<T>(rows: readonly T[]): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += rowsPerInsert) chunks.push(rows.slice(i, i + rowsPerInsert));
  return chunks;
}
