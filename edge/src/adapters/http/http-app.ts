import { timingSafeEqual } from 'node:crypto';
import { DomainError, DomainErrorCode, recordIdSchema } from '@jiazheng/sync/domain';
import {
  errorResponse,
  HttpError,
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
import type { HubOperations } from '../../ports/hub-operations';
import type { Logger } from '../../ports/logger';
import { HUB_VERSION } from '../../version';
import { installPublicSite, renderHomePage, type PublicSiteOptions } from './site-routes';

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
  { method: 'GET', path: '/api', description: 'admin: this list' },
  {
    method: 'POST',
    path: '/api/announcements',
    description: 'admin: publish an announcement: JSON {title, body, publishedAt?}',
  },
  {
    method: 'GET',
    path: '/api/public/complaints?limit=100',
    description: 'admin: complaints from the website',
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
  app.use(
    secureHeaders({
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
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        errorResponse(c, 413, {
          code: HttpErrorCode.payloadTooLarge,
          field: 'body',
          message: `body: must be at most ${MAX_BODY_BYTES} bytes`,
        }),
    }),
  );

  app.use('/api/*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S{1,500})$/i.exec(header);
    // Compared as hashes: equal lengths for timingSafeEqual, and no timing hint about the token's length.
    if (!match?.[1] || !timingSafeEqual(sha256(match[1]), adminTokenHash)) {
      throw new HttpError({
        status: 401,
        body: {
          code: HttpErrorCode.unauthorized,
          field: 'authorization',
          message: 'authorization: send Authorization: Bearer <admin token>',
        },
      });
    }
    await next();
  });

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

  app.get('/health', (c) => c.json({ ok: true, version, ...hub.identity() }));

  app.post('/api/provision/appliance', async (c) => {
    const body = parseBody(applianceProvisionSchema, await readJsonBody(c));
    return c.json(await hub.provisionAppliance(body));
  });

  app.post('/api/provision/device', async (c) => {
    const body = parseBody(deviceProvisionSchema, await readJsonBody(c));
    return c.json(await hub.provisionDevice(body));
  });

  app.get('/api/sync/digest', async (c) => {
    const values = c.req.queries('prefix') ?? [];
    if (values.length > 1) throw invalidInput({ field: 'prefix', message: 'must be given once' });
    const prefix = recordPrefixSchema.safeParse(values[0] ?? '');
    if (!prefix.success)
      throw invalidInput({ field: 'prefix', message: prefix.error.issues[0]?.message ?? 'is invalid' });
    return c.json(await hub.digest({ prefix: prefix.data }));
  });

  app.get('/api/records/:recordId', async (c) => {
    const recordId = recordIdSchema.safeParse(c.req.param('recordId'));
    if (!recordId.success) {
      throw invalidInput({
        field: 'recordId',
        message: 'must look like kind:scope:ULID, e.g. order:330106:01J…',
      });
    }
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

  if (options.site) installPublicSite({ app, ...options.site });
  installJsonErrors({ app, logger, processName: 'hub' });

  return app;
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
