import { invalidInput } from '@jiazheng/sync/node';
import type { z } from 'zod';

/**
 * A request body or query checked against its schema: the first problem becomes a 400 naming its field
 * (`calls.3.endedAt`, or the unknown key itself), so a client learns what to fix and nothing half-applies.
 */
export function parseWith<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw invalidInput({ field: 'body', message: 'is invalid' });
  if (issue.code === 'unrecognized_keys') {
    throw invalidInput({ field: (issue.keys[0] ?? 'body').slice(0, 40), message: 'is not a known field' });
  }
  if (issue.path.length === 0) throw invalidInput({ field: 'body', message: 'must be a JSON object' });
  throw invalidInput({ field: issue.path.map(String).join('.'), message: issue.message });
}

/** Each query parameter at most once: a repeated one is refused rather than one of them silently chosen. */
export function singleQueries(queries: Record<string, string[]>): Record<string, string> {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(queries)) {
    if (values.length > 1) throw invalidInput({ field: name.slice(0, 40), message: 'must be given once' });
    single[name] = values[0] ?? '';
  }
  return single;
}
