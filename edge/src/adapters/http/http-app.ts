import { DomainError, DomainErrorCode, recordIdSchema, Role } from '@jiazheng/sync/domain';
import {
  errorResponse,
  HttpErrorCode,
  installJsonErrors,
  invalidInput,
  readJsonBody,
  sha256,
} from '@jiazheng/sync/node';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { z } from 'zod';
import {
  applianceProvisionSchema,
  deviceProvisionSchema,
  recordPrefixSchema,
} from '../../domain/provision-requests';
import type { ApplianceOversight } from '../../ports/appliance-oversight';
import type { HubOperations } from '../../ports/hub-operations';
import { COUNTRY_SCOPE, countyScope, type AccountScope } from '../../domain/hub-accounts';
import { requireScope, type HubAccountService } from '../../services/hub-account-service';
import {
  authenticateApiRequest,
  installAccountRoutes,
  OPEN_API_PATHS,
  requirePrincipal,
} from './account-routes';
import type { Logger } from '../../ports/logger';
import { HUB_VERSION } from '../../version';
import type { OrderReportSource } from '../../ports/order-report-source';
import { installReportRoutes } from './report-routes';
import { installCallReportRoutes } from './call-report-routes';
import type { ClosingReportSource } from '../../ports/closing-report-source';
import { installRegistryRoutes } from './registry-routes';
import type { RegistryService } from '../../services/registry-service';
import { installTrainingRoutes } from './training-routes';
import type { TrainingService } from '../../services/training-service';
import type { ComplaintRecords } from '../../ports/complaint-records';
import { installComplaintRoutes } from './complaint-routes';
import { installPublicSite, renderHomePage, type PublicSiteOptions } from './site-routes';
import { mountPwaConsole } from './pwa-console';
import { installRecordingRoutes } from '../recordings/recording-routes';
import type { RecordingFetcher } from '../../ports/recording-fetcher';
import type { RecordingAccessLog } from '../../ports/recording-access-log';

/** Enrolment requests are a few hundred bytes; the cap stops a client from filling memory. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The endpoints, listed by `GET /api` (and by `GET /` to a client that accepts only JSON). Those under /api
 * need `Authorization: Bearer <admin token>`.
 */
