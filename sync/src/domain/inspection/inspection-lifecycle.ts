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
import { Role, type Actor } from '../roles';

/*
 * A field inspection of an enterprise by the centre's quality supervision: scheduled for one inspector
 * with a checklist, worked through on a tablet (often offline for days), completed with an outcome.
 * The hub is its home; only the inspector it is assigned to (and the centre's other staff) read it.
 *
 *   scheduleInspection → scheduled ─startInspection→ in_progress ─completeInspection→ completed
 *   reassignInspection: while scheduled or in progress; cancelInspection: while scheduled or in progress
 *   recordFinding: while in progress, one per checklist item (the last one wins)
 */

export const InspectionStatus = {
  scheduled: 'scheduled',
  inProgress: 'in_progress',
  completed: 'completed',
  cancelled: 'cancelled',
} as const;
export type InspectionStatus = (typeof InspectionStatus)[keyof typeof InspectionStatus];

export const InspectionOutcome = { pass: 'pass', rectify: 'rectify', fail: 'fail' } as const;
export type InspectionOutcome = (typeof InspectionOutcome)[keyof typeof InspectionOutcome];
export const inspectionOutcomeSchema = z.enum(['pass', 'rectify', 'fail']);

const epochMsSchema = z.number().int().min(0).max(8_640_000_000_000_000);
const reasonSchema = z.string().trim().min(1, 'a reason is required').max(500);
const userIdSchema = z.string().min(1).max(64);

/** Inspection records are homed at the hub: `inspection:hub:<ULID>` (see ids.ts). */
export const inspectionIdSchema = z
  .string()
  .regex(
    /^inspection:hub:[0-9A-HJKMNP-TV-Z]{26}$/,
    'must be an inspection record id like inspection:hub:01J…',
  );

/** A checklist item's key, e.g. `contracts.signed`: stable, so findings can be counted across inspections. */
export const checklistKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]{0,47}$/, 'must be a key of lowercase letters, digits, _ . -');

const maxChecklistItems = 100;

export const scheduleInspectionPayloadSchema = z.object({
  inspectionId: inspectionIdSchema,
  /** The enterprise's record id, as orders and workers name it. */
  enterpriseId: z.string().min(1).max(80),
  /** The county where the inspection takes place (the enterprise's premises or a service site). */
  countyCode: z.string().regex(/^\d{6}$/, 'must be a GB/T 2260 county code'),
  dueAt: epochMsSchema,
  checklist: z
    .array(checklistKeySchema)
    .min(1, 'an inspection needs at least one checklist item')
    .max(maxChecklistItems)
    .refine((keys) => new Set(keys).size === keys.length, 'checklist keys must be unique'),
  inspectorUserId: userIdSchema,
});
export type ScheduleInspectionPayload = z.infer<typeof scheduleInspectionPayloadSchema>;

