import {
  complaintCommandSchema,
  complaintIdSchema,
  createId,
  defaultComplaintDueAt,
  DomainError,
  DomainErrorCode,
  formatRecordId,
  isComplaintOverdue,
  Role,
  type ComplaintState,
} from '@jiazheng/sync/domain';
import { invalidInput, readJsonBody } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { countyScope, scopeContains } from '../../domain/hub-accounts';
import {
  complaintCommandRequestSchema,
  complaintListQuerySchema,
  fileComplaintRequestSchema,
} from '../../domain/complaint-requests';
import { staffActorOf } from '../../domain/staff-actor';
import type { ComplaintRecords, ComplaintStaff } from '../../ports/complaint-records';
import { requireScope, type HubPrincipal } from '../../services/hub-account-service';
import { requirePrincipal } from './account-routes';
import { parseWith, singleQueries } from './request-parsing';

/** Who reads complaints at the hub: arbitration, and the central office (read-only). */
const READERS = [
  Role.qualityInspector,
  Role.legalConsultant,
  Role.administrator,
  Role.centralOffice,
] as const;
/** Who acts on them through the hub; the reducer decides which of them may make which command. */
const ACTORS = [
  Role.qualityInspector,
  Role.legalConsultant,
  Role.administrator,
  Role.supervisor,
  Role.callTaker,
] as const;
const DAY_MS = 24 * 3_600_000;

// Payloads are checked before proposing: a malformed one would otherwise stay in the record's proposals
// forever as a rejection. What only the home can judge (roles, state, county) is still decided there.
const payloadSchemas = new Map<string, z.ZodType>(
  complaintCommandSchema.options.map((o) => [o.shape.type.value, o.shape.payload]),
);

/** A complaint as the API shows it: the accepted state, whether it is overdue, where its recordings play. */
function present(options: { recordId: string; state: ComplaintState; now: number }) {
  const { recordId, state, now } = options;
  return {
    recordId,
    ...state,
    overdue: isComplaintOverdue({ complaint: state, now }),
    evidence: state.evidence.map((e) =>
      e.kind === 'recording'
        ? {
            ...e,
            // Served by the recordings relay (fetched through the county's appliance, access logged).
            url: `/api/recordings/${e.countyCode}/${encodeURIComponent(e.callId)}?purpose=${encodeURIComponent(recordId)}`,
          }
        : e,
    ),
  };
}

/** The directory user a hub account signs as (a county account its county's, any other a central one). */
function staffOf(principal: HubPrincipal): ComplaintStaff {
  return staffActorOf({ account: principal });
}

function inScope(principal: HubPrincipal, countyCode: string): boolean {
  return scopeContains({ outer: principal.scope, inner: countyScope({ countyCode }) });
}

/**
 * `/api/complaints`: the complaint records (homed here) for the centre's quality supervision. Reads are
 * limited to complaints of counties within the caller's scope; every act is a signed proposal of the
 * caller's own directory user, decided by the hub at once (a refusal is answered with its field).
 */
export function installComplaintRoutes(options: {
  app: Hono;
  complaints: ComplaintRecords;
  now?: (() => number) | undefined;
}): void {
  const { app, complaints } = options;
  const now = options.now ?? Date.now;

  app.get('/api/complaints', async (c) => {
    const principal = requirePrincipal({ c, roles: READERS });
    const query = parseWith(complaintListQuerySchema, singleQueries(c.req.queries()));
    const at = now();
    const listed = (await complaints.list())
      .filter(({ state }) => inScope(principal, state.countyCode))
      .filter(({ state }) => query.status === undefined || state.status === query.status)
      .filter(({ state }) => query.assignedTo === undefined || state.assignee?.userId === query.assignedTo)
      .map(({ recordId, state }) => present({ recordId, state, now: at }))
      .filter((p) => query.overdue === undefined || p.overdue === (query.overdue === '1'))
      // Most urgent first: the nearest time limit.
      .sort((a, b) => a.dueAt - b.dueAt || a.recordId.localeCompare(b.recordId));
    return c.json({ complaints: listed });
  });

  app.get('/api/complaints/:recordId', async (c) => {
    const principal = requirePrincipal({ c, roles: READERS });
    const { recordId, state, history } = await readInScope(c, principal);
    return c.json({ complaint: present({ recordId, state, now: now() }), history });
  });

  app.post('/api/complaints', async (c) => {
    const principal = requirePrincipal({ c, roles: ACTORS });
    const body = parseWith(fileComplaintRequestSchema, await readJsonBody(c));
    requireScope({ principal, scope: countyScope({ countyCode: body.countyCode }), field: 'countyCode' });
    const staff = staffOf(principal);
    const filedAt = now();
    const recordId = formatRecordId({ kind: 'complaint', scope: 'hub', id: createId({ now: filedAt }) });
    const { timeLimitDays, ...fields } = body;
    await complaints.propose({
      recordId,
      staff,
      commands: [
        {
          type: 'file',
          payload: {
            ...fields,
            complaintId: recordId,
            dueAt:
              timeLimitDays === undefined
                ? defaultComplaintDueAt({ kind: body.kind, filedAt })
                : filedAt + timeLimitDays * DAY_MS,
          },
        },
      ],
    });
    const read = await complaints.read({ recordId });
    if (read?.state == null) throw new Error(`complaint ${recordId} was accepted but cannot be read`);
    return c.json({ complaint: present({ recordId, state: read.state, now: now() }) }, 201);
  });

  app.post('/api/complaints/:recordId/commands', async (c) => {
    const principal = requirePrincipal({ c, roles: ACTORS });
    const { recordId } = await readInScope(c, principal);
    const body = parseWith(complaintCommandRequestSchema, await readJsonBody(c));
    const payload = payloadSchemas.get(body.type)?.safeParse(body.payload);
    if (payload !== undefined && !payload.success) {
      const issue = payload.error.issues[0];
      throw invalidInput({
        field: ['payload', ...(issue?.path ?? []).map(String)].join('.'),
        message: issue?.message ?? 'is invalid',
      });
    }
    const staff = staffOf(principal);
    const { proposalIds } = await complaints.propose({
      recordId,
      staff,
      commands: [{ type: body.type, payload: body.payload }],
    });
    const read = await complaints.read({ recordId });
    if (read?.state == null) throw new Error(`complaint ${recordId} cannot be read`);
    return c.json({
      proposalId: proposalIds[0],
      complaint: present({ recordId, state: read.state, now: now() }),
    });
  });

  /** The complaint named in the path, if it exists and its county is within the caller's scope. */
  async function readInScope(c: Context, principal: HubPrincipal) {
    const recordId = complaintIdSchema.safeParse(c.req.param('recordId'));
    if (!recordId.success) {
      throw invalidInput({
        field: 'recordId',
        message: 'must be a complaint record id like complaint:hub:01J…',
      });
    }
    const read = await complaints.read({ recordId: recordId.data });
    if (read?.state == null) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'recordId',
        message: `recordId: the hub holds no complaint ${recordId.data}`,
      });
    }
    requireScope({ principal, scope: countyScope({ countyCode: read.state.countyCode }), field: 'recordId' });
    return { recordId: recordId.data, state: read.state, history: read.history };
  }
}
