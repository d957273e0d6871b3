import {
  applyClosingCommand,
  applyComplaintCommand,
  applyCourseCommand,
  applyDirectoryCommand,
  applyEnterpriseCommand,
  applyInspectionCommand,
  applyOrderCommand,
  applyWorkerCommand,
  type EnterpriseState,
  type OrderItemFacts,
  type Result,
  type Worker,
} from '../domain';

/** What a home knows of the registry when it decides on order proposals. */
export type HomeRegistry = {
  findItem: (code: string) => OrderItemFacts | undefined;
  findEnterprise: (id: string) => EnterpriseState | undefined;
  findWorker: (id: string) => Worker | undefined;
};

export type KindContext =
  { mode: 'replay' } | { mode: 'home'; registry: HomeRegistry; actorCountyCode: string | null };

type KindHandler = (options: { state: unknown; command: unknown; context: KindContext }) => Result<unknown>;

/**
 * The lifecycle of each record kind: the same pure reducers every replica runs. A kind without a
 * lifecycle would be refused rather than accepted unchecked.
 */
const handlers: Partial<Record<string, KindHandler>> = {
  order: ({ state, command, context }) =>
    applyOrderCommand({
      state: state as Parameters<typeof applyOrderCommand>[0]['state'],
      command,
      context: context.mode === 'replay' ? { mode: 'replay' } : { mode: 'home', ...context.registry },
    }),
  enterprise: ({ state, command }) =>
    applyEnterpriseCommand({
      state: state as Parameters<typeof applyEnterpriseCommand>[0]['state'],
      command,
    }),
  worker: ({ state, command, context }) =>
    applyWorkerCommand({
      state: state as Parameters<typeof applyWorkerCommand>[0]['state'],
      command,
      context:
        context.mode === 'replay'
          ? { mode: 'replay' }
          : { mode: 'home', findEnterprise: context.registry.findEnterprise },
    }),
  // The sequencer has checked that the actor is the user who signed, so the reducer's check that only
  // the assigned inspector works on an inspection needs nothing more from the context.
  inspection: ({ state, command, context }) =>
    applyInspectionCommand({
      state: state as Parameters<typeof applyInspectionCommand>[0]['state'],
      command,
      context:
        context.mode === 'replay'
          ? { mode: 'replay' }
          : { mode: 'home', findEnterprise: context.registry.findEnterprise },
    }),
  // The signer's county (from the directory) keeps a county's desk to its own county's complaints.
  complaint: ({ state, command, context }) =>
    applyComplaintCommand({
      state: state as Parameters<typeof applyComplaintCommand>[0]['state'],
      command,
      context:
        context.mode === 'replay'
          ? { mode: 'replay' }
          : {
              mode: 'home',
              actorCountyCode: context.actorCountyCode,
              findEnterprise: context.registry.findEnterprise,
            },
    }),
  // The signer's county keeps a county to its own periods (the sequencer already refuses another county's).
  closing: ({ state, command, context }) =>
    applyClosingCommand({
      state: state as Parameters<typeof applyClosingCommand>[0]['state'],
      command,
      context:
        context.mode === 'replay'
          ? { mode: 'replay' }
          : { mode: 'home', actorCountyCode: context.actorCountyCode },
    }),
  // Training is the centre's: the signer's county keeps a county's staff out; the registry checks enrolments.
  course: ({ state, command, context }) =>
    applyCourseCommand({
      state: state as Parameters<typeof applyCourseCommand>[0]['state'],
      command,
      context:
        context.mode === 'replay'
          ? { mode: 'replay' }
          : {
              mode: 'home',
              actorCountyCode: context.actorCountyCode,
              findWorker: context.registry.findWorker,
            },
    }),
  directory: ({ state, command, context }) =>
    applyDirectoryCommand({
      state: state as Parameters<typeof applyDirectoryCommand>[0]['state'],
      command,
      context:
        context.mode === 'replay'
          ? { mode: 'replay' }
          : { mode: 'home', actorCountyCode: context.actorCountyCode },
    }),
};

export function findKindHandler(options: { kind: string }): KindHandler | undefined {
  return handlers[options.kind];
}
