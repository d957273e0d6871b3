import { z } from 'zod';
import { isFreeCommunityService, itemCodeSchema } from '../catalogue/catalogue';
import { ok, type Result } from '../errors';
import {
  applyTransition,
  commandEnvelopeSchema,
  describeTransitions,
  rejectWith,
  replayLog,
  type TransitionTable,
} from '../lifecycle';
import { regionCodeSchema } from '../regions/regions';
import { Role } from '../roles';
import { validateCreditCode } from './credit-code';

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(500);

export const EnterpriseStatus = {
  applied: 'applied',
  underReview: 'under_review',
  rejected: 'rejected',
  approved: 'approved',
  active: 'active',
  warned: 'warned',
  suspended: 'suspended',
  blacklisted: 'blacklisted',
} as const;
export type EnterpriseStatus = (typeof EnterpriseStatus)[keyof typeof EnterpriseStatus];

/** What a registry officer checks before approving an application; every item must pass. */
export const ReviewCheck = {
  licenceValid: 'licence_valid',
  scopeCoversServices: 'scope_covers_services',
  premisesVerified: 'premises_verified',
  liabilityInsurance: 'liability_insurance',
  staffRoster: 'staff_roster',
  feeSchedulePublished: 'fee_schedule_published',
  noSeriousViolations: 'no_serious_violations',
} as const;
export type ReviewCheck = (typeof ReviewCheck)[keyof typeof ReviewCheck];
const reviewChecks = Object.values(ReviewCheck);

export const agreementSchema = z
  .object({
    number: z.string().trim().min(1).max(40),
    signedAt: epochMsSchema,
    validFrom: epochMsSchema,
    validTo: epochMsSchema,
  })
  .refine((a) => a.validFrom < a.validTo, { message: 'validTo must be after validFrom', path: ['validTo'] });
export type Agreement = z.infer<typeof agreementSchema>;

const servicesSchema = z.object({
  items: z.array(itemCodeSchema).min(1, 'at least one service item').max(200),
  counties: z.array(regionCodeSchema).min(1, 'at least one county').max(500),
});

