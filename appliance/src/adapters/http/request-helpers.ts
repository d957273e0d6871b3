import { HttpError, HttpErrorCode, invalidInput } from '@jiazheng/sync/node';

// The one JSON body reader, shared with the hub; re-exported so the routes import their helpers from one place.
export { readJsonBody } from '@jiazheng/sync/node';
import type { DomainError } from '@jiazheng/sync/domain';
import type { Context } from 'hono';
import type { z } from 'zod';

/** Longer than any legitimate search; the domain has its own, tighter limits. */
export const MAX_QUERY_PARAM_LENGTH = 200;

/**
 * One query parameter, or undefined when absent. A repeated parameter is refused rather than silently taking
 * the first, so a proxy and the appliance can never disagree about which value was meant.
 */
export function readQuery(c: Context, options: { name: string }): string | undefined {
  const values = c.req.queries(options.name);
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) throw invalidInput({ field: options.name, message: 'must be given once' });
  const value = values[0] ?? '';
  if (value.length > MAX_QUERY_PARAM_LENGTH) {
    throw invalidInput({
      field: options.name,
      message: `must be at most ${MAX_QUERY_PARAM_LENGTH} characters`,
    });
  }
  return value;
}

export function readRequiredQuery(c: Context, options: { name: string }): string {
  const value = readQuery(c, options);
  if (value === undefined || value.trim() === '')
    throw invalidInput({ field: options.name, message: 'is required' });
  return value;
}

export function readLimit(c: Context): number | undefined {
  const text = readQuery(c, { name: 'limit' });
  if (text === undefined) return undefined;
  // Strict digits: Number() would accept "1e2", "0x10" and " 5 ".
  if (!/^\d{1,4}$/.test(text)) throw invalidInput({ field: 'limit', message: 'must be a whole number' });
  const limit = Number(text);
  if (limit < 1) throw invalidInput({ field: 'limit', message: 'must be at least 1' });
  return limit;
}

export function bodyIssue(error: z.ZodError): DomainError {
  const issue = error.issues[0];
  if (issue === undefined) return invalidInput({ field: 'body', message: 'is invalid' });
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? 'body';
    return invalidInput({ field: key.slice(0, 40), message: 'is not a known field' });
  }
  if (issue.path.length === 0) return invalidInput({ field: 'body', message: 'must be a JSON object' });
  return invalidInput({ field: issue.path.map(String).join('.'), message: issue.message });
}

/** The token of `Authorization: Bearer <token>`, or undefined when there is none (or it is absurdly long). */
export function readBearerToken(c: Context): string | undefined {
  return /^Bearer\s+(\S{1,500})$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/** The logged-in user of a request's session token, or a 401 telling the client how to log in. */
export async function requireSessionUser<U>(options: {
  c: Context;
  authenticate: (token: string) => Promise<U | undefined>;
}): Promise<U> {
  const token = readBearerToken(options.c);
  const user = token === undefined ? undefined : await options.authenticate(token);
  if (user === undefined) {
    throw new HttpError({
      status: 401,
      body: {
        code: HttpErrorCode.unauthorized,
        field: 'authorization',
        message: 'authorization: log in (POST /api/auth/login) and send Authorization: Bearer <token>',
      },
    });
  }
  return user;
}
