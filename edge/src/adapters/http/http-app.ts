import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, DomainErrorCode, recordIdSchema } from '@jiazheng/sync/domain';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  applianceProvisionSchema,
  deviceProvisionSchema,
  recordPrefixSchema,
} from '../../domain/provision-requests';
import type { HubOperations } from '../../ports/hub-operations';
import type { Logger } from '../../ports/logger';
import { HUB_VERSION } from '../../version';

/** Enrolment requests are a few hundred bytes; the cap stops a client from filling memory. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Error codes in responses: the domain's, plus the ones only HTTP can produce. */
export const HttpErrorCode = {
  ...DomainErrorCode,
  unauthorized: 'unauthorized',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  internal: 'internal',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export type ErrorBody = { error: { code: HttpErrorCode; field: string | null; message: string } };

const statusByDomainCode: Readonly<Record<DomainErrorCode, ContentfulStatusCode>> = {
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  invalid_transition: 409,
  conflict: 409,
};

/** The endpoints, listed by `GET /`. Those under /api need `Authorization: Bearer <admin token>`. */
export const ENDPOINTS = [
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

  app.use(secureHeaders());
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

  app.get('/', (c) =>
    c.json({
      name: { zh: '家政服务网络 中心枢纽', en: 'Jiazheng Network hub' },
      version,
      endpoints: ENDPOINTS,
    }),
  );

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
    if (values.length > 1) throw invalid({ field: 'prefix', message: 'must be given once' });
    const prefix = recordPrefixSchema.safeParse(values[0] ?? '');
    if (!prefix.success)
      throw invalid({ field: 'prefix', message: prefix.error.issues[0]?.message ?? 'is invalid' });
    return c.json(await hub.digest({ prefix: prefix.data }));
  });

  app.get('/api/records/:recordId', async (c) => {
    const recordId = recordIdSchema.safeParse(c.req.param('recordId'));
    if (!recordId.success) {
      throw invalid({ field: 'recordId', message: 'must look like kind:scope:ULID, e.g. order:330106:01J…' });
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

  app.notFound((c) =>
    errorResponse(c, 404, {
      code: HttpErrorCode.notFound,
      field: null,
      message: 'no such endpoint; GET / lists them',
    }),
  );

  app.onError((error, c) => {
    if (error instanceof DomainError) {
      return errorResponse(c, statusByDomainCode[error.code], {
        code: error.code,
        field: error.field ?? null,
        message: error.message,
      });
    }
    if (error instanceof HttpError) return errorResponse(c, error.status, error.body);
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, error.status, {
        code: HttpErrorCode.invalidInput,
        field: null,
        message: error.message || 'bad request',
      });
    }
    // The detail can hold paths, data or stack traces: it goes to the operator's log, never to the client.
    logger.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
    return errorResponse(c, 500, {
      code: HttpErrorCode.internal,
      field: null,
      message: 'internal error; the hub log has the details',
    });
  });

  return app;
}

/** An HTTP-level refusal that is not a domain rule (no or a wrong admin token, wrong media type). */
class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly body: ErrorBody['error'];

  constructor(options: { status: ContentfulStatusCode; body: ErrorBody['error'] }) {
    super(options.body.message);
    this.status = options.status;
    this.body = options.body;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function errorResponse(c: Context, status: ContentfulStatusCode, error: ErrorBody['error']): Response {
  const body: ErrorBody = { error };
  return c.json(body, status);
}

function invalid(options: { field: string; message: string }): DomainError {
  return new DomainError({
    code: DomainErrorCode.invalidInput,
    field: options.field,
    message: `${options.field}: ${options.message}`,
  });
}

/**
 * The request body parsed as JSON. The media type must be application/json: a browser sends that only after
 * a CORS preflight, so a hostile web page cannot post to the hub with a plain form.
 */
async function readJsonBody(c: Context): Promise<unknown> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError({
      status: 415,
      body: {
        code: HttpErrorCode.unsupportedMediaType,
        field: 'content-type',
        message: 'content-type: must be application/json',
      },
    });
  }
  const text = await c.req.text();
  if (text.trim() === '') throw invalid({ field: 'body', message: 'is empty; send a JSON object' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message.slice(0, 200) : 'could not be parsed';
    throw invalid({ field: 'body', message: `is not valid JSON (${reason})` });
  }
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw invalid({ field: 'body', message: 'is invalid' });
  if (issue.code === 'unrecognized_keys') {
    throw invalid({ field: (issue.keys[0] ?? 'body').slice(0, 40), message: 'is not a known field' });
  }
  if (issue.path.length === 0) throw invalid({ field: 'body', message: 'must be a JSON object' });
  throw invalid({ field: issue.path.map(String).join('.'), message: issue.message });
}