const applyPayloadSchema = z
  .object({
    enterpriseId: z.string().min(1).max(80),
    /** Volunteer groups are dispatched to free community services and rated like enterprises. */
    kind: z.enum(['enterprise', 'volunteer']),
    name: z.string().trim().min(2).max(100),
    licenceNumber: z.string().trim().max(18).nullable(),
    contactName: z.string().trim().min(1).max(40),
    contactPhone: z.string().trim().min(5).max(40),
    documents: z
      .array(z.object({ name: z.string().min(1).max(200), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
      .max(50),
  })
  .extend(servicesSchema.shape);

export const enterpriseCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({ type: z.literal('apply'), payload: applyPayloadSchema }),
  commandEnvelopeSchema.extend({ type: z.literal('startReview'), payload: z.object({}) }),
  commandEnvelopeSchema.extend({
    type: z.literal('approve'),
    payload: z.object({ checklist: z.record(z.string(), z.boolean()), agreement: agreementSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('reject'),
    payload: z.object({ reasons: z.array(reasonSchema).min(1).max(20) }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('resubmit'), payload: servicesSchema }),
  commandEnvelopeSchema.extend({ type: z.literal('activate'), payload: z.object({}) }),
  commandEnvelopeSchema.extend({
    type: z.literal('renewAgreement'),
    payload: z.object({ agreement: agreementSchema }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('updateServices'), payload: servicesSchema }),
  commandEnvelopeSchema.extend({ type: z.literal('warn'), payload: z.object({ reason: reasonSchema }) }),
  commandEnvelopeSchema.extend({
    type: z.literal('suspend'),
    payload: z.object({ reason: reasonSchema, until: epochMsSchema.nullable() }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('blacklist'), payload: z.object({ reason: reasonSchema }) }),
  commandEnvelopeSchema.extend({ type: z.literal('reinstate'), payload: z.object({ reason: reasonSchema }) }),
]);
export type EnterpriseCommand = z.infer<typeof enterpriseCommandSchema>;
export type EnterpriseCommandType = EnterpriseCommand['type'];

export type Sanction = {
  kind: 'warn' | 'suspend' | 'blacklist' | 'reinstate';
  reason: string;
  at: number;
  by: string;
  until: number | null;
};

export type EnterpriseState = {
  id: string;
  kind: 'enterprise' | 'volunteer';
  status: EnterpriseStatus;
  name: string;
  licenceNumber: string | null;
  contactName: string;
  contactPhone: string;
  items: string[];
  counties: string[];
  documents: { name: string; sha256: string }[];
  appliedAt: number;
  review: {
    decidedAt: number;
    decidedBy: string;
    checklist: Record<string, boolean>;
    reasons: string[];
  } | null;
  agreement: Agreement | null;
  sanctions: Sanction[];
  /** When a suspension with an end date lapses; null when open-ended or not suspended. */
  suspendedUntil: number | null;
  updatedAt: number;
};

const staff = [Role.registryOfficer, Role.administrator] as const;
const sanctioners = [Role.registryOfficer, Role.qualityInspector, Role.administrator] as const;

function touch(state: EnterpriseState, at: number, patch: Partial<EnterpriseState>): Result<EnterpriseState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

function agreementCovers(agreement: Agreement | null, at: number): boolean {
  return agreement !== null && agreement.validFrom <= at && at <= agreement.validTo;
}

function sanction(options: {
  state: EnterpriseState;
  kind: Sanction['kind'];
  reason: string;
  at: number;
  by: string;
  until: number | null;
  status: EnterpriseStatus;
}): Result<EnterpriseState> {
  const { state, kind, reason, at, by, until, status } = options;
  return touch(state, at, {
    status,
    suspendedUntil: status === EnterpriseStatus.suspended ? until : null,
    sanctions: [...state.sanctions, { kind, reason, at, by, until }],
  });
}

/**
 * 志愿者组织只提供免费社区服务（目录中的 freeCommunityService），收费服务交给企业：申请、重新提交和变更服务时都检查。
 * A volunteer group serves only free community services (the catalogue's freeCommunityService items): a
 * paid service is an enterprise's trade. Checked wherever the items are set: apply, resubmit, updateServices.
 */
function refuseVolunteerPaidItems(options: {
  kind: EnterpriseState['kind'];
  items: readonly string[];
}): Result<never> | null {
  if (options.kind !== 'volunteer') return null;
  const index = options.items.findIndex((code) => !isFreeCommunityService({ code }));
  if (index < 0) return null;
  return rejectWith({
    code: 'invalid_input',
    field: `payload.items.${index}`,
    message: `a volunteer group may serve only free community services; ${options.items[index]} is not one`,
  });
}

export const enterpriseTransitions: TransitionTable<EnterpriseState, EnterpriseCommand, null> = {
  apply: {
    from: 'create',
    roles: [Role.enterprise, Role.registryOfficer, Role.system],
    apply: ({ command }) => {
      const p = command.payload;
      let licenceNumber: string | null = null;
      if (p.licenceNumber !== null && p.licenceNumber !== '') {
        const checked = validateCreditCode({ code: p.licenceNumber });
        if (!checked.ok) return checked;
        licenceNumber = checked.value;
      } else if (p.kind === 'enterprise') {
        return rejectWith({
          field: 'payload.licenceNumber',
          message: 'an enterprise must give its licence number',
        });
      }
      const paid = refuseVolunteerPaidItems({ kind: p.kind, items: p.items });
      if (paid) return paid;
      return ok({
        id: p.enterpriseId,
        kind: p.kind,
        status: EnterpriseStatus.applied,
        name: p.name,
        licenceNumber,
        contactName: p.contactName,
        contactPhone: p.contactPhone,
        items: [...new Set(p.items)],
        counties: [...new Set(p.counties)],
        documents: p.documents,
        appliedAt: command.at,
        review: null,
        agreement: null,
        sanctions: [],
        suspendedUntil: null,
        updatedAt: command.at,
      });
    },
  },
  startReview: {
    from: [EnterpriseStatus.applied],
    roles: staff,
    apply: ({ state, command }) => touch(state, command.at, { status: EnterpriseStatus.underReview }),
  },
  approve: {
    from: [EnterpriseStatus.underReview],
    roles: staff,
    apply: ({ state, command }) => {
      const { checklist, agreement } = command.payload;
      const failed = reviewChecks.filter((c) => checklist[c] !== true);
      if (failed.length > 0) {
        return rejectWith({
          field: 'payload.checklist',
          message: `cannot approve: review checks not passed: ${failed.join(', ')}`,
        });
      }
      if (agreement.validTo <= command.at) {
        return rejectWith({
          field: 'payload.agreement.validTo',
          message: 'the quality-assurance agreement has already expired',
        });
      }
      return touch(state, command.at, {
        status: EnterpriseStatus.approved,
        agreement,
        review: { decidedAt: command.at, decidedBy: command.actor.userId, checklist, reasons: [] },
      });
    },
  },
  reject: {
    from: [EnterpriseStatus.underReview],
    roles: staff,
    apply: ({ state, command }) =>
      touch(state, command.at, {
        status: EnterpriseStatus.rejected,
        review: {
          decidedAt: command.at,
          decidedBy: command.actor.userId,
          checklist: {},
          reasons: command.payload.reasons,
        },
      }),
  },
  resubmit: {
    from: [EnterpriseStatus.rejected],
    roles: [Role.enterprise, Role.registryOfficer],
    apply: ({ state, command }) =>
      refuseVolunteerPaidItems({ kind: state.kind, items: command.payload.items }) ??
      touch(state, command.at, {
        status: EnterpriseStatus.applied,
        items: [...new Set(command.payload.items)],
        counties: [...new Set(command.payload.counties)],
      }),
  },
  activate: {
    from: [EnterpriseStatus.approved],
    roles: [...staff, Role.system],
    apply: ({ state, command }) =>
      agreementCovers(state.agreement, command.at)
        ? touch(state, command.at, { status: EnterpriseStatus.active })
        : rejectWith({
            field: 'agreement',
            message: 'cannot activate: no quality-assurance agreement in force today',
          }),
  },
  renewAgreement: {
    from: [
      EnterpriseStatus.approved,
      EnterpriseStatus.active,
      EnterpriseStatus.warned,
      EnterpriseStatus.suspended,
    ],
    roles: staff,
    apply: ({ state, command }) => {
      const { agreement } = command.payload;
      if (state.agreement && agreement.validTo <= state.agreement.validTo) {
        return rejectWith({
          field: 'payload.agreement.validTo',
          message: 'a renewal must extend the agreement',
        });
      }
      return touch(state, command.at, { agreement });
    },
  },
  updateServices: {
    from: [EnterpriseStatus.approved, EnterpriseStatus.active, EnterpriseStatus.warned],
    roles: staff,
    apply: ({ state, command }) =>
      refuseVolunteerPaidItems({ kind: state.kind, items: command.payload.items }) ??
      touch(state, command.at, {
        items: [...new Set(command.payload.items)],
        counties: [...new Set(command.payload.counties)],
      }),
  },
  warn: {
    from: [EnterpriseStatus.active],
    roles: sanctioners,
    apply: ({ state, command }) =>
      sanction({
        state,
        kind: 'warn',
        reason: command.payload.reason,
        at: command.at,
        by: command.actor.userId,
        until: null,
        status: EnterpriseStatus.warned,
      }),
  },
  suspend: {
    from: [EnterpriseStatus.active, EnterpriseStatus.warned],
    roles: staff,
    apply: ({ state, command }) => {
      const { until } = command.payload;
      if (until !== null && until <= command.at) {
        return rejectWith({ field: 'payload.until', message: 'a suspension must end in the future' });
      }
      return sanction({
        state,
        kind: 'suspend',
        reason: command.payload.reason,
        at: command.at,
        by: command.actor.userId,
        until,
        status: EnterpriseStatus.suspended,
      });
    },
  },
  blacklist: {
    from: [EnterpriseStatus.active, EnterpriseStatus.warned, EnterpriseStatus.suspended],
    roles: staff,
    apply: ({ state, command }) =>
      sanction({
        state,
        kind: 'blacklist',
        reason: command.payload.reason,
        at: command.at,
        by: command.actor.userId,
        until: null,
        status: EnterpriseStatus.blacklisted,
      }),
  },
  reinstate: {
    from: [EnterpriseStatus.warned, EnterpriseStatus.suspended, EnterpriseStatus.blacklisted],
    roles: staff,
    apply: ({ state, command }) => {
      // Lifting a blacklisting is a decision for an administrator, not the officer who keeps the registry.
      if (state.status === EnterpriseStatus.blacklisted && command.actor.role !== Role.administrator) {
        return rejectWith({
          code: 'forbidden',
          field: 'command.actor.role',
          message: 'only an administrator may lift a blacklisting',
        });
      }
      return sanction({
        state,
        kind: 'reinstate',
        reason: command.payload.reason,
        at: command.at,
        by: command.actor.userId,
        until: null,
        status: EnterpriseStatus.active,
      });
    },
  },
};

/** Applies one command; on refusal the state is returned untouched inside the error result. */
export function applyEnterpriseCommand(options: {
  state: EnterpriseState | null;
  command: unknown;
}): Result<EnterpriseState> {
  return applyTransition({
    record: 'enterprise',
    schema: enterpriseCommandSchema,
    table: enterpriseTransitions,
    state: options.state,
    command: options.command,
    context: null,
  });
}

/** State = reduce(log): replays commands the home has already accepted. */
export function replayEnterpriseLog(options: { log: readonly unknown[] }): EnterpriseState | null {
  return replayLog({ log: options.log, apply: applyEnterpriseCommand });
}

export const enterpriseTransitionList = describeTransitions({ table: enterpriseTransitions });

/**
 * Whether the enterprise may receive orders at `at`. A warned enterprise still may (the warning lowers
 * its rank); a suspension with an end date no longer applies once it has lapsed.
 */
export function checkEnterpriseDispatchable(options: { enterprise: EnterpriseState; at: number }): {
  dispatchable: boolean;
  reason: 'not_active' | 'suspended' | 'blacklisted' | 'agreement_not_in_force' | null;
} {
  const { enterprise, at } = options;
  const s = enterprise.status;
  if (s === EnterpriseStatus.blacklisted) return { dispatchable: false, reason: 'blacklisted' };
  const lapsedSuspension =
    s === EnterpriseStatus.suspended && enterprise.suspendedUntil !== null && enterprise.suspendedUntil <= at;
  if (s === EnterpriseStatus.suspended && !lapsedSuspension)
    return { dispatchable: false, reason: 'suspended' };
  if (s !== EnterpriseStatus.active && s !== EnterpriseStatus.warned && !lapsedSuspension) {
    return { dispatchable: false, reason: 'not_active' };
  }
  if (!agreementCovers(enterprise.agreement, at))
    return { dispatchable: false, reason: 'agreement_not_in_force' };
  return { dispatchable: true, reason: null };
}
