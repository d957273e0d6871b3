import { z } from 'zod';
import { DomainError, DomainErrorCode, fail, type Result } from './errors';
import { ulidSchema } from './ids';
import { actorSchema, type Actor, type Role } from './roles';

/**
 * The machinery shared by every record's lifecycle (orders, enterprises): a command names who
 * (actor) did what (type, payload) when (at); a table says, per command type, from which states and by
 * which roles it may be made; and one function applies a command or refuses it with a reason while
 * leaving the state untouched. The record's home runs it to sequence proposals; every replica runs it
 * to replay the accepted log.
 */
export const commandEnvelopeSchema = z.object({
  id: ulidSchema,
  actor: actorSchema,
  /** Epoch ms, taken from the proposer's hybrid logical clock. */
  at: z.number().int().min(0).max(8_640_000_000_000_000),
});

export type LifecycleCommand = { id: string; type: string; actor: Actor; at: number };

/**
 * `home`: the record's home deciding whether to accept a proposal; context lookups (registry data)
 * are checked. `replay`: re-applying an already accepted log; the home checked the context then, so
 * only the deterministic transition rules run again.
 */
export const ApplyMode = { home: 'home', replay: 'replay' } as const;
export type ApplyMode = (typeof ApplyMode)[keyof typeof ApplyMode];

export type TransitionRule<S, C, Ctx> = {
  /** States the command may be applied in; `create` means it starts a record that does not exist yet. */
  from: 'create' | readonly string[];
  roles: readonly Role[];
  apply: (options: { state: S; command: C; context: Ctx }) => Result<S>;
};

export type TransitionTable<S, C extends LifecycleCommand, Ctx> = {
  [K in C['type']]: TransitionRule<S, Extract<C, { type: K }>, Ctx>;
};

/**
 * Parses a command (from the network or storage: untrusted) with the lifecycle's schema, then applies it
 * by the table, or refuses it naming the field. The state passed in is never modified.
 */
export function applyTransition<S extends { status: string }, C extends LifecycleCommand, Ctx>(options: {
  record: string;
  schema: z.ZodType<C>;
  table: TransitionTable<S, C, Ctx>;
  state: S | null;
  command: unknown;
  context: Ctx;
}): Result<S> {
  const parsed = parseCommand({ schema: options.schema, command: options.command });
  if (!parsed.ok) return parsed;
  const command = parsed.value;
  const { record, table, state, context } = options;
  const rule = (table as unknown as Record<string, TransitionRule<S, C, Ctx> | undefined>)[command.type];
  if (!rule) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'command.type',
      message: `unknown command ${command.type}`,
    });
  }
  if (!rule.roles.includes(command.actor.role)) {
    return fail({
      code: DomainErrorCode.forbidden,
      field: 'command.actor.role',
      message: `role ${command.actor.role} may not ${command.type} an ${record} (allowed: ${rule.roles.join(', ')})`,
    });
  }
  if (rule.from === 'create') {
    if (state !== null) {
      return fail({
        code: DomainErrorCode.conflict,
        field: 'command.type',
        message: `${record} already exists`,
      });
    }
    // A create rule never reads the state; the table type keeps one signature for all rules.
    return rule.apply({ state: null as unknown as S, command, context });
  }
  if (state === null) {
    return fail({
      code: DomainErrorCode.notFound,
      field: 'command.type',
      message: `cannot ${command.type}: the ${record} does not exist yet`,
    });
  }
  if (!rule.from.includes(state.status)) {
    return fail({
      code: DomainErrorCode.invalidTransition,
      field: 'command.type',
      message: `cannot ${command.type} an ${record} that is ${state.status} (only when ${rule.from.join(' or ')})`,
    });
  }
  return rule.apply({ state, command, context });
}

/** Lists, for documentation and for the UI, which roles may make which command from which states. */
export function describeTransitions<S, C extends LifecycleCommand, Ctx>(options: {
  table: TransitionTable<S, C, Ctx>;
}): { type: string; from: 'create' | readonly string[]; roles: readonly Role[] }[] {
  return Object.entries(options.table as unknown as Record<string, TransitionRule<S, C, Ctx>>).map(
    ([type, rule]) => ({
      type,
      from: rule.from,
      roles: rule.roles,
    }),
  );
}

export function rejectWith(options: {
  field: string;
  message: string;
  code?: DomainErrorCode;
}): Result<never> {
  return {
    ok: false,
    error: new DomainError({ code: options.code ?? DomainErrorCode.invalidTransition, ...options }),
  };
}

/** Parses a command from the network or storage into a typed one, or refuses it naming the field. */
export function parseCommand<S extends z.ZodType>(options: {
  schema: S;
  command: unknown;
}): Result<z.output<S>> {
  const parsed = options.schema.safeParse(options.command);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const field = ['command', ...(issue?.path ?? []).map(String)].join('.');
  return rejectWith({
    code: DomainErrorCode.invalidInput,
    field,
    message: `${field}: ${issue?.message ?? 'invalid'}`,
  });
}

/** State = reduce(log): replays commands the home has already accepted; a refusal means a corrupt log. */
export function replayLog<S>(options: {
  log: readonly unknown[];
  apply: (options: { state: S | null; command: unknown }) => Result<S>;
}): S | null {
  let state: S | null = null;
  for (const command of options.log) {
    const result = options.apply({ state, command });
    if (!result.ok) throw result.error;
    state = result.value;
  }
  return state;
}
