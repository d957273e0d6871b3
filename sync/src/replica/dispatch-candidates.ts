import { z } from 'zod';
import {
  computeCreditScore,
  listWorkerQualifications,
  OrderStatus,
  parseInput,
  Qualification,
  regionCodeSchema,
  toWorker,
  unsatisfiedAtMost,
  WorkerStatus,
  type Booking,
  type DispatchCandidate,
  type EnterpriseState,
  type OrderState,
  type WorkerState,
} from '../domain';
import type { RecordStore } from '../ports/record-store';
import { loadRecordDoc } from '../records/record-doc';
import { readRecordSnapshot } from '../records/record-state';

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const pageSize = 500;

/** Orders an enterprise has taken on and not finished: they weigh on its load share. */
const openStatuses: readonly OrderState['status'][] = [
  OrderStatus.dispatched,
  OrderStatus.accepted,
  OrderStatus.inService,
];
/** Orders that hold their worker at the wanted time. */
const bookingStatuses: readonly OrderState['status'][] = [OrderStatus.accepted, OrderStatus.inService];

/**
 * The candidates `rankEnterprises` needs for an order of `countyCode`, from the records in a replica's
 * store (a PWA's or an appliance's): every enterprise that serves the county, its workers, its open
 * orders and when it was last dispatched to. States are what the homes accepted (pending proposals of
 * this device are not counted). Reads every enterprise, worker and county order record, so call it when
 * the dispatch form opens, not per keystroke; a caller that already holds the states uses
 * buildDispatchCandidates.
 */
export async function listDispatchCandidates(options: {
  store: RecordStore;
  countyCode: string;
  now: number;
}): Promise<DispatchCandidate[]> {
  const countyCode = parseInput({ schema: regionCodeSchema, input: options.countyCode, what: 'countyCode' });
  const ordersPrefix = `order:${countyCode}:`;
  const enterprises: EnterpriseState[] = [];
  const workers: WorkerState[] = [];
  const orders: OrderState[] = [];
  // listChanges is the store's only listing; from seq 0 it lists each record once, at its last change.
  let after = 0;
  for (;;) {
    const changes = await options.store.listChanges({
      after,
      limit: pageSize,
      prefixes: ['enterprise:', 'worker:', ordersPrefix],
    });
    for (const { recordId } of changes) {
      const state = await readAccepted({ store: options.store, recordId });
      if (state === null) continue;
      // The state is what the kind's reducer produced from the accepted log (record-kinds.ts).
      if (recordId.startsWith('enterprise:')) enterprises.push(state as EnterpriseState);
      else if (recordId.startsWith('worker:')) workers.push(state as WorkerState);
      else orders.push(state as OrderState);
    }
    const last = changes.at(-1);
    if (!last || changes.length < pageSize) break;
    after = last.seq;
  }
  return buildDispatchCandidates({ enterprises, workers, orders, countyCode, now: options.now });
}

async function readAccepted(options: { store: RecordStore; recordId: string }): Promise<unknown> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
  try {
    return readRecordSnapshot({ doc, recordId: options.recordId }).state;
  } finally {
    doc.destroy();
  }
}

/**
 * The same from states already in hand (the PWA's order book holds orders and enterprises). Enterprises
 * not serving the county are left out (they are no candidates, not exclusions worth listing); so are
 * workers who left. `orders` should be the county's orders: only they are counted. Sorted by enterprise
 * id and worker id, so every replica builds the same list.
 */