export const ENDPOINTS = [
  {
    method: 'GET',
    path: '/ /services /enterprises /order /complaint /announcements',
    description: "the centre's public website (HTML, zh-CN; ?lang=en for English)",
  },
  {
    method: 'POST',
    path: '/order /complaint',
    description: 'the public forms (form-urlencoded, rate-limited)',
  },
  {
    method: 'GET',
    path: '/join',
    description: 'recruitment: enterprises and volunteer groups apply (HTML form)',
  },
  {
    method: 'POST',
    path: '/join',
    description:
      'recruitment form (multipart/form-data with up to 5 PDF/JPEG/PNG documents of 5 MB; rate-limited)',
  },
  {
    method: 'GET',
    path: '/api/documents/:sha256',
    description: "registry officer, administrator (whole country): an application's uploaded document",
  },
  { method: 'GET', path: '/api', description: 'admin: this list' },
  {
    method: 'POST',
    path: '/api/announcements',
    description: 'admin: publish an announcement: JSON {title, body, publishedAt?}',
  },
  {
    method: 'GET',
    path: '/api/public/complaints?limit=100',
    description:
      'admin: complaints the website kept in its file before complaints became records (read-only archive)',
  },
  {
    method: 'GET',
    path: '/api/complaints?status=filed&overdue=1&assignedTo=hub:inspector',
    description:
      'quality inspector, legal consultant, administrator, analyst: complaint records of counties in scope',
  },
  {
    method: 'GET',
    path: '/api/complaints/:recordId',
    description: 'the same roles: one complaint record, its evidence (recording URLs) and its history',
  },
  {
    method: 'POST',
    path: '/api/complaints',
    description:
      'file a complaint: JSON {countyCode, kind, description, source?, orderId?, enterpriseId?, enterpriseName?, citizenName?, citizenPhone?, evidence?, timeLimitDays?}',
  },
  {
    method: 'POST',
    path: '/api/complaints/:recordId/commands',
    description: 'act on a complaint: JSON {type: assign|attachEvidence|decide|withdraw, payload}',
  },
  { method: 'GET', path: '/health', description: 'liveness, version, the hub device and directory' },
  {
    method: 'POST',
    path: '/api/provision/appliance',
    description: 'admin: enrol a county appliance: JSON {countyCode, deviceId, publicKey}',
  },
  {
    method: 'POST',
    path: '/api/provision/device',
    description:
      'admin: register a user and enrol a device: JSON {userId, name, role, countyCode, deviceId, publicKey, kind}',
  },
  {
    method: 'GET',
    path: '/api/sync/digest?prefix=order:330106:',
    description: 'admin: SHA-256 of every record under a prefix, to compare replicas',
  },
  {
    method: 'GET',
    path: '/api/records/:recordId',
    description: 'admin: one record: accepted state, proposals, log',
  },
  {
    method: 'GET',
    path: '/api/reports/orders?level=province&period=month&from=2026-01-01&to=2026-12-31',
    description:
      'administrator, analyst, supervisor: order statistics by region and period (within, category; format=json|csv|xlsx)',
  },
  {
    method: 'GET',
    path: '/api/reports/calls?level=province&period=month&from=2026-01-01&to=2026-12-31',
    description:
      'administrator, analyst, supervisor: the call figures counties closed, by region and period (within; format=json|csv|xlsx)',
  },
  {
    method: 'GET',
    path: '/api/reports/closings?from=2026-01-01&to=2026-12-31',
    description:
      'administrator, analyst, supervisor: which county closed which month (or period=day), late first',
  },
  { method: 'POST', path: '/api/auth/login', description: 'staff login: JSON {username, password}' },
  { method: 'POST', path: '/api/auth/logout', description: 'end this session' },
  { method: 'GET', path: '/api/me', description: 'who this token stands for: role and scope' },
  { method: 'GET', path: '/api/users', description: 'administrator: the accounts within their scope' },
  {
    method: 'POST',
    path: '/api/users',
    description: 'administrator: create an account: JSON {username, password, displayName, role, scope}',
  },
  {
    method: 'POST',
    path: '/api/auth/password',
    description: 'change your own password: JSON {currentPassword, newPassword}; your other sessions end',
  },
  {
    method: 'POST',
    path: '/api/users/:username/password',
    description: "administrator: set an account's password: JSON {newPassword}; its sessions end",
  },
  {
    method: 'POST',
    path: '/api/users/:username/disable',
    description: 'administrator: disable an account (and its directory user): JSON {reason}',
  },
  {
    method: 'POST',
    path: '/api/users/:username/enable',
    description: 'administrator: enable an account again',
  },
  {
    method: 'GET',
    path: '/api/registry/enterprises?status=&kind=&q=',
    description:
      'registry officer, administrator (whole country): the enterprises with credit and roster size',
  },
  {
    method: 'GET',
    path: '/api/registry/enterprises/:recordId',
    description: 'registry officer, administrator: one enterprise, its log, workers, credit, review checks',
  },
  {
    method: 'POST',
    path: '/api/registry/enterprises/:recordId/commands',
    description: 'registry officer, administrator: review, approve, sanction…: JSON {type, payload}',
  },
  {
    method: 'GET',
    path: '/api/registry/workers?enterpriseId=',
    description: "registry officer, administrator: an enterprise's workers",
  },
  {
    method: 'POST',
    path: '/api/registry/workers',
    description:
      'registry officer, administrator: register a worker: JSON {enterpriseId, name, idNumber, phone?} (the number kept sealed, the record masked)',
  },
  {
    method: 'GET',
    path: '/api/registry/workers/:recordId/identity',
    description: "registry officer, administrator: a worker's full identity number (each reading logged)",
  },
  {
    method: 'POST',
    path: '/api/registry/workers/:recordId/commands',
    description:
      'registry officer, administrator: training, certificates, checks, suspension: JSON {type, payload}',
  },
  {
    method: 'GET',
    path: '/api/registry/credit',
    description: 'registry officer, inspector, analyst, administrator: the credit lists',
  },
  {
    method: 'GET',
    path: '/api/training/courses?status=&kind=',
    description:
      "registry officer, administrator, analyst (whole country): the centre's courses and lectures",
  },
  {
    method: 'GET',
    path: '/api/training/courses/:recordId',
    description: 'the same roles: one course, its participants, their results and the record of the course',
  },
  {
    method: 'POST',
    path: '/api/training/courses',
    description:
      'registry officer, administrator: schedule a course: JSON {kind, code, name, grants?, hours, passMark?, certificateValidMonths?, venue, trainer, capacity, sessions}',
  },
  {
    method: 'POST',
    path: '/api/training/courses/:recordId/commands',
    description:
      'registry officer, administrator: JSON {type: enrol|withdraw|recordAttendance|recordScore|complete|cancel, payload}',
  },
  {
    method: 'GET',
    path: '/api/appliances',
    description: 'technician, administrator: every appliance with last contact, version, sync backlog',
  },
  {
    method: 'POST',
    path: '/api/appliances/:deviceId/revoke',
    description: 'technician, administrator: revoke an appliance: JSON {reason}',
  },
  {
    method: 'GET',
    path: '/api/recordings/:countyCode/:callId?purpose=…',
    description:
      'quality inspector, legal consultant, administrator: play a call recording, fetched live from the county appliance (audio/wav, Range; logged at both ends)',
  },
  {
    method: 'GET',
    path: '/api/recordings/access-log?countyCode=330106',
    description: 'administrator, quality inspector: who played which county recording, when and why',
  },
  {
    method: 'WS',
    path: '/relay/recordings?token=…',
    description: "a county appliance's recording relay (sync/src/protocol/recording-relay.ts), device token",
  },
  {
    method: 'WS',
    path: '/sync?token=…',
    description: 'the bulk sync protocol (sync/PROTOCOL.md), device token',
  },
  {
    method: 'WS',
    path: '/yjs/:recordId?token=…',
    description: 'one record over the standard y-websocket protocol',
  },
] as const;

