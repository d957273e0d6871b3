import {
  checkWorkerEligibility,
  EnterpriseStatus,
  listWorkerQualifications,
  Qualification,
  ReviewCheck,
  toWorker,
  type CreditList,
  type EnterpriseState,
  type WorkerState,
} from '@jiazheng/sync/domain';
import type { RegistryListQuery } from './registry-requests';

/** What the registry's screens show of an enterprise: its accepted state, its credit and its roster's size. */
export type EnterpriseRow = EnterpriseState & {
  credit: { score: number; list: CreditList } | null;
  workerCount: number;
};

/** A worker's accepted state (identity number masked, as the record keeps it) and what it may do today. */
export type WorkerRow = WorkerState & { dispatchable: boolean; trainingValid: boolean };

/** The review checklist an officer ticks before approving, in the domain's order. */
export const REVIEW_CHECKS: readonly string[] = Object.values(ReviewCheck);

const WAITING: ReadonlySet<string> = new Set([EnterpriseStatus.applied, EnterpriseStatus.underReview]);

export function toEnterpriseRow(options: {
  state: EnterpriseState;
  credit: { score: number; list: CreditList } | null;
  workerCount: number;
}): EnterpriseRow {
  return { ...options.state, credit: options.credit, workerCount: options.workerCount };
}

/** Whether an enterprise matches the list's filters (status, kind, name or licence substring). */
export function matchesRegistryQuery(options: { state: EnterpriseState; query: RegistryListQuery }): boolean {
  const { state, query } = options;
  if (query.status !== undefined && state.status !== query.status) return false;
  if (query.kind !== undefined && state.kind !== query.kind) return false;
  if (query.q === undefined) return true;
  const q = query.q.toLowerCase();
  return state.name.toLowerCase().includes(q) || (state.licenceNumber ?? '').toLowerCase().includes(q);
}

/** Applications waiting for an officer first, oldest first; then the rest by name as a Chinese reader sorts. */
export function sortEnterpriseRows<T extends EnterpriseState>(options: { rows: readonly T[] }): T[] {
  const collator = new Intl.Collator('zh-CN');
  return [...options.rows].sort((a, b) => {
    const waitingA = WAITING.has(a.status);
    const waitingB = WAITING.has(b.status);
    if (waitingA !== waitingB) return waitingA ? -1 : 1;
    if (waitingA) return a.appliedAt - b.appliedAt || collator.compare(a.name, b.name);
    return collator.compare(a.name, b.name) || a.id.localeCompare(b.id);
  });
}

/**
 * A worker as the registry sees it at `at`: `trainingValid` when its pre-post training is passed and
 * not expired, `dispatchable` when it could be sent today (active and trained; bookings are the
 * counties' business and not known here).
 */
export function toWorkerRow(options: { state: WorkerState; at: number }): WorkerRow {
  const worker = toWorker({ state: options.state });
  return {
    ...options.state,
    trainingValid: listWorkerQualifications({ worker, at: options.at }).has(Qualification.prePostTraining),
    dispatchable: checkWorkerEligibility({ worker, required: [], at: options.at }).eligible,
  };
}
