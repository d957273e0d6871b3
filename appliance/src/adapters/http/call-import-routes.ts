import { DomainError, DomainErrorCode } from '@jiazheng/sync/domain';
import { invalidInput } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import { CallImportError, callImportSchema, importedCallRecord } from '../../domain/calls/call-import';
import type { CallRecord } from '../../domain/calls/call-record';
import type { CallStore } from '../../ports/call-store';
import type { AuthenticatedUser } from '../../services/auth-service';
import { bodyIssue, readJsonBody, requireSessionUser } from './request-helpers';

/** Migrating a centre's old CDRs is a commissioning job: the technician's or the administrator's. */
const IMPORTING = new Set(['technician', 'admin']);

/**
 * `POST /api/calls/import`: call history from the system this centre replaces, in batches of at most 40
 * calls, so the screen pop knows past callers from the first day. Each call is checked on its own and the
 * first fault refuses the whole batch (400, the field named as `calls.<n>.<field>`), so a batch is stored
 * whole or not at all. Idempotent by call id; a call this switch recorded is never replaced (`kept`).
 */
export function mountCallImportRoutes(options: {
  app: Hono;
  authenticate: (token: string) => Promise<AuthenticatedUser | undefined>;
  store: CallStore;
  agentName: (options: { seat: string }) => string;
  defaultAreaCode: string | undefined;
  now?: () => Date;
}): void {
  const now = options.now ?? (() => new Date());
  const requireImporter = async (c: Context): Promise<AuthenticatedUser> => {
    const user = await requireSessionUser({ c, authenticate: options.authenticate });
    if (!IMPORTING.has(user.role)) {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: `authorization: role ${user.role} may not import call history; a technician or an admin may`,
      });
    }
    return user;
  };

  options.app.post('/api/calls/import', async (c) => {
    await requireImporter(c);
    const body = callImportSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    const at = now();
    const seen = new Set<string>();
    const records: CallRecord[] = [];
    for (const [i, call] of body.data.calls.entries()) {
      if (seen.has(call.id))
        throw invalidInput({ field: `calls.${i}.id`, message: 'is repeated in this batch' });
      seen.add(call.id);
      try {
        records.push(
          importedCallRecord({
            call,
            now: at,
            defaultAreaCode: options.defaultAreaCode,
            agentName: options.agentName,
            field: `calls.${i}`,
          }),
        );
      } catch (error) {
        if (!(error instanceof CallImportError)) throw error;
        throw invalidInput({ field: error.field, message: error.reason });
      }
    }
    const result = await options.store.importCalls({ records });
    return c.json({ received: records.length, ...result });
  });
}
