import type { z } from 'zod';

/**
 * Every failure the domain reports. `code` is stable (tests, the UI and the sync log match on it);
 * `field` names the offending input so a form can point at it; `message` is for people.
 */
export const DomainErrorCode = {
  invalidInput: 'invalid_input',
  notFound: 'not_found',
  forbidden: 'forbidden',
  invalidTransition: 'invalid_transition',
  conflict: 'conflict',
} as const;
export type DomainErrorCode = (typeof DomainErrorCode)[keyof typeof DomainErrorCode];

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly code: DomainErrorCode;
  readonly field: string | undefined;

  constructor(options: { code: DomainErrorCode; message: string; field?: string | undefined }) {
    super(options.message);
    this.code = options.code;
    this.field = options.field;
  }
}

/** The outcome of a function that refuses bad input without throwing. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(options: {
  code: DomainErrorCode;
  message: string;
  field?: string | undefined;
}): Result<T> {
  return { ok: false, error: new DomainError(options) };
}

/**
 * Validates `input` against `schema`; on failure throws a DomainError naming the first offending field
 * (as a dotted path under `what`, e.g. `order.payload.feeFen`).
 */
export function parseInput<S extends z.ZodType>(options: {
  schema: S;
  input: unknown;
  what: string;
}): z.output<S> {
  const parsed = options.schema.safeParse(options.input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '';
  const field = path ? `${options.what}.${path}` : options.what;
  throw new DomainError({
    code: DomainErrorCode.invalidInput,
    field,
    message: `${field}: ${issue?.message ?? 'invalid'}`,
  });
}
