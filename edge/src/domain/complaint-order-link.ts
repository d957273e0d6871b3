import {
  complaintOutcomePoints,
  complaintPoints,
  ComplaintStatus,
  OrderStatus,
  type ComplaintDecision,
  type ComplaintOutcome,
  type ComplaintState,
  type OrderState,
} from '@jiazheng/sync/domain';

/*
 * A complaint record at the hub that names an order is carried onto that order (homed at its county's
 * appliance) as the order's own `openComplaint` and `resolveComplaint`, so the county's desk sees the
 * complaint and how the centre decided it. Pure: the service reads the records and proposes what this plans.
 */

/** One command to sign on the order (HubSync.proposeRemote's shape). */
export type OrderLinkCommand = { type: 'openComplaint' | 'resolveComplaint'; payload: unknown };

/** A proposal already in the order record naming a complaint, and what its home decided. */
export type OrderComplaintProposal = {
  type: string;
  complaintId: string;
  decision: 'pending' | 'accepted' | 'rejected';
  /** The home's reason when rejected. */
  message: string | null;
};

export type ComplaintOrderLinkPlan =
  /** Nothing to propose now or later unless the complaint changes: in step, or not linked. */
  | { kind: 'none'; why: string }
  /** The county's appliance refused what was proposed: not proposed again (it would refuse it again). */
  | { kind: 'refused'; why: string }
  /** Nothing to propose until the order changes at the hub (arrives, is dispatched, a proposal is decided). */
  | { kind: 'wait'; why: string }
  | { kind: 'propose'; commands: OrderLinkCommand[] };

const reasonMax = 500;

/** The order names a complaint by the ULID of its complaint record (`complaint:hub:<ULID>`). */
export function complaintUlidOf(options: { recordId: string }): string {
  return options.recordId.slice(options.recordId.lastIndexOf(':') + 1);
}

/**
 * A complaint record's decision as the order's complaint outcome. Dismissed, refund and penalty have the
 * same shape on both. The order's suspension carries credit points, not days: it gets the points the hub's
 * credit score charges a suspension (complaintPoints), so the order shows what the enterprise paid for it.
 */
export function orderComplaintOutcomeOf(options: { outcome: ComplaintDecision }): ComplaintOutcome {
  const { outcome } = options;
  switch (outcome.kind) {
    case 'dismissed':
      return { kind: 'dismissed' };
    case 'refund':
      return { kind: 'refund', amountFen: outcome.amountFen };
    case 'penalty':
      return { kind: 'penalty', points: outcome.points };
    case 'suspension':
      return { kind: 'suspension', points: complaintPoints({ outcome }) };
  }
}

/**
 * What ends the order's complaint for a decided or withdrawn complaint record, and why (the order's reason,
 * at most 500 characters). A withdrawal becomes `dismissed`: the order knows no other way for a complaint to
 * end without being upheld, and a withdrawn complaint sanctions nobody (it costs no credit at the hub either).
 * A refund larger than the order can still refund (its fee less earlier refunds for the same service, which
 * the order refuses to exceed) is recorded as what the order can refund, the full amount named in the reason;
 * with nothing refundable left it is a penalty of the refund's credit points, so the order still shows the
 * complaint upheld. Null while the complaint is neither decided nor withdrawn.
 */
export function orderComplaintResolutionOf(options: {
  complaint: ComplaintState;
  /** How much of the complained-about service's fee the order can still refund. */
  refundableFen: number;
}): { outcome: ComplaintOutcome; reason: string } | null {
  const { complaint, refundableFen } = options;
  if (complaint.status === ComplaintStatus.withdrawn) {
    return {
      outcome: { kind: 'dismissed' },
      reason: clip(`投诉人撤回 withdrawn (${complaint.withdrawnBy ?? '?'}): ${complaint.reason ?? ''}`),
    };
  }
  if (complaint.status !== ComplaintStatus.decided || complaint.outcome === null) return null;
  const decided = `中心裁决 decided (${complaint.decidedBy ?? '?'}): ${complaint.reason ?? ''}`;
  const outcome = orderComplaintOutcomeOf({ outcome: complaint.outcome });
  if (outcome.kind === 'refund' && outcome.amountFen > refundableFen) {
    const note = `裁决退款 refund decided ${yuan(outcome.amountFen)}, order refundable ${yuan(refundableFen)}; `;
    return refundableFen > 0
      ? { outcome: { kind: 'refund', amountFen: refundableFen }, reason: clip(note + decided) }
      : { outcome: { kind: 'penalty', points: complaintOutcomePoints.refund }, reason: clip(note + decided) };
  }
  return { outcome, reason: clip(decided) };
}

