import { z } from 'zod';
import type { EnterpriseState } from '../enterprise/enterprise';
import { DomainErrorCode, ok, type Result } from '../errors';
import {
  ApplyMode,
  applyTransition,
  commandEnvelopeSchema,
  describeTransitions,
  rejectWith,
  replayLog,
  type TransitionTable,
} from '../lifecycle';
import { fenSchema } from '../money';
import { Role, type Actor } from '../roles';

/*
 * A complaint or dispute about the quality or the price of a service (质量/价格投诉), from a call, an SMS,
 * the website or a county's desk: filed, assigned to a quality inspector or legal consultant of the centre
 * for arbitration, decided (dismissed, refund, penalty points, suspension), or withdrawn by the citizen
 * before a decision. The hub is its home (`complaint:hub:<ULID>`); its county reads and adds to it.
 *
 *   file → filed ─assign→ assigned ─decide→ decided
 *   assign again (reassign) while assigned; attachEvidence while filed or assigned;
 *   withdraw while filed or assigned → withdrawn
 */

export const ComplaintStatus = {
  filed: 'filed',
  assigned: 'assigned',
  decided: 'decided',
  withdrawn: 'withdrawn',
} as const;
export type ComplaintStatus = (typeof ComplaintStatus)[keyof typeof ComplaintStatus];

export const ComplaintSource = { call: 'call', sms: 'sms', web: 'web', county: 'county' } as const;
export type ComplaintSource = (typeof ComplaintSource)[keyof typeof ComplaintSource];
export const complaintSourceSchema = z.enum(['call', 'sms', 'web', 'county']);

export const complaintKindSchema = z.enum(['quality', 'price']);
export type ComplaintRecordKind = z.infer<typeof complaintKindSchema>;

/**
 * The default time limit (办理时限), in calendar days from filing. The 12345 government hotline, which the
 * centre's hotline is part of, gives a department 15 working days to handle a referred complaint, and the
 * market regulator's rules (《市场监督管理投诉举报处理暂行办法》) give 7 working days to decide whether to take
 * up a consumer complaint. A price dispute is mostly checked against the posted price (明码标价) and the
 * order's fee, so it gets the short limit; a quality dispute often needs an inspection or mediation, so it
 * gets the long one. Calendar days, not working days: the hotline works every day, and a pure domain
 * keeps no holiday calendar.
 */
export const complaintTimeLimitDays = { quality: 15, price: 7 } as const satisfies Record<
  ComplaintRecordKind,
  number
>;
/** No filer may give a limit longer than this, so no complaint is parked out of sight. */
export const maxComplaintTimeLimitDays = 60;
const dayMs = 24 * 3_600_000;

export function defaultComplaintDueAt(options: { kind: ComplaintRecordKind; filedAt: number }): number {
  return options.filedAt + complaintTimeLimitDays[options.kind] * dayMs;
}

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(500);
const userIdSchema = z.string().min(1).max(64);
const countyCodeSchema = z.string().regex(/^\d{6}$/, 'must be a GB/T 2260 county code (six digits)');

/** Complaint records are homed at the hub: `complaint:hub:<ULID>` (see ids.ts). */
export const complaintIdSchema = z
  .string()
  .regex(/^complaint:hub:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a complaint record id like complaint:hub:01J…');

/** Evidence is a reference, never the bytes: a call recording stays at its county's appliance. */
export const complaintEvidenceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('recording'),
    countyCode: countyCodeSchema,
    callId: z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, 'must be a call id (letters, digits, _ . : -)'),
  }),
  z.object({
    kind: z.literal('photo'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex'),
    name: z.string().trim().min(1).max(120),
  }),
]);
export type ComplaintEvidenceRef = z.infer<typeof complaintEvidenceSchema>;
export type ComplaintEvidence = ComplaintEvidenceRef & { at: number; by: string };
const maxEvidence = 50;

export const ArbitratorRole = {
  qualityInspector: Role.qualityInspector,
  legalConsultant: Role.legalConsultant,
} as const;
export const arbitratorRoleSchema = z.enum([Role.qualityInspector, Role.legalConsultant]);

/** How an arbitrated complaint ends; every outcome but `dismissed` upholds it (see complaintPoints). */
export const complaintDecisionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dismissed') }),
  z.object({
    kind: z.literal('refund'),
    amountFen: fenSchema.refine((f) => f > 0, 'a refund must be positive'),
  }),
  z.object({ kind: z.literal('penalty'), points: z.number().int().min(1).max(100) }),
  z.object({ kind: z.literal('suspension'), days: z.number().int().min(1).max(365) }),
]);
export type ComplaintDecision = z.infer<typeof complaintDecisionSchema>;

