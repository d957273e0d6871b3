import { timingSafeEqual } from 'node:crypto';
import {
  categoryCodeSchema,
  DomainError,
  DomainErrorCode,
  formatRegionName,
  getItem,
  getRegion,
  getRegionPath,
  listCategories,
  listChildren,
  listItems,
  maskPhone,
  normalisePhone,
  recordIdSchema,
  searchCatalogue,
  searchRegions,
} from '@jiazheng/sync/domain';
import {
  errorResponse,
  HttpError,
  HttpErrorCode,
  installJsonErrors,
  invalidInput,
  sha256,
} from '@jiazheng/sync/node';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import { z } from 'zod';
import { mountPwa } from './pwa-static';
import {
  bodyIssue,
  readJsonBody,
  readLimit,
  readQuery,
  readBearerToken,
  readRequiredQuery,
} from './request-helpers';
import type { ApplianceConfig } from '../../domain/appliance-config';
import type { Logger } from '../../ports/logger';
import type { SyncAdmin } from '../../ports/sync-admin';
import { APPLIANCE_VERSION } from '../../version';

/** Nothing the appliance accepts today is anywhere near this; the cap stops a client from filling memory. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The endpoints, listed by `GET /` so a technician on the LAN can find their way without the docs. */
export const ENDPOINTS = [
  { method: 'GET', path: '/api', description: 'this list (at / too when the PWA is not built)' },
  { method: 'GET', path: '/health', description: 'liveness, county and version' },
  { method: 'GET', path: '/api/catalogue/categories', description: 'service categories' },
  {
    method: 'GET',
    path: '/api/catalogue/items?category=FAM',
    description: 'service items, optionally of one category',
  },
  { method: 'GET', path: '/api/catalogue/items/:code', description: 'one service item, e.g. FAM-NANNY' },
  {
    method: 'GET',
    path: '/api/catalogue/search?q=保姆&limit=10',
    description: 'search items by Chinese, pinyin (baomu), initials (bm) or English',
  },
  {
    method: 'GET',
    path: '/api/regions?q=西湖&limit=20',
    description: 'search regions; without q, the provinces',
  },
  { method: 'GET', path: '/api/regions/:code', description: 'one GB/T 2260 region, its path and children' },
  {
    method: 'POST',
    path: '/api/phone/normalise',
    description: 'normalise a caller ID: JSON {"input": "88888888", "defaultAreaCode"?: "0571"}',
  },
  { method: 'GET', path: '/api/sync/status', description: 'enrolled at the hub? connected to it?' },
  {
    method: 'GET',
    path: '/api/sync/digest?prefix=order:330106:',
    description: 'admin: SHA-256 of every record under a prefix, to compare with the hub',
  },
  {
    method: 'GET',
    path: '/api/records/:recordId',
    description: 'admin: one record: accepted state, proposals, log',
  },
  {
    method: 'GET',
    path: '/healthz',
    description: 'the switch, hub, database and recordings, with problems in words',
  },
  { method: 'GET', path: '/metrics', description: 'Prometheus metrics' },
  {
    method: 'POST',
    path: '/api/auth/login',
    description: 'JSON {username, password} → {token}; the rest take Bearer',
  },
  { method: 'POST', path: '/api/auth/logout', description: 'end this session' },
  { method: 'GET', path: '/api/me', description: 'who this token stands for' },
  {
    method: 'POST',
    path: '/api/users',
    description: 'admin: create a county account: JSON {username, password, role, displayName, seat?}',
  },
  {
    method: 'GET',
    path: '/api/calls?phone=…',
    description: 'a caller’s call records, newest first, any form of the number',
  },
  {
    method: 'POST',
    path: '/api/calls/import',
    description:
      'technician or admin: call history from the old system, JSON {calls: [≤40]}, idempotent by id',
  },
  { method: 'GET', path: '/api/calls/live', description: 'calls in progress and the seats’ states' },
  {
    method: 'GET',
    path: '/api/calls/figures?date=2026-11-29',
    description: 'supervisor: queue figures of a day',
  },
  {
    method: 'POST',
    path: '/api/periods/close',
    description: 'supervisor: close a day or month that is over, JSON {period: {kind, start}}',
  },
  { method: 'GET', path: '/api/periods', description: 'supervisor: the county’s closed periods' },
  {
    method: 'POST',
    path: '/api/calls/dial',
    description: 'JSON {phone, kind, orderId?}: a return visit or callback',
  },
  {
    method: 'POST',
    path: '/api/calls/:callId/answer',
    description: 'training: answer the seat phone ringing',
  },
  {
    method: 'POST',
    path: '/api/seat/status',
    description: 'JSON {status}: available, break, wrap_up, logged_out',
  },
  {
    method: 'GET',
    path: '/api/wallboard',
    description: 'supervisor: calls waiting per queue, seats, today’s and this week’s figures',
  },
  { method: 'GET', path: '/api/callbacks', description: 'missed and abandoned calls to call back' },
  {
    method: 'GET',
    path: '/api/recordings/:id',
    description: 'audio/wav, with Range; every listen is logged',
  },
  { method: 'GET', path: '/api/sms?status=new', description: 'the SMS inbox' },
  {
    method: 'POST',
    path: '/api/sms/inbound',
    description: 'the carrier SMS gateway’s webhook (its own token)',
  },
  {
    method: 'POST',
    path: '/api/devices',
    description: 'JSON {deviceId, publicKey}: enrol this browser’s signing key for the logged-in user',
  },
  { method: 'WS', path: '/ws/console?token=…', description: 'screen pops and live calls for the consoles' },
  { method: 'WS', path: '/sync?token=…', description: 'the bulk sync protocol for the county’s PWAs' },
  {
    method: 'WS',
    path: '/yjs/:recordId?token=…',
    description: 'one record over the standard y-websocket protocol',
  },
] as const;

