import { findItem } from '../catalogue/catalogue';
import { DomainErrorCode, ok, type Result } from '../errors';
import { checkEnterpriseDispatchable, type EnterpriseState } from '../enterprise/enterprise';
import {
  ApplyMode,
  applyTransition,
  describeTransitions,
  rejectWith,
  replayLog,
  type TransitionTable,
} from '../lifecycle';
import type { Qualification } from '../qualifications';
import { Role } from '../roles';
import { checkWorkerEligibility, type Worker } from '../worker/worker';
import {
  orderCommandSchema,
  type Channel,
  type ComplaintKind,
  type ComplaintOutcome,
  type OrderCommand,
  type Urgency,
} from './order-command';

export const OrderStatus = {
  received: 'received',
  awaitingDispatch: 'awaiting_dispatch',
  dispatched: 'dispatched',
  accepted: 'accepted',
  inService: 'in_service',
  served: 'served',
  closed: 'closed',
  cancelled: 'cancelled',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

/** A return visit scored at or below this sends the order back to be done again (发回重办). */
export const unsatisfiedAtMost = 2;

export type OrderDispatch = {
  enterpriseId: string;
  dispatchedAt: number;
  dispatchedBy: string;
  acceptedAt: number | null;
  workerId: string | null;
  serviceStartedAt: number | null;
  servedAt: number | null;
  feeFen: number | null;
};

export type OrderComplaint = {
  id: string;
  kind: ComplaintKind;
  description: string;
  openedAt: number;
  openedBy: string;
  /** The service complained about: the current dispatch when opened, else the last one that ended. */
  enterpriseId: string;
  dispatchedAt: number;
  /** What that service cost; refunds for it can never add up to more. */
  feeFen: number;
  status: 'open' | 'resolved';
  outcome: ComplaintOutcome | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  reason: string | null;
};

export type OrderState = {
  id: string;
  countyCode: string;
  status: OrderStatus;
  channel: Channel;
  citizenPhone: string | null;
  citizenName: string;
  itemCode: string;
  urgency: Urgency;
  address: string;
  wantedAt: number | null;
  durationMinutes: number | null;
  notes: string;
  receivedAt: number;
  receivedBy: string;
  /** Since when the order has waited for an enterprise: the dispatch deadline runs from here. */
  awaitingDispatchSince: number | null;
  dispatch: OrderDispatch | null;
  /** Earlier dispatches that ended without service: declined, or reopened after an unsatisfied visit. */
  attempts: {
    enterpriseId: string;
    dispatchedAt: number;
    feeFen: number | null;
    outcome: 'declined' | 'reopened';
    reason: string;
    at: number;
  }[];
  returnVisits: { at: number; by: string; reached: boolean; satisfaction: number | null; comment: string }[];
  reopenCount: number;
  complaints: OrderComplaint[];
  resolution: 'information' | 'served' | 'cancelled' | null;
  informationAnswer: string | null;
  cancelReason: string | null;
  closedAt: number | null;
  updatedAt: number;
};

/** What the order lifecycle needs to know of a catalogue item. */
export type OrderItemFacts = {
  handling: 'dispatch' | 'information';
  qualifications: readonly Qualification[];
};

/**
 * At the home, proposals are checked against the registry as the home knows it (is the enterprise
 * active, is the worker trained); when replaying an accepted log those checks already happened.
 */
export type OrderContext =
  | { mode: typeof ApplyMode.replay }
  | {
      mode: typeof ApplyMode.home;
      findItem: (code: string) => OrderItemFacts | undefined;
      findEnterprise: (id: string) => EnterpriseState | undefined;
      findWorker: (id: string) => Worker | undefined;
    };

/** The catalogue's answer to `findItem`, for a home that uses the shipped catalogue. */
export function findCatalogueItemFacts(code: string): OrderItemFacts | undefined {
  const item = findItem({ code });
  return item && { handling: item.handling, qualifications: item.standard.qualifications };
}

const intake = [Role.callTaker, Role.supervisor, Role.system] as const;
const desk = [Role.callTaker, Role.supervisor] as const;
const deskAndEnterprise = [Role.callTaker, Role.supervisor, Role.enterprise] as const;
const quality = [Role.qualityInspector, Role.legalConsultant] as const;
/*
 * The hub's system user carries a complaint arbitrated on its complaint record (complaint:hub:<id>, whose
 * log names the filer and the arbitrator) onto the order: it files and decides nothing itself. A county's
 * appliance signs as `system` too, but it is the order's home and writes its log anyway.
 */
const complaintOpeners = [...desk, ...quality, Role.system] as const;
const complaintResolvers = [...quality, Role.system] as const;
const afterDispatch = [
  OrderStatus.dispatched,
  OrderStatus.accepted,
  OrderStatus.inService,
  OrderStatus.served,
  OrderStatus.closed,
] as const;

function touch(state: OrderState, at: number, patch: Partial<OrderState>): Result<OrderState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

function withDispatch(
  state: OrderState,
  at: number,
  patch: Partial<OrderDispatch>,
  rest: Partial<OrderState> = {},
) {
  // Every caller is reachable only from states that have a dispatch; the guard keeps the types honest.
  if (!state.dispatch) return rejectWith({ field: 'dispatch', message: 'the order has no dispatch' });
  return touch(state, at, { ...rest, dispatch: { ...state.dispatch, ...patch } });
}

function checkWorker(options: {
  state: OrderState;
  workerId: string;
  enterpriseId: string;
  at: number;
  context: OrderContext;
}): Result<null> {
  const { state, workerId, enterpriseId, at, context } = options;
  if (context.mode === ApplyMode.replay) return ok(null);
  const worker = context.findWorker(workerId);
  if (!worker)
    return rejectWith({
      code: DomainErrorCode.notFound,
      field: 'payload.workerId',
      message: `unknown worker ${workerId}`,
    });
  if (worker.enterpriseId !== enterpriseId) {
    return rejectWith({
      field: 'payload.workerId',
      message: `worker ${workerId} does not belong to ${enterpriseId}`,
    });
  }
  const item = context.findItem(state.itemCode);
  const from = state.wantedAt ?? at;
  const window =
    state.durationMinutes === null ? undefined : { from, to: from + state.durationMinutes * 60_000 };
  const eligibility = checkWorkerEligibility({ worker, required: item?.qualifications ?? [], at, window });
  const blocking = eligibility.reasons.filter((r) => !(r.code === 'busy' && r.orderId === state.id));
  if (blocking.length > 0) {
    const why = blocking.map((r) => (r.qualification ? `${r.code}:${r.qualification}` : r.code)).join(', ');
    return rejectWith({
      field: 'payload.workerId',
      message: `worker ${workerId} cannot be assigned: ${why}`,
    });
  }
  return ok(null);
}

export const orderTransitions: TransitionTable<OrderState, OrderCommand, OrderContext> = {
  receive: {
    from: 'create',
    roles: intake,
    apply: ({ command, context }) => {
      const p = command.payload;
      if (context.mode === ApplyMode.home && !context.findItem(p.itemCode)) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.itemCode',
          message: `unknown service item ${p.itemCode}`,
        });
      }
      return ok({
        id: p.orderId,
        countyCode: p.orderId.slice(6, 12),
        status: OrderStatus.received,
        channel: p.channel,
        citizenPhone: p.citizenPhone,
        citizenName: p.citizenName,
        itemCode: p.itemCode,
        urgency: p.urgency,
        address: p.address,
        wantedAt: p.wantedAt,
        durationMinutes: p.durationMinutes,
        notes: p.notes,
        receivedAt: command.at,
        receivedBy: command.actor.userId,
        awaitingDispatchSince: null,
        dispatch: null,
        attempts: [],
        returnVisits: [],
        reopenCount: 0,
        complaints: [],
        resolution: null,
        informationAnswer: null,
        cancelReason: null,
        closedAt: null,
        updatedAt: command.at,
      });
    },
  },
  answerInformation: {
    from: [OrderStatus.received],
    roles: desk,
    apply: ({ state, command }) =>
      touch(state, command.at, {
        status: OrderStatus.closed,
        resolution: 'information',
        informationAnswer: command.payload.answer,
        closedAt: command.at,
      }),
  },
  awaitDispatch: {
    from: [OrderStatus.received],
    roles: intake,
    apply: ({ state, command, context }) => {
      if (context.mode === ApplyMode.home && context.findItem(state.itemCode)?.handling === 'information') {
        return rejectWith({
          field: 'itemCode',
          message: `${state.itemCode} is answered as information, not dispatched to an enterprise`,
        });
      }
      return touch(state, command.at, {
        status: OrderStatus.awaitingDispatch,
        awaitingDispatchSince: command.at,
      });
    },
  },
  dispatch: {
    from: [OrderStatus.awaitingDispatch],
    roles: intake,
    apply: ({ state, command, context }) => {
      const { enterpriseId } = command.payload;
      if (context.mode === ApplyMode.home) {
        const enterprise = context.findEnterprise(enterpriseId);
        if (!enterprise) {
          return rejectWith({
            code: DomainErrorCode.notFound,
            field: 'payload.enterpriseId',
            message: `unknown enterprise ${enterpriseId}`,
          });
        }
        const { dispatchable, reason } = checkEnterpriseDispatchable({ enterprise, at: command.at });
        if (!dispatchable) {
          return rejectWith({
            field: 'payload.enterpriseId',
            message: `enterprise ${enterpriseId} cannot take orders: ${reason}`,
          });
        }
        if (!enterprise.items.includes(state.itemCode) || !enterprise.counties.includes(state.countyCode)) {
          return rejectWith({
            field: 'payload.enterpriseId',
            message: `enterprise ${enterpriseId} does not serve ${state.itemCode} in ${state.countyCode}`,
          });
        }
      }
      return touch(state, command.at, {
        status: OrderStatus.dispatched,
        dispatch: {
          enterpriseId,
          dispatchedAt: command.at,
          dispatchedBy: command.actor.userId,
          acceptedAt: null,
          workerId: null,
          serviceStartedAt: null,
          servedAt: null,
          feeFen: null,
        },
      });
    },
  },
  accept: {
    from: [OrderStatus.dispatched],
    roles: deskAndEnterprise,
    apply: ({ state, command, context }) => {
      const { enterpriseId, workerId } = command.payload;
      if (state.dispatch?.enterpriseId !== enterpriseId) {
        return rejectWith({
          field: 'payload.enterpriseId',
          message: `the order was dispatched to ${state.dispatch?.enterpriseId}, not ${enterpriseId}`,
        });
      }
      if (workerId !== null) {
        const checked = checkWorker({ state, workerId, enterpriseId, at: command.at, context });
        if (!checked.ok) return checked;
      }
      return withDispatch(
        state,
        command.at,
        { acceptedAt: command.at, workerId },
        { status: OrderStatus.accepted },
      );
    },
  },
  decline: {
    from: [OrderStatus.dispatched],
    roles: deskAndEnterprise,
    apply: ({ state, command }) => {
      const { enterpriseId, reason } = command.payload;
      if (!state.dispatch || state.dispatch.enterpriseId !== enterpriseId) {
        return rejectWith({
          field: 'payload.enterpriseId',
          message: `the order was dispatched to ${state.dispatch?.enterpriseId}, not ${enterpriseId}`,
        });
      }
      const attempt = {
        enterpriseId,
        dispatchedAt: state.dispatch.dispatchedAt,
        feeFen: null,
        outcome: 'declined' as const,
        reason,
        at: command.at,
      };
      return touch(state, command.at, {
        status: OrderStatus.awaitingDispatch,
        awaitingDispatchSince: command.at,
        dispatch: null,
        attempts: [...state.attempts, attempt],
      });
    },
  },
  assignWorker: {
    from: [OrderStatus.accepted],
    roles: deskAndEnterprise,
    apply: ({ state, command, context }) => {
      const enterpriseId = state.dispatch?.enterpriseId ?? '';
      const checked = checkWorker({
        state,
        workerId: command.payload.workerId,
        enterpriseId,
        at: command.at,
        context,
      });
      if (!checked.ok) return checked;
      return withDispatch(state, command.at, { workerId: command.payload.workerId });
    },
  },
  startService: {
    from: [OrderStatus.accepted],
    roles: deskAndEnterprise,
    apply: ({ state, command }) =>
      state.dispatch?.workerId
        ? withDispatch(state, command.at, { serviceStartedAt: command.at }, { status: OrderStatus.inService })
        : rejectWith({
            field: 'dispatch.workerId',
            message: 'assign a trained worker before service starts',
          }),
  },
  markServed: {
    from: [OrderStatus.inService],
    roles: deskAndEnterprise,
    apply: ({ state, command }) =>
      withDispatch(
        state,
        command.at,
        { servedAt: command.at, feeFen: command.payload.feeFen },
        { status: OrderStatus.served },
      ),
  },
  recordReturnVisit: {
    from: [OrderStatus.served],
    roles: desk,
    apply: ({ state, command }) => {
      const p = command.payload;
      const visit = {
        at: command.at,
        by: command.actor.userId,
        reached: p.reached,
        satisfaction: p.reached ? p.satisfaction : null,
        comment: p.comment,
      };
      const returnVisits = [...state.returnVisits, visit];
      if (!p.reached) return touch(state, command.at, { returnVisits });
      if (p.satisfaction > unsatisfiedAtMost) {
        return touch(state, command.at, {
          returnVisits,
          status: OrderStatus.closed,
          resolution: 'served',
          closedAt: command.at,
        });
      }
      if (!state.dispatch) return rejectWith({ field: 'dispatch', message: 'the order has no dispatch' });
      const attempt = {
        enterpriseId: state.dispatch.enterpriseId,
        dispatchedAt: state.dispatch.dispatchedAt,
        feeFen: state.dispatch.feeFen,
        outcome: 'reopened' as const,
        reason: `satisfaction ${p.satisfaction}: ${p.comment}`,
        at: command.at,
      };
      return touch(state, command.at, {
        returnVisits,
        status: OrderStatus.awaitingDispatch,
        awaitingDispatchSince: command.at,
        dispatch: null,
        reopenCount: state.reopenCount + 1,
        attempts: [...state.attempts, attempt],
      });
    },
  },
  cancel: {
    from: [OrderStatus.received, OrderStatus.awaitingDispatch, OrderStatus.dispatched, OrderStatus.accepted],
    roles: desk,
    apply: ({ state, command }) =>
      touch(state, command.at, {
        status: OrderStatus.cancelled,
        resolution: 'cancelled',
        cancelReason: command.payload.reason,
        closedAt: command.at,
      }),
  },
  openComplaint: {
    // A complaint can come after closing too: that is when citizens usually find the fault.
    from: afterDispatch,
    roles: complaintOpeners,
    apply: ({ state, command }) => {
      const p = command.payload;
      if (state.complaints.some((c) => c.id === p.complaintId)) {
        return rejectWith({
          code: DomainErrorCode.conflict,
          field: 'payload.complaintId',
          message: `complaint ${p.complaintId} already exists`,
        });
      }
      const against = state.dispatch ?? state.attempts.at(-1);
      if (!against) {
        return rejectWith({
          field: 'payload',
          message: 'no enterprise has served this order, so there is nobody to complain about',
        });
      }
      const complaint: OrderComplaint = {
        id: p.complaintId,
        kind: p.kind,
        description: p.description,
        openedAt: command.at,
        openedBy: command.actor.userId,
        enterpriseId: against.enterpriseId,
        dispatchedAt: against.dispatchedAt,
        feeFen: against.feeFen ?? 0,
        status: 'open',
        outcome: null,
        resolvedAt: null,
        resolvedBy: null,
        reason: null,
      };
      return touch(state, command.at, { complaints: [...state.complaints, complaint] });
    },
  },
  resolveComplaint: {
    from: afterDispatch,
    roles: complaintResolvers,
    apply: ({ state, command }) => {
      const p = command.payload;
      const complaint = state.complaints.find((c) => c.id === p.complaintId);
      if (!complaint) {
        return rejectWith({
          code: DomainErrorCode.notFound,
          field: 'payload.complaintId',
          message: `no complaint ${p.complaintId} on this order`,
        });
      }
      if (complaint.status !== 'open') {
        return rejectWith({
          field: 'payload.complaintId',
          message: `complaint ${p.complaintId} is already resolved`,
        });
      }
      if (p.outcome.kind === 'refund') {
        const refunded = state.complaints.reduce(
          (sum, c) =>
            sum +
            (c.outcome?.kind === 'refund' && c.dispatchedAt === complaint.dispatchedAt
              ? c.outcome.amountFen
              : 0),
          0,
        );
        // The fee may have been recorded after the complaint was opened (a complaint during service).
        const fee =
          state.dispatch?.dispatchedAt === complaint.dispatchedAt
            ? (state.dispatch.feeFen ?? 0)
            : complaint.feeFen;
        if (refunded + p.outcome.amountFen > fee) {
          return rejectWith({
            field: 'payload.outcome.amountFen',
            message: `refunds would total ${refunded + p.outcome.amountFen} fen, more than the fee of ${fee} fen`,
          });
        }
      }
      const resolved: OrderComplaint = {
        ...complaint,
        status: 'resolved',
        outcome: p.outcome,
        resolvedAt: command.at,
        resolvedBy: command.actor.userId,
        reason: p.reason,
      };
      return touch(state, command.at, {
        complaints: state.complaints.map((c) => (c.id === p.complaintId ? resolved : c)),
      });
    },
  },
};

/**
 * Applies one command to an order. A refused command returns an error naming the field and the
 * reason, and the caller's state is untouched (states are immutable values).
 */
export function applyOrderCommand(options: {
  state: OrderState | null;
  command: unknown;
  context: OrderContext;
}): Result<OrderState> {
  return applyTransition({
    record: 'order',
    schema: orderCommandSchema,
    table: orderTransitions,
    state: options.state,
    command: options.command,
    context: options.context,
  });
}

/** State = reduce(log) over commands the home has accepted. */
export function replayOrderLog(options: { log: readonly unknown[] }): OrderState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) => applyOrderCommand({ state, command, context: { mode: ApplyMode.replay } }),
  });
}

export const orderTransitionList = describeTransitions({ table: orderTransitions });