export const fileComplaintPayloadSchema = z.object({
  complaintId: complaintIdSchema,
  source: complaintSourceSchema,
  /** Where the service took place: that county's desk reads and works on the complaint. */
  countyCode: countyCodeSchema,
  orderId: z
    .string()
    .regex(/^order:\d{6}:[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an order record id like order:330106:01J…')
    .nullable(),
  /** The enterprise's record id when known; else it is only named (`enterpriseName`). */
  enterpriseId: z.string().min(1).max(80).nullable(),
  enterpriseName: z.string().trim().max(100),
  kind: complaintKindSchema,
  description: z.string().trim().min(1, 'a description is required').max(2000),
  citizenName: z.string().trim().max(40),
  /** Canonical phone (see phone/), or null for an anonymous complaint. */
  citizenPhone: z.string().max(40).nullable(),
  evidence: z.array(complaintEvidenceSchema).max(maxEvidence),
  /** The time limit; `defaultComplaintDueAt` gives the usual one. */
  dueAt: epochMsSchema,
});
export type FileComplaintPayload = z.infer<typeof fileComplaintPayloadSchema>;

export const complaintCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({ type: z.literal('file'), payload: fileComplaintPayloadSchema }),
  commandEnvelopeSchema.extend({ type: z.literal('attachEvidence'), payload: complaintEvidenceSchema }),
  commandEnvelopeSchema.extend({
    type: z.literal('assign'),
    payload: z.object({ userId: userIdSchema, role: arbitratorRoleSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('decide'),
    payload: z.object({ outcome: complaintDecisionSchema, reason: reasonSchema }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('withdraw'), payload: z.object({ reason: reasonSchema }) }),
]);
export type ComplaintCommand = z.infer<typeof complaintCommandSchema>;
export type ComplaintCommandType = ComplaintCommand['type'];

export type ComplaintAssignee = { userId: string; role: z.infer<typeof arbitratorRoleSchema> };
export type ComplaintAssignment = ComplaintAssignee & { at: number; by: string };

export type ComplaintState = {
  id: string;
  source: ComplaintSource;
  countyCode: string;
  orderId: string | null;
  enterpriseId: string | null;
  enterpriseName: string;
  kind: ComplaintRecordKind;
  description: string;
  citizenName: string;
  citizenPhone: string | null;
  evidence: ComplaintEvidence[];
  dueAt: number;
  status: ComplaintStatus;
  /** The arbitrator now; earlier ones are in `assignments`. */
  assignee: ComplaintAssignee | null;
  assignments: ComplaintAssignment[];
  outcome: ComplaintDecision | null;
  reason: string | null;
  decidedAt: number | null;
  decidedBy: string | null;
  withdrawnAt: number | null;
  withdrawnBy: string | null;
  filedAt: number;
  filedBy: string;
  updatedAt: number;
};

/**
 * At the home (the hub) the actor's county scope is checked against the complaint's county, and a named
 * enterprise against the registry. Replay trusts what the home decided.
 */
export type ComplaintContext =
  | { mode: typeof ApplyMode.replay }
  | {
      mode: typeof ApplyMode.home;
      /** The signer's county from the directory; null for the centre's staff and the hub. */
      actorCountyCode: string | null;
      findEnterprise: (id: string) => EnterpriseState | undefined;
    };

const desk = [Role.callTaker, Role.supervisor] as const;
const arbitrators = [Role.qualityInspector, Role.legalConsultant] as const;
// The hub's system user files the website's complaints; the centre's staff file what reaches them by phone.
const filers = [...desk, ...arbitrators, Role.administrator, Role.system] as const;
const open = [ComplaintStatus.filed, ComplaintStatus.assigned] as const;

function touch(state: ComplaintState, at: number, patch: Partial<ComplaintState>): Result<ComplaintState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

/** A county's staff act only on their own county's complaints. */
function checkCounty(options: {
  context: ComplaintContext;
  countyCode: string;
  field: string;
}): Result<null> {
  const { context, countyCode, field } = options;
  if (context.mode === ApplyMode.home && context.actorCountyCode !== null) {
    if (context.actorCountyCode !== countyCode) {
      return rejectWith({
        code: DomainErrorCode.forbidden,
        field,
        message: `a county actor of ${context.actorCountyCode} may not act on a complaint of ${countyCode}`,
      });
    }
  }
  return ok(null);
}

/** Arbitration is the centre's: a county-scoped inspector or administrator neither assigns nor decides. */
function checkCentral(options: { context: ComplaintContext }): Result<null> {
  const { context } = options;
  if (context.mode === ApplyMode.home && context.actorCountyCode !== null) {
    return rejectWith({
      code: DomainErrorCode.forbidden,
      field: 'command.actor',
      message: `arbitration is the centre's: an actor of county ${context.actorCountyCode} may not do it`,
    });
  }
  return ok(null);
}

/** No evidence twice; a county cites only its own calls (it could not fetch another county's anyway). */
function checkNewEvidence(options: {
  existing: readonly ComplaintEvidenceRef[];
  added: readonly ComplaintEvidenceRef[];
  context: ComplaintContext;
  fieldOf: (index: number) => string;
}): Result<null> {
  const { added, context, fieldOf } = options;
  const keys = new Set(options.existing.map(evidenceKey));
  for (const [i, e] of added.entries()) {
    const key = evidenceKey(e);
    if (keys.has(key)) {
      return rejectWith({
        code: DomainErrorCode.conflict,
        field: fieldOf(i),
        message: `the evidence ${key} is already attached`,
      });
    }
    keys.add(key);
    if (e.kind === 'recording') {
      const county = checkCounty({ context, countyCode: e.countyCode, field: `${fieldOf(i)}.countyCode` });
      if (!county.ok) return county;
    }
  }
  return ok(null);
}

function evidenceKey(e: ComplaintEvidenceRef): string {
  return e.kind === 'recording' ? `recording:${e.countyCode}:${e.callId}` : `photo:${e.sha256}`;
}

export const complaintTransitions: TransitionTable<ComplaintState, ComplaintCommand, ComplaintContext> = {
  file: {
    from: 'create',
    roles: filers,
    apply: ({ command, context }) => {
      const p = command.payload;
      const county = checkCounty({ context, countyCode: p.countyCode, field: 'payload.countyCode' });
      if (!county.ok) return county;
      if (p.orderId !== null && !p.orderId.startsWith(`order:${p.countyCode}:`)) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.orderId',
          message: `the order ${p.orderId} is not one of county ${p.countyCode}`,
        });
      }
      if (p.enterpriseId === null && p.enterpriseName === '') {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.enterpriseName',
          message: 'name the enterprise complained about, or give its enterpriseId',
        });
      }
      if (
        context.mode === ApplyMode.home &&
        p.enterpriseId !== null &&
        !context.findEnterprise(p.enterpriseId)
      ) {
        return rejectWith({
          code: DomainErrorCode.notFound,
          field: 'payload.enterpriseId',
          message: `unknown enterprise ${p.enterpriseId}`,
        });
      }
      if (p.dueAt <= command.at || p.dueAt > command.at + maxComplaintTimeLimitDays * dayMs) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.dueAt',
          message: `the time limit must lie after filing and within ${maxComplaintTimeLimitDays} days`,
        });
      }
      const evidence = checkNewEvidence({
        existing: [],
        added: p.evidence,
        context,
        fieldOf: (i) => `payload.evidence.${i}`,
      });
      if (!evidence.ok) return evidence;
      return ok({
        id: p.complaintId,
        source: p.source,
        countyCode: p.countyCode,
        orderId: p.orderId,
        enterpriseId: p.enterpriseId,
        enterpriseName: p.enterpriseName,
        kind: p.kind,
        description: p.description,
        citizenName: p.citizenName,
        citizenPhone: p.citizenPhone,
        evidence: p.evidence.map((e) => ({ ...e, at: command.at, by: command.actor.userId })),
        dueAt: p.dueAt,
        status: ComplaintStatus.filed,
        assignee: null,
        assignments: [],
        outcome: null,
        reason: null,
        decidedAt: null,
        decidedBy: null,
        withdrawnAt: null,
        withdrawnBy: null,
        filedAt: command.at,
        filedBy: command.actor.userId,
        updatedAt: command.at,
      });
    },
  },
  attachEvidence: {
    from: open,
    roles: [...desk, ...arbitrators, Role.administrator, Role.system],
    apply: ({ state, command, context }) => {
      const county = checkCounty({ context, countyCode: state.countyCode, field: 'command.actor' });
      if (!county.ok) return county;
      if (state.evidence.length >= maxEvidence) {
        return rejectWith({
          field: 'payload',
          message: `a complaint holds at most ${maxEvidence} pieces of evidence`,
        });
      }
      const checked = checkNewEvidence({
        existing: state.evidence,
        added: [command.payload],
        context,
        fieldOf: () => 'payload',
      });
      if (!checked.ok) return checked;
      return touch(state, command.at, {
        evidence: [...state.evidence, { ...command.payload, at: command.at, by: command.actor.userId }],
      });
    },
  },
  assign: {
    from: open,
    roles: [Role.qualityInspector, Role.administrator],
    apply: ({ state, command, context }) => {
      const central = checkCentral({ context });
      if (!central.ok) return central;
      const { userId, role } = command.payload;
      if (state.assignee?.userId === userId) {
        return rejectWith({
          code: DomainErrorCode.conflict,
          field: 'payload.userId',
          message: `the complaint is already assigned to ${userId}`,
        });
      }
      return touch(state, command.at, {
        status: ComplaintStatus.assigned,
        assignee: { userId, role },
        assignments: [...state.assignments, { userId, role, at: command.at, by: command.actor.userId }],
      });
    },
  },
  decide: {
    from: [ComplaintStatus.assigned],
    roles: [...arbitrators, Role.administrator],
    apply: ({ state, command, context }) => {
      const central = checkCentral({ context });
      if (!central.ok) return central;
      // Deterministic from the state, so replay agrees with the home.
      if (!isAssignedArbitrator({ state, actor: command.actor })) {
        return rejectWith({
          code: DomainErrorCode.forbidden,
          field: 'command.actor.userId',
          message: `the complaint is assigned to ${state.assignee?.userId ?? 'nobody'}, not ${command.actor.userId}`,
        });
      }
      if (command.payload.outcome.kind !== 'dismissed' && state.enterpriseId === null) {
        return rejectWith({
          field: 'payload.outcome',
          message:
            'a complaint that names no registered enterprise can only be dismissed (nobody to sanction)',
        });
      }
      return touch(state, command.at, {
        status: ComplaintStatus.decided,
        outcome: command.payload.outcome,
        reason: command.payload.reason,
        decidedAt: command.at,
        decidedBy: command.actor.userId,
      });
    },
  },
  withdraw: {
    // Withdrawn at the citizen's request, which reaches the desk that took the complaint.
    from: open,
    roles: desk,
    apply: ({ state, command, context }) => {
      const county = checkCounty({ context, countyCode: state.countyCode, field: 'command.actor' });
      if (!county.ok) return county;
      return touch(state, command.at, {
        status: ComplaintStatus.withdrawn,
        reason: command.payload.reason,
        withdrawnAt: command.at,
        withdrawnBy: command.actor.userId,
      });
    },
  },
};