export const inspectionCommandSchema = z.discriminatedUnion('type', [
  commandEnvelopeSchema.extend({
    type: z.literal('scheduleInspection'),
    payload: scheduleInspectionPayloadSchema,
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('reassignInspection'),
    payload: z.object({ inspectorUserId: userIdSchema, reason: reasonSchema }),
  }),
  commandEnvelopeSchema.extend({ type: z.literal('startInspection'), payload: z.object({}) }),
  commandEnvelopeSchema.extend({
    type: z.literal('recordFinding'),
    payload: z.object({
      key: checklistKeySchema,
      passed: z.boolean(),
      note: z.string().trim().max(1000),
    }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('completeInspection'),
    payload: z.object({ summary: z.string().trim().min(1).max(2000), outcome: inspectionOutcomeSchema }),
  }),
  commandEnvelopeSchema.extend({
    type: z.literal('cancelInspection'),
    payload: z.object({ reason: reasonSchema }),
  }),
]);
export type InspectionCommand = z.infer<typeof inspectionCommandSchema>;
export type InspectionCommandType = InspectionCommand['type'];

export type InspectionFinding = { key: string; passed: boolean; note: string; at: number; by: string };
export type InspectionReassignment = { from: string; to: string; reason: string; at: number; by: string };

export type InspectionState = {
  id: string;
  enterpriseId: string;
  countyCode: string;
  status: InspectionStatus;
  dueAt: number;
  checklist: string[];
  /** The user the inspection is assigned to: the only inspector who works on it and reads it. */
  inspectorUserId: string;
  /** One per checklist item at most, in checklist order. */
  findings: InspectionFinding[];
  outcome: InspectionOutcome | null;
  summary: string | null;
  reassignments: InspectionReassignment[];
  cancelReason: string | null;
  scheduledAt: number;
  scheduledBy: string;
  startedAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
  updatedAt: number;
};

/**
 * At the home (the hub) a schedule is checked against the registry as the hub knows it (the enterprise
 * must exist) and the inspector's commands against the assignment. Replay trusts what the home decided.
 */
export type InspectionContext =
  | { mode: typeof ApplyMode.replay }
  | { mode: typeof ApplyMode.home; findEnterprise: (id: string) => EnterpriseState | undefined };

// Inspections are planned by the registry, which knows the enterprises, and by administrators; the
// inspectors themselves neither schedule nor reassign, so nobody picks what they inspect.
const planners = [Role.registryOfficer, Role.administrator] as const;
const inspectors = [Role.qualityInspector] as const;
const open = [InspectionStatus.scheduled, InspectionStatus.inProgress] as const;

function touch(state: InspectionState, at: number, patch: Partial<InspectionState>): Result<InspectionState> {
  return ok({ ...state, ...patch, updatedAt: Math.max(state.updatedAt, at) });
}

/** Only the assigned inspector works on an inspection; checked at the home, where the assignment is current. */
function checkAssigned(options: {
  state: InspectionState;
  actor: Actor;
  context: InspectionContext;
}): Result<null> {
  const { state, actor, context } = options;
  if (context.mode === ApplyMode.home && actor.userId !== state.inspectorUserId) {
    return rejectWith({
      code: DomainErrorCode.forbidden,
      field: 'command.actor.userId',
      message: `the inspection is assigned to ${state.inspectorUserId}, not ${actor.userId}`,
    });
  }
  return ok(null);
}

export const inspectionTransitions: TransitionTable<InspectionState, InspectionCommand, InspectionContext> = {
  scheduleInspection: {
    from: 'create',
    roles: planners,
    apply: ({ command, context }) => {
      const p = command.payload;
      if (context.mode === ApplyMode.home && !context.findEnterprise(p.enterpriseId)) {
        return rejectWith({
          code: DomainErrorCode.notFound,
          field: 'payload.enterpriseId',
          message: `unknown enterprise ${p.enterpriseId}`,
        });
      }
      if (p.dueAt <= command.at) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.dueAt',
          message: 'an inspection is due after it is scheduled',
        });
      }
      return ok({
        id: p.inspectionId,
        enterpriseId: p.enterpriseId,
        countyCode: p.countyCode,
        status: InspectionStatus.scheduled,
        dueAt: p.dueAt,
        checklist: [...p.checklist],
        inspectorUserId: p.inspectorUserId,
        findings: [],
        outcome: null,
        summary: null,
        reassignments: [],
        cancelReason: null,
        scheduledAt: command.at,
        scheduledBy: command.actor.userId,
        startedAt: null,
        completedAt: null,
        cancelledAt: null,
        updatedAt: command.at,
      });
    },
  },
  reassignInspection: {
    from: open,
    roles: planners,
    apply: ({ state, command }) => {
      const { inspectorUserId, reason } = command.payload;
      if (inspectorUserId === state.inspectorUserId) {
        return rejectWith({
          code: DomainErrorCode.conflict,
          field: 'payload.inspectorUserId',
          message: `the inspection is already assigned to ${inspectorUserId}`,
        });
      }
      // Findings stay: the new inspector continues the same checklist rather than starting over.
      return touch(state, command.at, {
        inspectorUserId,
        reassignments: [
          ...state.reassignments,
          {
            from: state.inspectorUserId,
            to: inspectorUserId,
            reason,
            at: command.at,
            by: command.actor.userId,
          },
        ],
      });
    },
  },
  startInspection: {
    from: [InspectionStatus.scheduled],
    roles: inspectors,
    apply: ({ state, command, context }) => {
      const assigned = checkAssigned({ state, actor: command.actor, context });
      if (!assigned.ok) return assigned;
      return touch(state, command.at, { status: InspectionStatus.inProgress, startedAt: command.at });
    },
  },
  recordFinding: {
    from: [InspectionStatus.inProgress],
    roles: inspectors,
    apply: ({ state, command, context }) => {
      const assigned = checkAssigned({ state, actor: command.actor, context });
      if (!assigned.ok) return assigned;
      const { key, passed, note } = command.payload;
      if (!state.checklist.includes(key)) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.key',
          message: `${key} is not on this inspection's checklist`,
        });
      }
      const finding: InspectionFinding = { key, passed, note, at: command.at, by: command.actor.userId };
      // The last finding per item wins (an inspector corrects a finding by recording it again).
      const byKey = new Map(state.findings.map((f) => [f.key, f]));
      byKey.set(key, finding);
      const findings = state.checklist.flatMap((k) => {
        const f = byKey.get(k);
        return f ? [f] : [];
      });
      return touch(state, command.at, { findings });
    },
  },
  completeInspection: {
    from: [InspectionStatus.inProgress],
    roles: inspectors,
    apply: ({ state, command, context }) => {
      const assigned = checkAssigned({ state, actor: command.actor, context });
      if (!assigned.ok) return assigned;
      const missing = state.checklist.filter((k) => !state.findings.some((f) => f.key === k));
      if (missing.length > 0) {
        return rejectWith({
          field: 'findings',
          message: `every checklist item needs a finding first; missing: ${missing.join(', ')}`,
        });
      }
      const { outcome, summary } = command.payload;
      // A pass over failed items would hide them from the credit score and the punishment list.
      if (outcome === InspectionOutcome.pass && state.findings.some((f) => !f.passed)) {
        return rejectWith({
          code: DomainErrorCode.invalidInput,
          field: 'payload.outcome',
          message: 'an inspection with a failed item cannot pass: choose rectify or fail',
        });
      }
      return touch(state, command.at, {
        status: InspectionStatus.completed,
        outcome,
        summary,
        completedAt: command.at,
      });
    },
  },
  cancelInspection: {
    from: open,
    roles: planners,
    apply: ({ state, command }) =>
      touch(state, command.at, {
        status: InspectionStatus.cancelled,
        cancelReason: command.payload.reason,
        cancelledAt: command.at,
      }),
  },
};

/** Applies one command; on refusal the state is returned untouched inside the error result. */
export function applyInspectionCommand(options: {
  state: InspectionState | null;
  command: unknown;
  context: InspectionContext;
}): Result<InspectionState> {
  return applyTransition({
    record: 'inspection',
    schema: inspectionCommandSchema,
    table: inspectionTransitions,
    state: options.state,
    command: options.command,
    context: options.context,
  });
}

/** State = reduce(log): replays commands the home has already accepted. */
export function replayInspectionLog(options: { log: readonly unknown[] }): InspectionState | null {
  return replayLog({
    log: options.log,
    apply: ({ state, command }) =>
      applyInspectionCommand({ state, command, context: { mode: ApplyMode.replay } }),
  });
}

export const inspectionTransitionList = describeTransitions({ table: inspectionTransitions });
