import {
  upheldComplaintPoints,
  type ComplaintState,
  type EnterpriseState,
  type InspectionState,
  type WorkerState,
} from '@jiazheng/sync/domain';
import { orders, workers, type ProjectionDatabase } from '@jiazheng/sync/projections';
import { loadRecordDoc, readRecordSnapshot } from '@jiazheng/sync/records';
import type { RecordStore } from '@jiazheng/sync/storage';
import { and, eq, gte, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import type { CreditFacts } from '../../domain/registry-credit';
import type { StaffActorFields } from '../../domain/staff-actor';
import type { CreditFactsSource, RegistryLogEntry, RegistryRecords } from '../../ports/registry-records';
import type { HubSync } from './hub-sync';

const PAGE_SIZE = 500;

/**
 * The registry as the hub holds it: enterprise, worker and inspection records read from the record store
 * (their accepted state is the truth), the projections (`workers`, `orders`, kept by the hub's
 * ProjectionService) for what would otherwise mean reading every record of a kind, and staff acts
 * signed through HubSync.propose as the acting account.
 */
export class HubRegistry implements RegistryRecords, CreditFactsSource {
  readonly #store: RecordStore;
  readonly #db: ProjectionDatabase;
  readonly #propose: HubSync['propose'];
  /**
   * The accepted states of the enterprise, inspection and complaint records as last decoded, with the seq
   * of the store's copy they were decoded from. The credit lists and the registry's list read every such
   * record; one whose seq has not moved since is the same bytes, so it is not read and decoded again
   * (about 1.5 ms a record: at 3,000 enterprises and a few thousand inspections and complaints, seconds).
   */
  readonly #states = new Map<string, { seq: number; state: unknown }>();

  constructor(options: { store: RecordStore; db: ProjectionDatabase; propose: HubSync['propose'] }) {
    this.#store = options.store;
    this.#db = options.db;
    this.#propose = options.propose;
  }

  async listEnterprises(): Promise<EnterpriseState[]> {
    const found: EnterpriseState[] = [];
    for await (const state of this.#listStates({ prefix: 'enterprise:' }))
      found.push(state as EnterpriseState);
    return found;
  }

  async readEnterprise(options: {
    recordId: string;
  }): Promise<{ state: EnterpriseState | null; log: RegistryLogEntry[] } | null> {
    const snapshot = await this.#readSnapshot(options);
    if (!snapshot) return null;
    const log = snapshot.proposals.map((p): RegistryLogEntry => {
      const entry = snapshot.decided.get(p.id);
      const base = { type: p.type, userId: p.actor.userId, role: p.actor.role, at: p.at };
      if (entry === undefined) return { ...base, decision: 'pending' };
      if (entry.outcome === 'accepted') return { ...base, decision: 'accepted' };
      return { ...base, decision: 'rejected', code: entry.code, field: entry.field, message: entry.message };
    });
    return { state: (snapshot.state as EnterpriseState | null) ?? null, log };
  }

  async readWorker(options: { recordId: string }): Promise<WorkerState | null> {
    return ((await this.#readSnapshot(options))?.state as WorkerState | null | undefined) ?? null;
  }

  async listWorkers(options: { enterpriseId: string }): Promise<WorkerState[]> {
    // The projection finds the enterprise's workers; their records give the whole state.
    const rows = await this.#db
      .select({ recordId: workers.recordId })
      .from(workers)
      .where(eq(workers.enterpriseId, options.enterpriseId))
      .orderBy(workers.name, workers.recordId);
    const found: WorkerState[] = [];
    for (const { recordId } of rows) {
      const state = await this.readWorker({ recordId });
      if (state) found.push(state);
    }
    return found;
  }

  async countWorkers(): Promise<Map<string, number>> {
    const rows = await this.#db
      .select({ enterpriseId: workers.enterpriseId, count: sql<number>`count(*)::int` })
      .from(workers)
      .where(ne(workers.status, 'left'))
      .groupBy(workers.enterpriseId);
    return new Map(rows.map((r) => [r.enterpriseId, Number(r.count)]));
  }

  async propose(options: {
    recordId: string;
    command: { type: string; payload: unknown };
    staff: StaffActorFields;
  }): Promise<void> {
    await this.#propose({ recordId: options.recordId, commands: [options.command], staff: options.staff });
  }

  async readCreditFacts(options: { now: number }): Promise<CreditFacts[]> {
    const enterprises = await this.listEnterprises();
    // 与统计报表同一口径（edge/src/domain/order-report.ts 的 isCompleted）。Completed as the statistics count it.
    const completed = sql`(${orders.status} = 'served' OR ${orders.resolution} = 'served')`;
    const visits = await this.#db
      .select({
        enterpriseId: orders.enterpriseId,
        count: sql<number>`count(${orders.lastSatisfaction})::int`,
        sum: sql<number>`coalesce(sum(${orders.lastSatisfaction}), 0)::int`,
        dispatched: sql<number>`count(*)::int`,
        completed: sql<number>`(count(*) FILTER (WHERE ${completed}))::int`,
        returnVisited: sql<number>`(count(*) FILTER (WHERE ${completed} AND ${orders.returnVisitCount} > 0))::int`,
        satisfied: sql<number>`(count(*) FILTER (WHERE ${orders.lastSatisfaction} >= 4))::int`,
      })
      .from(orders)
      .where(isNotNull(orders.enterpriseId))
      .groupBy(orders.enterpriseId);
    const visitsBy = new Map(visits.map((v) => [v.enterpriseId, v]));
    const trainedNow = and(
      eq(workers.prePostTrainingPassed, true),
      or(isNull(workers.prePostTrainingValidUntil), gte(workers.prePostTrainingValidUntil, options.now)),
    );
    const roster = await this.#db
      .select({
        enterpriseId: workers.enterpriseId,
        total: sql<number>`count(*)::int`,
        trained: sql<number>`(count(*) FILTER (WHERE ${trainedNow}))::int`,
      })
      .from(workers)
      .where(ne(workers.status, 'left'))
      .groupBy(workers.enterpriseId);
    const rosterBy = new Map(roster.map((r) => [r.enterpriseId, r]));
    const inspectionsBy = new Map<string, InspectionState[]>();
    for await (const found of this.#listStates({ prefix: 'inspection:' })) {
      const state = found as InspectionState;
      inspectionsBy.set(state.enterpriseId, [...(inspectionsBy.get(state.enterpriseId) ?? []), state]);
    }
    const complaints = await this.#readUpheldComplaints();
    return enterprises.map((enterprise) => {
      const v = visitsBy.get(enterprise.id);
      const w = rosterBy.get(enterprise.id);
      return {
        enterprise,
        returnVisits: { count: Number(v?.count ?? 0), satisfactionSum: Number(v?.sum ?? 0) },
        workers: { total: Number(w?.total ?? 0), withValidTraining: Number(w?.trained ?? 0) },
        inspections: inspectionsBy.get(enterprise.id) ?? [],
        upheldComplaints: complaints.get(enterprise.id) ?? [],
        orders: {
          dispatched: Number(v?.dispatched ?? 0),
          completed: Number(v?.completed ?? 0),
          returnVisited: Number(v?.returnVisited ?? 0),
          rated: Number(v?.count ?? 0),
          satisfied: Number(v?.satisfied ?? 0),
        },
      };
    });
  }

  /**
   * The place where upheld complaints enter the credit score: the points of every decided complaint
   * record per enterprise record id (sync/src/domain/complaint: a penalty its points, a refund 5, a
   * suspension 25, a dismissal nothing). Complaints kept only on an order (openComplaint at a county)
   * are not counted: the hub's complaint record is the case that is arbitrated.
   */
  async #readUpheldComplaints(): Promise<Map<string, { points: number }[]>> {
    const byEnterprise = new Map<string, ComplaintState[]>();
    for await (const found of this.#listStates({ prefix: 'complaint:' })) {
      const state = found as ComplaintState;
      if (!state.enterpriseId) continue;
      byEnterprise.set(state.enterpriseId, [...(byEnterprise.get(state.enterpriseId) ?? []), state]);
    }
    return new Map(
      [...byEnterprise].map(([enterpriseId, complaints]) => [
        enterpriseId,
        upheldComplaintPoints({ complaints, enterpriseId }),
      ]),
    );
  }

  async #readSnapshot(options: { recordId: string }) {
    const record = await this.#store.readRecord({ recordId: options.recordId });
    if (!record) return null;
    const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
    try {
      return readRecordSnapshot({ doc, recordId: options.recordId });
    } finally {
      doc.destroy();
    }
  }

  /** The accepted state of every record of a kind (none for a record with no accepted state yet). */
  async *#listStates(options: { prefix: string }): AsyncGenerator<unknown> {
    for await (const { recordId, seq } of this.#listChanges(options)) {
      let known = this.#states.get(recordId);
      if (known?.seq !== seq) {
        const record = await this.#store.readRecord({ recordId });
        if (!record) continue;
        const doc = loadRecordDoc({ recordId, update: record.update });
        try {
          known = { seq: record.seq, state: readRecordSnapshot({ doc, recordId }).state };
        } finally {
          doc.destroy();
        }
        this.#states.set(recordId, known);
      }
      if (known.state) yield known.state;
    }
  }

  async *#listChanges(options: { prefix: string }): AsyncGenerator<{ recordId: string; seq: number }> {
    let after = 0;
    for (;;) {
      const changes = await this.#store.listChanges({ after, limit: PAGE_SIZE, prefixes: [options.prefix] });
      for (const change of changes) yield change;
      const last = changes.at(-1);
      if (!last || changes.length < PAGE_SIZE) return;
      after = last.seq;
    }
  }
}