const complaintTakingStatuses: readonly string[] = [
  OrderStatus.dispatched,
  OrderStatus.accepted,
  OrderStatus.inService,
  OrderStatus.served,
  OrderStatus.closed,
];

/**
 * What the order still needs for the complaint, from the complaint's accepted state and the order as the
 * hub holds it (its accepted state and every proposal naming a complaint). Never plans a command already
 * proposed for this complaint, decided or not: a pending one waits for the county, and one the county
 * refused stays refused (proposing it again would refill the log with the same refusal).
 */
export function planComplaintOrderLink(options: {
  complaint: ComplaintState;
  order: { state: OrderState | null; proposals: readonly OrderComplaintProposal[] };
}): ComplaintOrderLinkPlan {
  const { complaint, order } = options;
  if (complaint.orderId === null) return { kind: 'none', why: 'the complaint names no order' };
  const complaintId = complaintUlidOf({ recordId: complaint.id });
  const proposed = (type: OrderLinkCommand['type']) =>
    order.proposals.find((p) => p.type === type && p.complaintId === complaintId);
  const state = order.state;
  if (state === null) {
    return { kind: 'wait', why: `the hub holds no accepted copy of ${complaint.orderId} yet` };
  }
  const onOrder = state.complaints.find((c) => c.id === complaintId);
  const ended =
    complaint.status === ComplaintStatus.decided || complaint.status === ComplaintStatus.withdrawn;
  if (!onOrder) {
    const open = proposed('openComplaint');
    if (open) return afterProposal(open);
    if (!complaintTakingStatuses.includes(state.status)) {
      return state.status === OrderStatus.cancelled
        ? { kind: 'none', why: 'the order was cancelled before any service: it takes no complaint' }
        : { kind: 'wait', why: `the order is ${state.status}: it takes complaints once dispatched` };
    }
    const commands: OrderLinkCommand[] = [
      {
        type: 'openComplaint',
        payload: { complaintId, kind: complaint.kind, description: complaint.description },
      },
    ];
    // Filed and ended before the order reached the hub: both go at once, decided in this order.
    const against = state.dispatch ?? state.attempts.at(-1);
    const resolution = ended
      ? orderComplaintResolutionOf({
          complaint,
          refundableFen: refundable({
            state,
            dispatchedAt: against?.dispatchedAt ?? 0,
            feeFen: against?.feeFen ?? 0,
          }),
        })
      : null;
    if (resolution) commands.push({ type: 'resolveComplaint', payload: { complaintId, ...resolution } });
    return { kind: 'propose', commands };
  }
  if (onOrder.status === 'resolved') return { kind: 'none', why: 'resolved on the order' };
  if (!ended) return { kind: 'none', why: 'open on the order, as at the hub' };
  const resolve = proposed('resolveComplaint');
  if (resolve) return afterProposal(resolve);
  if (!complaintTakingStatuses.includes(state.status)) {
    return { kind: 'none', why: `the order is ${state.status}: its complaints can no longer be resolved` };
  }
  const feeFen =
    state.dispatch?.dispatchedAt === onOrder.dispatchedAt ? (state.dispatch.feeFen ?? 0) : onOrder.feeFen;
  const resolution = orderComplaintResolutionOf({
    complaint,
    refundableFen: refundable({ state, dispatchedAt: onOrder.dispatchedAt, feeFen }),
  });
  if (!resolution) return { kind: 'none', why: 'the complaint is not decided' };
  return {
    kind: 'propose',
    commands: [{ type: 'resolveComplaint', payload: { complaintId, ...resolution } }],
  };
}

function afterProposal(p: OrderComplaintProposal): ComplaintOrderLinkPlan {
  if (p.decision === 'rejected') {
    return { kind: 'refused', why: `the county refused ${p.type}: ${p.message ?? 'no reason given'}` };
  }
  // Accepted yet not visible cannot happen (accepted state is the log); pending waits for the county.
  return { kind: 'wait', why: `${p.type} waits for the county's appliance to decide it` };
}

/** The order refuses refunds for one service adding up to more than its fee (order.ts resolveComplaint). */
function refundable(options: { state: OrderState; dispatchedAt: number; feeFen: number }): number {
  const refunded = options.state.complaints.reduce(
    (sum, c) =>
      sum +
      (c.outcome?.kind === 'refund' && c.dispatchedAt === options.dispatchedAt ? c.outcome.amountFen : 0),
    0,
  );
  return Math.max(0, options.feeFen - refunded);
}

function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= reasonMax ? trimmed : `${trimmed.slice(0, reasonMax - 1)}…`;
}