/** Only the arbitrator the complaint is assigned to decides it; an administrator may stand in. */
function isAssignedArbitrator(options: { state: ComplaintState; actor: Actor }): boolean {
  const { state, actor } = options;
  return actor.role === Role.administrator || state.assignee?.userId === actor.userId;
}

/** Applies one command; on refusal the state is returned untouched inside the error result. */
export function applyComplaintCommand(options: {
  state: ComplaintState | null;
  command: unknown;
  context: ComplaintContext;
}): Result<ComplaintState> {
  return applyTransition({
    record: 'complaint',
    schema: complaintCommandSchema,
    table: complaintTransitions,
    state: options.state,
    command: options.command,
    context: options.context,
  });
}

/** State = reduce(log): replays commands the home has already accepted. */
export function replayComplaintLog(options: { log: readonly unknown[] }): ComplaintState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) =>
      applyComplaintCommand({ state, command, context: { mode: ApplyMode.replay } }),
  });
}

export const complaintTransitionList = describeTransitions({ table: complaintTransitions });

/** Past its time limit and still undecided (a withdrawn complaint is finished, not overdue). */
export function isComplaintOverdue(options: {
  complaint: Pick<ComplaintState, 'status' | 'dueAt'>;
  now: number;
}): boolean {
  const { complaint, now } = options;
  return (
    (complaint.status === ComplaintStatus.filed || complaint.status === ComplaintStatus.assigned) &&
    now > complaint.dueAt
  );
}

