import { timingSafeEqual } from 'node:crypto';
import { Role } from '@jiazheng/sync/domain';
import {
  errorResponse,
  HttpError,
  HttpErrorCode,
  invalidInput,
  readJsonBody,
  sha256,
} from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import {
  createAccountRequestSchema,
  loginRequestSchema,
  revokeRequestSchema,
} from '../../domain/hub-accounts';
import {
  changePasswordRequestSchema,
  disableAccountRequestSchema,
  resetPasswordRequestSchema,
} from '../../domain/account-requests';
import { usernameSchema } from '../../domain/hub-accounts';
import type { ApplianceOversight } from '../../ports/appliance-oversight';
import {
  ADMIN_TOKEN_PRINCIPAL,
  LoginError,
  requireRole,
  type HubAccountService,
  type HubPrincipal,
} from '../../services/hub-account-service';
import { forwardedClientAddress } from './site-routes';
import { parseWith } from './request-parsing';

/** Paths under /api that need no credentials (the login itself). */
export const OPEN_API_PATHS: ReadonlySet<string> = new Set(['/api/auth/login']);

/** What these helpers read of a Hono context: any route's context fits, whatever its path and input. */
type RequestContext = { req: { raw: Request; header(name: string): string | undefined } };

// Keyed by the request object: the principal lives exactly as long as the request, with no typed context.
const principals = new WeakMap<Request, HubPrincipal>();

function unauthorized(): HttpError {
  return new HttpError({
    status: 401,
    body: {
      code: HttpErrorCode.unauthorized,
      field: 'authorization',
      message: 'authorization: send Authorization: Bearer <admin token or session token>',
    },
  });
}

function bearerOf(c: RequestContext): string | undefined {
  const match = /^Bearer\s+(\S{1,500})$/i.exec(c.req.header('authorization') ?? '');
  return match?.[1];
}

/**
 * Who sends this request: the admin token stands for a country-wide administrator (scripts, tests, the
 * appliances' own enrolment); otherwise a session token of a hub account. Throws 401 for neither.
 */
export async function authenticateApiRequest(options: {
  c: RequestContext;
  adminTokenHash: Buffer;
  accounts?: HubAccountService | undefined;
}): Promise<HubPrincipal> {
  const token = bearerOf(options.c);
  if (token === undefined) throw unauthorized();
  // Compared as hashes: equal lengths for timingSafeEqual, and no timing hint about the token's length.
  let principal: HubPrincipal | undefined;
  if (timingSafeEqual(sha256(token), options.adminTokenHash)) principal = ADMIN_TOKEN_PRINCIPAL;
  else principal = await options.accounts?.authenticate({ token });
  if (principal === undefined) throw unauthorized();
  principals.set(options.c.req.raw, principal);
  return principal;
}

/** The caller the /api middleware authenticated; 401 if it did not run (a route outside /api). */
export function principalOf(c: RequestContext): HubPrincipal {
  const principal = principals.get(c.req.raw);
  if (principal === undefined) throw unauthorized();
  return principal;
}

/** The caller, who must hold one of the roles (else 403). */
export function requirePrincipal(options: {
  c: RequestContext;
  roles: readonly HubPrincipal['role'][];
}): HubPrincipal {
  const principal = principalOf(options.c);
  requireRole({ principal, roles: options.roles });
  return principal;
}