export type CreateHubHttpAppOptions = {
  hub: HubOperations;
  adminToken: string;
  version?: string | undefined;
  /** Where unexpected errors are reported; defaults to `console`. */
  logger?: Logger | undefined;
  /** The centre's public website; without it `/` answers only the JSON index. */
  site?: PublicSiteOptions | undefined;
  /** Staff accounts: without them only the admin token opens /api. */
  accounts?: HubAccountService | undefined;
  /** The appliances view (`/api/appliances`); needs `accounts`. */
  appliances?: ApplianceOversight | undefined;
  /** The order statistics' counts; without them `/api/reports/orders` is not served. */
  reports?: OrderReportSource | undefined;
  /** The counties' period closings; without them `/api/reports/calls` and `/closings` are not served. */
  closingReports?: ClosingReportSource | undefined;
  /** The clock that says which periods are over (who is late); defaults to Date.now. */
  reportsNow?: (() => number) | undefined;
  /** The registry officer's endpoints and the credit lists; without it `/api/registry/…` is not served. */
  registry?: RegistryService | undefined;
  /** The centre's courses and lectures; without it `/api/training/…` is not served. */
  training?: TrainingService | undefined;
  /** The complaint records (`/api/complaints`); without them those endpoints are not served. */
  complaints?: ComplaintRecords | undefined;
  /** The built PWA, served at `/console/` (pwa-console.ts); without it there is no console. */
  consoleDir?: string | undefined;
  /** Recordings played through the counties' appliances; without them `/api/recordings/…` is not served. */
  recordings?: { relay: RecordingFetcher; log: RecordingAccessLog } | undefined;
};

/**
 * The hub's HTTP API as a Hono app (no socket: tests drive it with `app.request()`). Every input is
 * treated as hostile: sizes capped, parameters validated, failures answered as
 * `{ error: { code, field, message } }`; the admin endpoints need the admin token.
 */
