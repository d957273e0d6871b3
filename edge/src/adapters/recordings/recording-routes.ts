import { Role } from '@jiazheng/sync/domain';
import { errorResponse, HttpErrorCode, invalidInput } from '@jiazheng/sync/node';
import { RelayErrorCode } from '@jiazheng/sync/protocol';
import type { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { countyScope, scopeContains } from '../../domain/hub-accounts';
import {
  parseCountyCode,
  parseRecordingRequest,
  RecordingAccessOutcome,
  type RecordingAccessEntry,
} from '../../domain/recording-relay-access';
import type { Logger } from '../../ports/logger';
import type { RecordingAccessLog } from '../../ports/recording-access-log';
import { requireScope } from '../../services/hub-account-service';
import { requirePrincipal } from '../http/account-routes';
import type { RecordingFetcher, RelayFetchResult } from '../../ports/recording-fetcher';

/** Who may listen to a county's calls from the hub: arbitration and its administrators. */
const LISTENERS = [Role.qualityInspector, Role.legalConsultant, Role.administrator] as const;
/** Who may read who listened. */
const AUDITORS = [Role.administrator, Role.qualityInspector] as const;
const MAX_LOG_ENTRIES = 1000;

type Failure = Extract<RelayFetchResult, { ok: false }>;

const failureStatus: Record<
  Failure['code'],
  { status: ContentfulStatusCode; outcome: RecordingAccessOutcome }
> = {
  not_connected: { status: 503, outcome: RecordingAccessOutcome.notConnected },
  busy: { status: 503, outcome: RecordingAccessOutcome.busy },
  timeout: { status: 504, outcome: RecordingAccessOutcome.timeout },
  not_found: { status: 404, outcome: RecordingAccessOutcome.notFound },
  too_large: { status: 413, outcome: RecordingAccessOutcome.tooLarge },
  unsatisfiable: { status: 416, outcome: RecordingAccessOutcome.unsatisfiable },
  refused: { status: 403, outcome: RecordingAccessOutcome.refused },
  cancelled: { status: 502, outcome: RecordingAccessOutcome.aborted },
  internal: { status: 502, outcome: RecordingAccessOutcome.failed },
  malformed: { status: 502, outcome: RecordingAccessOutcome.failed },
  unsupported_version: { status: 502, outcome: RecordingAccessOutcome.failed },
};

const failureCode: Partial<Record<Failure['code'], HttpErrorCode>> = {
  not_found: HttpErrorCode.notFound,
  too_large: HttpErrorCode.payloadTooLarge,
  unsatisfiable: HttpErrorCode.invalidInput,
  refused: HttpErrorCode.forbidden,
};

/**
 * `GET /api/recordings/:countyCode/:callId?purpose=` plays a county's recording fetched live through that
 * county's appliance (recording-relay-hub.ts): nothing is stored at the hub but the access log entry, which
 * is written for every attempt past validation (refusals of scope included) once its outcome is known.
 * `GET /api/recordings/access-log` lists those entries within the caller's scope.
 */
export function installRecordingRoutes(options: {
  app: Hono;
  relay: RecordingFetcher;
  log: RecordingAccessLog;
  logger: Logger;
  now?: () => Date;
}): void {
  const { app, relay, log, logger } = options;
  const now = options.now ?? (() => new Date());

  app.get('/api/recordings/access-log', async (c) => {
    const principal = requirePrincipal({ c, roles: AUDITORS });
    const counties = c.req.queries('countyCode') ?? [];
    if (counties.length > 1) throw invalidInput({ field: 'countyCode', message: 'must be given once' });
    let only: string | undefined;
    if (counties[0] !== undefined && counties[0] !== '') {
      const county = parseCountyCode({ input: counties[0] });
      if (!county.ok) throw invalidInput(county.issue);
      requireScope({ principal, scope: countyScope({ countyCode: county.countyCode }), field: 'countyCode' });
      only = county.countyCode;
    }
    const limitText = c.req.query('limit') ?? '100';
    const limit = Number(limitText);
    if (!/^\d{1,4}$/.test(limitText) || limit < 1 || limit > MAX_LOG_ENTRIES) {
      throw invalidInput({ field: 'limit', message: `must be a whole number from 1 to ${MAX_LOG_ENTRIES}` });
    }
    const entries = await log.list({
      limit,
      include: (countyCode) =>
        (only === undefined || countyCode === only) &&
        scopeContains({ outer: principal.scope, inner: countyScope({ countyCode }) }),
    });
    return c.json({ entries });
  });

  app.get('/api/recordings/:countyCode/:callId', async (c) => {
    const principal = requirePrincipal({ c, roles: LISTENERS });
    const parsed = parseRecordingRequest({
      countyCode: c.req.param('countyCode'),
      callId: c.req.param('callId'),
      purposes: c.req.queries('purpose') ?? [],
      range: c.req.header('range'),
    });
    if (!parsed.ok) throw invalidInput(parsed.issue);
    const { request } = parsed;
    const started = now();
    const record = (entry: { status: number; outcome: RecordingAccessOutcome; bytes: number }): void => {
      const full: RecordingAccessEntry = {
        at: started.toISOString(),
        username: principal.username,
        displayName: principal.displayName,
        role: principal.role,
        countyCode: request.countyCode,
        callId: request.callId,
        purpose: request.purpose,
        range: request.range,
        durationMs: Math.max(0, now().getTime() - started.getTime()),
        ...entry,
      };
      // The listener has the answer already; a log that cannot be written must still be noticed.
      log
        .append({ entry: full })
        .catch((error: unknown) => logger.error('recordings: access log write failed', error));
    };
    if (!scopeContains({ outer: principal.scope, inner: countyScope({ countyCode: request.countyCode }) })) {
      record({ status: 403, outcome: RecordingAccessOutcome.forbidden, bytes: 0 });
      requireScope({
        principal,
        scope: countyScope({ countyCode: request.countyCode }),
        field: 'countyCode',
      });
    }

    const result = await relay.fetch({
      countyCode: request.countyCode,
      request: {
        callId: request.callId,
        purpose: request.purpose,
        requestedBy: { username: principal.username, role: principal.role },
        range: request.range,
      },
      signal: c.req.raw.signal,
    });
    if (!result.ok) {
      const { status, outcome } = failureStatus[result.code];
      record({ status, outcome, bytes: 0 });
      if (result.code === RelayErrorCode.unsatisfiable && result.totalBytes !== undefined) {
        c.header('content-range', `bytes */${result.totalBytes}`);
      }
      if (status === 503) c.header('retry-after', '30');
      return errorResponse(c, status, {
        code: failureCode[result.code] ?? HttpErrorCode.badGateway,
        field: result.code === RelayErrorCode.notFound ? 'callId' : status === 503 ? 'countyCode' : null,
        message: `${result.code === RelayErrorCode.notFound ? 'callId: ' : ''}${result.message}`,
      });
    }
    const { head, body, finished } = result;
    const status = head.partial ? 206 : 200;
    finished
      .then(({ bytes, outcome }) => record({ status, outcome, bytes }))
      .catch((error: unknown) => logger.error('recordings: a relayed stream did not finish', error));
    return new Response(body, { status, headers: audioHeaders({ head, callId: request.callId }) });
  });
}

function audioHeaders(options: {
  head: { totalBytes: number; start: number; end: number; partial: boolean };
  callId: string;
}): Record<string, string> {
  const { head } = options;
  const headers: Record<string, string> = {
    'content-type': 'audio/wav',
    'accept-ranges': 'bytes',
    'content-length': String(head.end - head.start + 1),
    'cache-control': 'private, no-store',
    'content-disposition': `inline; filename="${options.callId.replace(/[^A-Za-z0-9-]/g, '')}.wav"`,
  };
  if (head.partial) headers['content-range'] = `bytes ${head.start}-${head.end}/${head.totalBytes}`;
  return headers;
}