/** Login, logout, who am I, the accounts, and the appliances view. */
export function installAccountRoutes(options: {
  app: Hono;
  accounts: HubAccountService;
  appliances?: ApplianceOversight | undefined;
  clientAddress?: ((c: Context) => string) | undefined;
}): void {
  const { app, accounts, appliances } = options;
  const clientAddress = options.clientAddress ?? forwardedClientAddress({ trustedProxies: [] });

  app.post('/api/auth/login', async (c) => {
    const body = parseWith(loginRequestSchema, await readJsonBody(c));
    try {
      const session = await accounts.login({ ...body, address: clientAddress(c) });
      return c.json(session);
    } catch (error) {
      return loginErrorResponse(c, error);
    }
  });

  app.post('/api/auth/password', async (c) => {
    const principal = principalOf(c);
    const body = parseWith(changePasswordRequestSchema, await readJsonBody(c));
    try {
      await accounts.changeOwnPassword({
        by: principal,
        token: bearerOf(c) ?? '',
        currentPassword: body.currentPassword,
        newPassword: body.newPassword,
        address: clientAddress(c),
      });
    } catch (error) {
      return loginErrorResponse(c, error);
    }
    return c.json({ ok: true });
  });

  app.post('/api/auth/logout', async (c) => {
    const principal = principalOf(c);
    // The admin token is configuration, not a session: nothing to end.
    if (principal.via === 'session') await accounts.logout({ token: bearerOf(c) ?? '' });
    return c.json({ ok: true });
  });

  app.get('/api/me', (c) => c.json({ user: principalOf(c) }));

  app.get('/api/users', async (c) => {
    const principal = principalOf(c);
    return c.json({ users: await accounts.listAccounts({ by: principal }) });
  });

  app.post('/api/users', async (c) => {
    const principal = principalOf(c);
    const body = parseWith(createAccountRequestSchema, await readJsonBody(c));
    return c.json({ user: await accounts.createAccount({ by: principal, request: body }) }, 201);
  });

  app.post('/api/users/:username/password', async (c) => {
    const principal = principalOf(c);
    const username = usernameParam(c.req.param('username'));
    const body = parseWith(resetPasswordRequestSchema, await readJsonBody(c));
    const user = await accounts.resetPassword({ by: principal, username, newPassword: body.newPassword });
    return c.json({ user });
  });

  app.post('/api/users/:username/disable', async (c) => {
    const principal = principalOf(c);
    const username = usernameParam(c.req.param('username'));
    const body = parseWith(disableAccountRequestSchema, await readJsonBody(c));
    return c.json({ user: await accounts.disableAccount({ by: principal, username, reason: body.reason }) });
  });

  app.post('/api/users/:username/enable', async (c) => {
    const principal = principalOf(c);
    const username = usernameParam(c.req.param('username'));
    return c.json({ user: await accounts.enableAccount({ by: principal, username }) });
  });

  if (!appliances) return;

  app.get('/api/appliances', async (c) => {
    const principal = requirePrincipal({ c, roles: [Role.administrator, Role.technician] });
    return c.json({ appliances: await appliances.list({ scope: principal.scope }) });
  });

  app.post('/api/appliances/:deviceId/revoke', async (c) => {
    const principal = requirePrincipal({ c, roles: [Role.administrator, Role.technician] });
    const deviceId = c.req.param('deviceId');
    if (!/^[A-Za-z0-9_:-]{1,64}$/.test(deviceId)) {
      throw invalidInput({ field: 'deviceId', message: 'must be letters, digits, _, : or - (at most 64)' });
    }
    const { reason } = parseWith(revokeRequestSchema, await readJsonBody(c));
    // The hub signs the revocation as itself, so the reason keeps who asked for it.
    await appliances.revoke({
      deviceId,
      reason: `${reason} (${principal.username})`,
      scope: principal.scope,
    });
    return c.json({ ok: true, deviceId });
  });
}

function usernameParam(value: string): string {
  const parsed = usernameSchema.safeParse(value);
  if (!parsed.success)
    throw invalidInput({ field: 'username', message: parsed.error.issues[0]?.message ?? 'is invalid' });
  return parsed.data;
}

/** A LoginError as its answer: 429 with Retry-After, 403 for a disabled account, else 401; others rethrown. */
function loginErrorResponse(c: Context, error: unknown): Response {
  if (!(error instanceof LoginError)) throw error;
  if (error.code === 'rate_limited') {
    c.header('retry-after', String(error.retryAfterSec ?? 60));
    return errorResponse(c, 429, { code: HttpErrorCode.rateLimited, field: null, message: error.message });
  }
  if (error.code === 'disabled') {
    return errorResponse(c, 403, {
      code: HttpErrorCode.forbidden,
      field: 'username',
      message: error.message,
    });
  }
  return errorResponse(c, 401, { code: HttpErrorCode.unauthorized, field: null, message: error.message });
}
