import {
  closingRates,
  createId,
  DomainError,
  DomainErrorCode,
  formatRecordId,
  periodBounds,
  periodKey,
  periodSchema,
  type ClosingOrders,
  type ClosingState,
} from '@jiazheng/sync/domain';
import { HttpError, HttpErrorCode } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { closingCallFigures } from '../../domain/calls/period-figures';
import type { CallStore } from '../../ports/call-store';
import type { PeriodClosings } from '../../ports/period-closings';
import type { AuthenticatedUser } from '../../services/auth-service';
import { bodyIssue, readJsonBody, requireSessionUser } from './request-helpers';

const closeSchema = z.strictObject({ period: periodSchema });

/** What a closing looks like over HTTP: the record, and the rates a supervisor reads. */
function closingView(state: ClosingState) {
  return { ...state, rates: closingRates({ calls: state.calls }) };
}

/**
 * `POST /api/periods/close`: the supervisor closes a day or a month that is over (China time). The
 * appliance counts the period's figures itself (its call records, its projection of its orders) and
 * proposes the closing record signed as the county's system user; being the record's home it decides at
 * once, and the record then syncs to the hub, whose statistics read it. A period already closed is a 409
 * until a supervisor reopens it (a `reopenPeriod` proposal from their console); closing it again then
 * replaces its figures. `GET /api/periods`: the county's closings, newest period first.
 */
export function mountPeriodRoutes(options: {
  app: Hono;
  authenticate: (token: string) => Promise<AuthenticatedUser | undefined>;
  calls: CallStore;
  closings: PeriodClosings;
  countOrders: (options: { fromMs: number; toMs: number }) => Promise<ClosingOrders>;
  countyCode: string;
  now?: () => Date;
}): void {
  const { app, closings, countyCode } = options;
  const now = options.now ?? (() => new Date());
  // One close at a time: two requests for one period must not both find it open.
  let closing: Promise<unknown> = Promise.resolve();

  const requireSupervisor = async (c: Context): Promise<AuthenticatedUser> => {
    const user = await requireSessionUser({ c, authenticate: options.authenticate });
    if (user.role !== 'supervisor') {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: `authorization: role ${user.role} may not close periods; a supervisor may`,
      });
    }
    return user;
  };

  app.get('/api/periods', async (c) => {
    const user = await requireSessionUser({ c, authenticate: options.authenticate });
    if (user.role !== 'supervisor' && user.role !== 'admin') {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: `authorization: role ${user.role} may not see the closings; a supervisor may`,
      });
    }
    // The latest-ending period first; a month before the last day in it.
    const list = (await closings.listClosings()).sort(
      (a, b) =>
        periodBounds({ period: b.period }).endMs - periodBounds({ period: a.period }).endMs ||
        compareText(b.period.kind, a.period.kind) ||
        b.closedAt - a.closedAt,
    );
    return c.json({ countyCode, closings: list.map(closingView) });
  });

  app.post('/api/periods/close', async (c) => {
    const user = await requireSupervisor(c);
    const body = closeSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    const { period } = body.data;
    const run = closing.then(async () => {
      const { startMs, endMs } = periodBounds({ period });
      if (endMs > now().getTime()) {
        throw new DomainError({
          code: DomainErrorCode.conflict,
          field: 'period',
          message: `period: the ${period.kind} ${period.start} is not over yet (China time)`,
        });
      }
      const key = periodKey({ period });
      const earlier = (await closings.listClosings())
        .filter((s) => periodKey({ period: s.period }) === key)
        .sort((a, b) => b.closedAt - a.closedAt)[0];
      if (earlier?.status === 'closed') {
        throw new DomainError({
          code: DomainErrorCode.conflict,
          field: 'period',
          message: `period: ${period.start} was closed by ${earlier.closedBy} at ${new Date(earlier.closedAt).toISOString()}; a supervisor reopens it first`,
        });
      }
      const calls = closingCallFigures({
        calls: await options.calls.listCalls({
          from: new Date(startMs).toISOString(),
          to: new Date(endMs).toISOString(),
        }),
      });
      const orders = await options.countOrders({ fromMs: startMs, toMs: endMs });
      // A reopened closing is closed again in its own record, so the period keeps one record.
      const recordId = earlier?.id ?? formatRecordId({ kind: 'closing', scope: countyCode, id: createId() });
      const decision = await closings.proposeClosing({
        recordId,
        type: 'closePeriod',
        payload: { closingId: recordId, countyCode, period, calls, orders, closedBy: user.username },
      });
      if (decision.outcome === 'not_enrolled') {
        throw new HttpError({
          status: 503,
          body: { code: HttpErrorCode.badGateway, field: null, message: decision.message },
        });
      }
      if (decision.outcome === 'rejected') {
        // The home's refusal, as the domain gave it (the figures' field, a period not over): a 4xx.
        if (!(Object.values(DomainErrorCode) as string[]).includes(decision.code))
          throw new Error(`closing ${recordId}: ${decision.code}: ${decision.message}`);
        throw new DomainError({
          code: decision.code as DomainErrorCode,
          field: decision.field,
          message: decision.message,
        });
      }
      return decision.state;
    });
    closing = run.catch(() => undefined);
    return c.json({ closing: closingView(await run) }, 201);
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