const phoneRequestSchema = z.strictObject({
  input: z.string(),
  defaultAreaCode: z.string().optional(),
});

export type CreateHttpAppOptions = {
  config: ApplianceConfig;
  /** Defaults to the appliance's package version. */
  version?: string | undefined;
  /** Where unexpected errors are reported; defaults to `console`. */
  logger?: Logger | undefined;
  /** Sync's state and records; without it the /api/sync and /api/records endpoints are absent. */
  sync?: SyncAdmin | undefined;
  /** Bearer token of the admin endpoints; without it they refuse everyone. */
  adminToken?: string | undefined;
  /** The built PWA (pwa/build) to serve at `/`. */
  pwaDir?: string | undefined;
};

/**
 * The appliance's HTTP API as a Hono app: request handling only, no listening socket, so tests drive it with
 * `app.request()` and the HttpService serves it. Every input is treated as hostile: sizes are capped,
 * parameters validated, and failures come back as `{ error: { code, field, message } }`.
 */
export function createHttpApp(options: CreateHttpAppOptions): Hono {
  const { config } = options;
  const version = options.version ?? APPLIANCE_VERSION;
  const logger = options.logger ?? console;
  const county = config.county;

  const app = new Hono();

  // The appliance serves plain HTTP on the county LAN; HSTS would only strand browsers if TLS came later.
  app.use(secureHeaders({ strictTransportSecurity: false }));
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

  const index = (c: Context): Response =>
    c.json({
      name: { zh: '家政服务网络 区县设备', en: 'Jiazheng Network county appliance' },
      county,
      version,
      endpoints: ENDPOINTS,
    });
  app.get('/api', index);
  // With the PWA built, `/` is the app (mountPwa); without it, the endpoint list, for a technician.
  if (options.pwaDir === undefined) app.get('/', index);
  else mountPwa({ app, dir: options.pwaDir });

  app.get('/health', (c) => c.json({ ok: true, county, version }));

  app.get('/api/catalogue/categories', (c) => c.json({ categories: listCategories() }));

  app.get('/api/catalogue/items', (c) => {
    const category = readQuery(c, { name: 'category' });
    if (category === undefined) return c.json({ items: listItems() });
    const parsed = categoryCodeSchema.safeParse(category);
    if (!parsed.success) {
      throw invalidInput({
        field: 'category',
        message: `must be one of ${listCategories()
          .map((cat) => cat.code)
          .join(', ')}`,
      });
    }
    return c.json({ items: listItems({ categoryCode: parsed.data }) });
  });

  app.get('/api/catalogue/items/:code', (c) => c.json({ item: getItem({ code: c.req.param('code') }) }));

  app.get('/api/catalogue/search', (c) => {
    const q = readRequiredQuery(c, { name: 'q' });
    const limit = readLimit(c);
    const results = renameFields({
      fields: { query: 'q' },
      run: () => searchCatalogue({ query: q, limit }),
    });
    return c.json({ results });
  });

  app.get('/api/regions', (c) => {
    const q = readQuery(c, { name: 'q' });
    const limit = readLimit(c);
    const regions =
      q === undefined
        ? listChildren({}).slice(0, limit)
        : renameFields({ fields: { query: 'q' }, run: () => searchRegions({ query: q, limit }) });
    return c.json({ regions: regions.map((region) => ({ ...region, fullName: formatRegionName(region) })) });
  });

  app.get('/api/regions/:code', (c) => {
    const code = c.req.param('code');
    const region = getRegion({ code });
    return c.json({
      region: { ...region, fullName: formatRegionName({ code: region.code }) },
      path: getRegionPath({ code: region.code }),
      children: listChildren({ code: region.code }),
    });
  });

  app.post('/api/phone/normalise', async (c) => {
    const body = phoneRequestSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    // The appliance's own area code completes a bare local caller ID (8 digits in most cities), which is
    // what many trunks deliver for local calls.
    const phoneOptions = {
      input: body.data.input,
      defaultAreaCode: body.data.defaultAreaCode ?? county.areaCode ?? undefined,
    };
    const phone = normalisePhone(phoneOptions);
    return c.json({ ...phone, masked: maskPhone(phoneOptions) });
  });

  const sync = options.sync;
  if (sync !== undefined) {
    const requireAdmin = adminCheck({ adminToken: options.adminToken });

    app.get('/api/sync/status', (c) => c.json(sync.status()));

    app.get('/api/sync/digest', async (c) => {
      requireAdmin(c);
      const prefix = readQuery(c, { name: 'prefix' }) ?? '';
      if (!/^[A-Za-z0-9:]*$/.test(prefix)) {
        throw invalidInput({
          field: 'prefix',
          message: 'may hold only letters, digits and :, e.g. order:330106:',
        });
      }
      return c.json(await sync.digest({ prefix }));
    });

    app.get('/api/records/:recordId', async (c) => {
      requireAdmin(c);
      const recordId = recordIdSchema.safeParse(c.req.param('recordId'));
      if (!recordId.success) {
        throw invalidInput({
          field: 'recordId',
          message: 'must look like kind:scope:ULID, e.g. order:330106:01J…',
        });
      }
      const report = await sync.report({ recordId: recordId.data });
      if (!report) {
        throw new DomainError({
          code: DomainErrorCode.notFound,
          field: 'recordId',
          message: `recordId: the appliance holds no record ${recordId.data}`,
        });
      }
      return c.json(report);
    });
  }

  installJsonErrors({ app, logger, processName: 'appliance' });

  return app;
}