export function buildDispatchCandidates(options: {
  enterprises: readonly EnterpriseState[];
  workers: readonly WorkerState[];
  orders: readonly OrderState[];
  countyCode: string;
  now: number;
}): DispatchCandidate[] {
  const countyCode = parseInput({ schema: regionCodeSchema, input: options.countyCode, what: 'countyCode' });
  const now = parseInput({ schema: epochMsSchema, input: options.now, what: 'now' });
  const orders = options.orders.filter((o) => o.countyCode === countyCode);
  const bookings = bookingsByWorker({ orders, now });
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return options.enterprises
    .filter((e) => e.counties.includes(countyCode))
    .sort(byId)
    .map((enterprise) => {
      const staff = options.workers
        .filter((w) => w.enterpriseId === enterprise.id && w.status !== WorkerStatus.left)
        .sort(byId)
        .map((state) => toWorker({ state, bookings: bookings.get(state.id) ?? [] }));
      let openOrders = 0;
      let lastDispatchedAt: number | null = null;
      for (const o of orders) {
        if (o.dispatch?.enterpriseId === enterprise.id && openStatuses.includes(o.status)) openOrders += 1;
        // Declined and reopened dispatches count too: the rotation share is about being offered orders.
        const offers = [...(o.dispatch ? [o.dispatch] : []), ...o.attempts];
        for (const d of offers) {
          if (
            d.enterpriseId === enterprise.id &&
            (lastDispatchedAt === null || d.dispatchedAt > lastDispatchedAt)
          )
            lastDispatchedAt = d.dispatchedAt;
        }
      }
      const trained = staff.filter((w) =>
        listWorkerQualifications({ worker: w, at: now }).has(Qualification.prePostTraining),
      ).length;
      return {
        enterprise,
        workers: staff,
        creditScore: creditScoreOf({ enterpriseId: enterprise.id, orders, workers: staff.length, trained }),
        openOrders,
        lastDispatchedAt,
      };
    });
}

/**
 * The credit score computed by the credit module from what the records hold, not a stored score (the
 * enterprise record keeps none): return visits and upheld complaints of this county's orders (a replica
 * holds only its own county's orders, so another county may see the same enterprise scored differently),
 * training compliance of its workers, and no inspection findings, since a county reads no inspection
 * records (that part counts as clean until findings reach the counties in some form).
 */
function creditScoreOf(options: {
  enterpriseId: string;
  orders: readonly OrderState[];
  workers: number;
  trained: number;
}): number {
  const { enterpriseId } = options;
  let visits = 0;
  let satisfactionSum = 0;
  const upheld: { points: number }[] = [];
  for (const o of options.orders) {
    // A visit scored low reopened the order and moved its dispatch into `attempts` (the k-th such visit
    // made the k-th reopened attempt); any other reached visit closed it, so it rated the dispatch kept.
    const reopened = o.attempts.filter((a) => a.outcome === 'reopened');
    let k = 0;
    for (const v of o.returnVisits) {
      if (!v.reached || v.satisfaction === null) continue;
      const rated =
        v.satisfaction <= unsatisfiedAtMost ? reopened[k++]?.enterpriseId : o.dispatch?.enterpriseId;
      if (rated !== enterpriseId) continue;
      visits += 1;
      satisfactionSum += v.satisfaction;
    }
    for (const c of o.complaints) {
      if (c.enterpriseId !== enterpriseId || c.outcome === null || c.outcome.kind === 'dismissed') continue;
      upheld.push({ points: 'points' in c.outcome ? c.outcome.points : 0 });
    }
  }
  return computeCreditScore({
    input: {
      returnVisits: { count: visits, satisfactionSum },
      upheldComplaints: upheld,
      inspectionFindings: { minor: 0, major: 0, critical: 0 },
      workers: { total: options.workers, withValidTraining: options.trained },
    },
  }).score;
}

function bookingsByWorker(options: { orders: readonly OrderState[]; now: number }): Map<string, Booking[]> {
  const bookings = new Map<string, Booking[]>();
  for (const o of options.orders) {
    const workerId = o.dispatch?.workerId;
    if (!workerId || !bookingStatuses.includes(o.status) || o.wantedAt === null || o.durationMinutes === null)
      continue;
    const booking = { orderId: o.id, from: o.wantedAt, to: o.wantedAt + o.durationMinutes * 60_000 };
    // Past bookings cannot clash with an order still to be served.
    if (booking.to <= options.now) continue;
    bookings.set(workerId, [...(bookings.get(workerId) ?? []), booking]);
  }
  return bookings;
}