export function createHubHttpApp(options: CreateHubHttpAppOptions): Hono {
  const { hub } = options;
  const version = options.version ?? HUB_VERSION;
  const logger = options.logger ?? console;
  const adminTokenHash = sha256(options.adminToken);
  const app = new Hono();

  // The public pages need no script, no inline style, no frames and no other origin: the CSP says so, and
  // so limits what an injection that slipped past escaping could do. JSON answers carry it harmlessly.
  // (`overwrite: false`: the PWA console under /console sets its own CSP, which lets its scripts run.)
  app.use(
    secureHeaders({
      overwrite: false,
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    }),
  );
  const smallBodies = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) =>
      errorResponse(c, 413, {
        code: HttpErrorCode.payloadTooLarge,
        field: 'body',
        message: `body: must be at most ${MAX_BODY_BYTES} bytes`,
      }),
  });
  // The recruitment form carries documents: it has its own, larger limit (site-routes.ts).
  app.use((c, next) => (c.req.path === '/join' ? next() : smallBodies(c, next)));

  // The admin token, or a staff session; routes then check the caller's role and scope.
  app.use('/api/*', async (c, next) => {
    if (!OPEN_API_PATHS.has(c.req.path)) {
      await authenticateApiRequest({ c, adminTokenHash, accounts: options.accounts });
    }
    await next();
  });
  // The website's staff endpoints (site-routes.ts) publish for the whole centre and read what citizens
  // and applicants sent from every county: staff of the whole country only.
  const siteStaff = [
    { path: '/api/announcements', roles: [Role.administrator] },
    { path: '/api/public/*', roles: [Role.administrator] },
    { path: '/api/documents/*', roles: [Role.administrator, Role.registryOfficer] },
  ] as const;
  for (const { path, roles } of siteStaff) {
    app.use(path, async (c, next) => {
      const principal = requirePrincipal({ c, roles });
      requireScope({ principal, scope: COUNTRY_SCOPE, field: 'scope' });
      await next();
    });
  }

  const index = (c: Context) =>
    c.json({
      name: { zh: '家政服务网络 中心枢纽', en: 'Jiazheng Network hub' },
      version,
      endpoints: ENDPOINTS,
    });
  app.get('/api', index);
  app.get('/', (c) => {
    const site = options.site;
    const accept = c.req.header('accept') ?? '';
    // Scripts that read the hub's index from `/` keep getting it by asking for JSON.
    if (!site || (accept.includes('application/json') && !accept.includes('text/html'))) return index(c);
    return renderHomePage({ c, submissions: site.submissions, hotline: site.hotline, now: site.now });
  });

  // `server` tells the PWA it runs at the hub (an appliance answers with its county instead).
  app.get('/health', (c) => c.json({ ok: true, server: 'hub', version, ...hub.identity() }));

  app.post('/api/provision/appliance', async (c) => {
    const principal = requirePrincipal({ c, roles: [Role.administrator, Role.technician] });
    const body = parseBody(applianceProvisionSchema, await readJsonBody(c));
    requireScope({ principal, scope: countyScope({ countyCode: body.countyCode }), field: 'countyCode' });
    return c.json(await hub.provisionAppliance(body));
  });

  app.post('/api/provision/device', async (c) => {
    const principal = requirePrincipal({ c, roles: [Role.administrator, Role.technician] });
    const body = parseBody(deviceProvisionSchema, await readJsonBody(c));
    requireScope({
      principal,
      scope: body.countyCode === null ? COUNTRY_SCOPE : countyScope({ countyCode: body.countyCode }),
      field: 'countyCode',
    });
    return c.json(await hub.provisionDevice(body));
  });

  app.get('/api/sync/digest', async (c) => {
    const principal = requirePrincipal({ c, roles: [Role.administrator] });
    const values = c.req.queries('prefix') ?? [];
    if (values.length > 1) throw invalidInput({ field: 'prefix', message: 'must be given once' });
    const prefix = recordPrefixSchema.safeParse(values[0] ?? '');
    if (!prefix.success)
      throw invalidInput({ field: 'prefix', message: prefix.error.issues[0]?.message ?? 'is invalid' });
    requireScope({ principal, scope: scopeOfRecords({ prefix: prefix.data }), field: 'prefix' });
    return c.json(await hub.digest({ prefix: prefix.data }));
  });

  app.get('/api/records/:recordId', async (c) => {
    const principal = requirePrincipal({ c, roles: [Role.administrator] });
    const recordId = recordIdSchema.safeParse(c.req.param('recordId'));
    if (!recordId.success) {
      throw invalidInput({
        field: 'recordId',
        message: 'must look like kind:scope:ULID, e.g. order:330106:01J…',
      });
    }
    requireScope({ principal, scope: scopeOfRecords({ prefix: recordId.data }), field: 'recordId' });
    const report = await hub.report({ recordId: recordId.data });
    if (!report) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'recordId',
        message: `recordId: the hub holds no record ${recordId.data}`,
      });
    }
    return c.json(report);
  });

  if (options.accounts) {
    installAccountRoutes({
      app,
      accounts: options.accounts,
      appliances: options.appliances,
      clientAddress: options.site?.clientAddress,
    });
  }
  if (options.reports) installReportRoutes({ app, source: options.reports });
  if (options.closingReports)
    installCallReportRoutes({ app, source: options.closingReports, now: options.reportsNow });
  if (options.registry) installRegistryRoutes({ app, registry: options.registry });
  if (options.training) installTrainingRoutes({ app, training: options.training });
  if (options.complaints) installComplaintRoutes({ app, complaints: options.complaints });
  if (options.recordings) installRecordingRoutes({ app, ...options.recordings, logger });
  if (options.consoleDir !== undefined) mountPwaConsole({ app, dir: options.consoleDir });
  if (options.site) installPublicSite({ app, ...options.site });
  installJsonErrors({ app, logger, processName: 'hub' });

  return app;
}

/**
 * Who may read records under a prefix or id: a county's own records (`order:330106:…`) are in that
 * county's scope; anything wider (a whole kind, the directory, the registry) needs the whole country.
 */
export function scopeOfRecords(options: { prefix: string }): AccountScope {
  const county = /^[a-z_]+:(\d{6})(?::|$)/.exec(options.prefix)?.[1];
  return county === undefined ? COUNTRY_SCOPE : countyScope({ countyCode: county });
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
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

export { HttpErrorCode, type ErrorBody } from '@jiazheng/sync/node';