/**
 * The admin endpoints' guard: `Authorization: Bearer <token>`, compared as SHA-256 hashes (equal lengths
 * for timingSafeEqual, and no timing hint about the token's length). Throws 401 (403 with no token set).
 */
function adminCheck(options: { adminToken: string | undefined }): (c: Context) => void {
  const expected = options.adminToken === undefined ? undefined : sha256(options.adminToken);
  return (c) => {
    if (expected === undefined) {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: 'authorization: no admin token is configured (ADMIN_TOKEN or HUB_ADMIN_TOKEN)',
      });
    }
    const token = readBearerToken(c);
    if (token === undefined || !timingSafeEqual(sha256(token), expected)) {
      throw new HttpError({
        status: 401,
        body: {
          code: HttpErrorCode.unauthorized,
          field: 'authorization',
          message: 'authorization: send Authorization: Bearer <admin token>',
        },
      });
    }
  };
}

/** Runs a domain call and renames the `field` of a DomainError to the name the HTTP client used. */
function renameFields<T>(options: { fields: Readonly<Record<string, string>>; run: () => T }): T {
  try {
    return options.run();
  } catch (error) {
    if (!(error instanceof DomainError) || error.field === undefined) throw error;
    const renamed = options.fields[error.field];
    if (renamed === undefined) throw error;
    throw new DomainError({
      code: error.code,
      field: renamed,
      message: error.message.startsWith(`${error.field}:`)
        ? `${renamed}${error.message.slice(error.field.length)}`
        : error.message,
    });
  }
}

export { HttpErrorCode, type ErrorBody } from '@jiazheng/sync/node';