/**
 * The credit points an outcome costs the enterprise (credit-score.ts: the complaints part is 25 points).
 * A penalty costs its points, as decided. A refund costs 5: the enterprise was at fault, but made the
 * citizen whole, and the amount measures the fee, not the fault. A suspension costs 25, the whole part:
 * it is the gravest outcome, and an enterprise suspended must not stay on the recommended list.
 */
export const complaintOutcomePoints = { refund: 5, suspension: 25 } as const;

export function complaintPoints(options: { outcome: ComplaintDecision }): number {
  const { outcome } = options;
  switch (outcome.kind) {
    case 'dismissed':
      return 0;
    case 'penalty':
      return outcome.points;
    case 'refund':
      return complaintOutcomePoints.refund;
    case 'suspension':
      return complaintOutcomePoints.suspension;
  }
}

/** The `upheldComplaints` input of computeCreditScore: the enterprise's decided, not dismissed complaints. */
export function upheldComplaintPoints(options: {
  complaints: readonly ComplaintState[];
  enterpriseId: string;
}): { points: number }[] {
  return options.complaints.flatMap((c) =>
    c.enterpriseId === options.enterpriseId &&
    c.status === ComplaintStatus.decided &&
    c.outcome !== null &&
    c.outcome.kind !== 'dismissed'
      ? [{ points: complaintPoints({ outcome: c.outcome }) }]
      : [],
  );
}
