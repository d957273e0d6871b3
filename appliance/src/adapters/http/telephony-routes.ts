import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { DomainError, DomainErrorCode, normalisePhone, recordIdSchema } from '@jiazheng/sync/domain';
import { HttpError, HttpErrorCode, invalidInput } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { RecordingFiles } from '../files/recording-files';
import type { AuthenticatedUser, AuthService } from '../../services/auth-service';
import { LoginError } from '../../services/auth-service';
import type { CallService } from '../../services/call-service';
import { summariseQueueCalls } from '../../domain/calls/queue-figures';
import { buildWallboard, wallboardPeriods } from '../../domain/calls/wallboard';
import type { CallControl } from '../../ports/call-control';
import type { CallStore } from '../../ports/call-store';
import {
  bodyIssue,
  readJsonBody,
  readLimit,
  readBearerToken,
  readQuery,
  requireSessionUser,
} from './request-helpers';

/** The county's local time: hours and days in the figures are China Standard Time. */
const TIME_ZONE = 'Asia/Shanghai';
const MAX_CALLS = 200;
const DEFAULT_CALLS = 50;

const loginSchema = z.strictObject({
  username: z.string().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(256),
});

/** What a seat's console can ask of its mod_callcenter agent. */
export const SeatStatus = {
  available: 'Available',
  break: 'On Break',
  wrapUp: 'On Break',
  loggedOut: 'Logged Out',
} as const;
const dialSchema = z.strictObject({
  phone: z.string().min(1, 'is required').max(40),
  kind: z.enum(['return_visit', 'callback']),
  orderId: recordIdSchema.optional(),
});

const newUserSchema = z.strictObject({
  username: z.string().min(1).max(32),
  password: z.string().min(1).max(256),
  role: z.enum(['admin', 'supervisor', 'call_taker', 'technician']),
  displayName: z.string().trim().min(1, 'is required').max(40),
  seat: z
    .string()
    .regex(/^\d{3,6}$/, 'must be the seat phone’s extension, 3–6 digits')
    .optional(),
});

const disputeSchema = z.strictObject({ disputed: z.boolean() });

const seatStatusSchema = z.strictObject({
  status: z.enum(['available', 'break', 'wrap_up', 'logged_out']),
});

export type TelephonyRoutesOptions = {
  auth: AuthService;
  calls: CallService;
  store: CallStore;
  control: CallControl;
  files: RecordingFiles;
  /** `<extension>@<domain>`: the seat's agent in mod_callcenter. */
  agentName: (options: { seat: string }) => string;
  defaultAreaCode: string | undefined;
  /** How outbound calls leave: the carrier gateway's name and the number citizens see. */
  outbound: { gateway: string; callerIdNumber: string | undefined };
  now?: () => Date;
};

/** Roles allowed to see every seat's figures and the recordings' access log. */
const SUPERVISING = new Set(['admin', 'supervisor']);

/**
 * Logins, call records, live calls, recordings (with Range and an access log), the callback list, queue
 * figures and seat status. Everything but login needs `Authorization: Bearer <token>`.
 */
export function mountTelephonyRoutes(options: { app: Hono } & TelephonyRoutesOptions): void {
  const { app, auth, store, files } = options;
  const now = options.now ?? (() => new Date());

  const requireUser = (c: Context): Promise<AuthenticatedUser> =>
    requireSessionUser({ c, authenticate: (token) => auth.authenticate({ token }) });
  const requireSupervisor = async (c: Context): Promise<AuthenticatedUser> => {
    const user = await requireUser(c);
    if (!SUPERVISING.has(user.role)) {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: `authorization: role ${user.role} may not see this; a supervisor may`,
      });
    }
    return user;
  };

  app.post('/api/auth/login', async (c) => {
    const body = loginSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    try {
      const session = await auth.login({ ...body.data, address: clientAddress(c) });
      return c.json(session);
    } catch (error) {
      if (!(error instanceof LoginError)) throw error;
      if (error.code === 'rate_limited') {
        c.header('Retry-After', String(error.retryAfterSec ?? 300));
        return c.json(
          { error: { code: HttpErrorCode.rateLimited, field: 'username', message: error.message } },
          429,
        );
      }
      return c.json(
        { error: { code: HttpErrorCode.unauthorized, field: 'password', message: error.message } },
        401,
      );
    }
  });

  app.post('/api/auth/logout', async (c) => {
    await requireUser(c);
    await auth.logout({ token: readBearerToken(c) ?? '' });
    return c.json({ ok: true });
  });

  app.get('/api/me', async (c) => c.json({ user: await requireUser(c) }));

  // The appliance's own accounts: seats and supervisors are created here, also while the hub is away.
  app.post('/api/users', async (c) => {
    const admin = await requireUser(c);
    if (admin.role !== 'admin') {
      throw new DomainError({
        code: DomainErrorCode.forbidden,
        field: 'authorization',
        message: 'authorization: only an admin creates users',
      });
    }
    const body = newUserSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    try {
      await auth.createUser({ ...body.data, seat: body.data.seat ?? null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const field = message.split(':')[0] ?? 'body';
      throw new DomainError({
        code: message.includes('is taken') ? DomainErrorCode.conflict : DomainErrorCode.invalidInput,
        field,
        message,
      });
    }
    return c.json({ username: body.data.username }, 201);
  });

  app.get('/api/calls', async (c) => {
    await requireUser(c);
    const phone = readQuery(c, { name: 'phone' });
    if (phone === undefined || phone.trim() === '')
      throw invalidInput({ field: 'phone', message: 'is required' });
    let caller: string;
    try {
      caller = normalisePhone({
        input: phone,
        ...(options.defaultAreaCode === undefined ? {} : { defaultAreaCode: options.defaultAreaCode }),
      }).canonical;
    } catch (error) {
      const reason =
        error instanceof DomainError ? error.message.replace(/^input: /, '') : 'is not a phone number';
      throw invalidInput({ field: 'phone', message: reason });
    }
    const limit = Math.min(readLimit(c) ?? DEFAULT_CALLS, MAX_CALLS);
    const calls = await store.findCallsByCaller({ caller, limit });
    return c.json({ phone: caller, calls });
  });

  app.get('/api/calls/live', async (c) => {
    await requireUser(c);
    return c.json({
      calls: options.calls.live.calls(),
      agents: options.calls.live.agents(),
      switch: options.control.status(),
    });
  });

  app.get('/api/calls/figures', async (c) => {
    await requireSupervisor(c);
    const date = readQuery(c, { name: 'date' }) ?? localDate({ at: now() });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00+08:00`))) {
      throw invalidInput({ field: 'date', message: 'must be a date such as 2026-11-29' });
    }
    const from = new Date(`${date}T00:00:00+08:00`);
    const to = new Date(from.getTime() + 24 * 3600 * 1000);
    const calls = await store.listCalls({ from: from.toISOString(), to: to.toISOString() });
    const inbound = calls.filter((call) => call.direction === 'inbound');
    const figures = summariseQueueCalls({ calls: inbound, hourOf: (iso) => localHour({ iso }) });
    return c.json({ date, timeZone: TIME_ZONE, calls: inbound.length, ...figures });
  });

  app.get('/api/wallboard', async (c) => {
    await requireSupervisor(c);
    const at = now();
    const { weekFrom } = wallboardPeriods({ now: at });
    // `to` is exclusive: a second ahead takes in a call stored this very moment.
    const weekCalls = await store.listCalls({
      from: weekFrom,
      to: new Date(at.getTime() + 1000).toISOString(),
    });
    return c.json(
      buildWallboard({
        now: at,
        calls: options.calls.live.calls(),
        agents: options.calls.live.agents(),
        weekCalls,
      }),
    );
  });

  app.post('/api/calls/dial', async (c) => {
    const user = await requireUser(c);
    const body = dialSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    if (user.seat === null) {
      throw invalidInput({
        field: 'seat',
        message: `user ${user.username} has no seat (extension) to dial from`,
      });
    }
    const number = parsePhone({
      input: body.data.phone,
      defaultAreaCode: options.defaultAreaCode,
      field: 'phone',
    });
    const { callId } = options.calls.dial({
      seatContact: `user/${user.seat}`,
      agent: options.agentName({ seat: user.seat }),
      number: number.national,
      kind: body.data.kind,
      orderId: body.data.orderId ?? null,
      gateway: options.outbound.gateway,
      callerIdNumber: options.outbound.callerIdNumber,
    });
    return c.json({ callId }, 202);
  });

  app.post('/api/calls/:callId/answer', async (c) => {
    const user = await requireUser(c);
    if (options.control.status().kind !== 'simulator') {
      throw invalidInput({
        field: 'callId',
        message: 'only in training (the simulator): answer on the seat phone',
      });
    }
    if (user.seat === null)
      throw invalidInput({ field: 'seat', message: `user ${user.username} has no seat` });
    try {
      await options.calls.answer({
        callId: c.req.param('callId').slice(0, 64),
        agent: options.agentName({ seat: user.seat }),
      });
    } catch (error) {
      throw new DomainError({
        code: DomainErrorCode.conflict,
        field: 'callId',
        message: error instanceof Error ? error.message : String(error),
      });
    }
    return c.json({ ok: true });
  });

  app.get('/api/callbacks', async (c) => {
    await requireUser(c);
    const open = readQuery(c, { name: 'open' }) !== 'false';
    return c.json({
      callbacks: await store.listCallbacks({ open, limit: Math.min(readLimit(c) ?? 100, 500) }),
    });
  });

  app.post('/api/callbacks/:callId/done', async (c) => {
    const user = await requireUser(c);
    const done = await store.completeCallback({
      callId: c.req.param('callId').slice(0, 64),
      doneBy: user.username,
      doneAt: now().toISOString(),
    });
    if (!done) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'callId',
        message: 'callId: no open callback for this call',
      });
    }
    return c.json({ ok: true });
  });

  app.post('/api/seat/status', async (c) => {
    const user = await requireUser(c);
    const body = seatStatusSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    if (user.seat === null) {
      throw invalidInput({
        field: 'seat',
        message: `user ${user.username} has no seat (extension) assigned`,
      });
    }
    const status =
      body.data.status === 'available'
        ? SeatStatus.available
        : body.data.status === 'logged_out'
          ? SeatStatus.loggedOut
          : SeatStatus.break;
    const agent = options.agentName({ seat: user.seat });
    try {
      await options.control.api({ command: `callcenter_config agent set status ${agent} '${status}'` });
    } catch (error) {
      throw new HttpError({
        status: 502,
        body: {
          code: HttpErrorCode.badGateway,
          field: 'status',
          message: `status: the switch refused: ${error instanceof Error ? error.message : String(error)}`,
        },
      });
    }
    return c.json({ agent, status });
  });

  app.get('/api/recordings/:id', async (c) => {
    const user = await requireUser(c);
    const recording = await store.getRecording({ id: c.req.param('id').slice(0, 64) });
    const notFound = (why: string): DomainError =>
      new DomainError({ code: DomainErrorCode.notFound, field: 'id', message: `id: ${why}` });
    if (recording === undefined) throw notFound('no such recording');
    if (recording.purgedAt !== null)
      throw notFound(`purged on ${recording.purgedAt} by the retention policy`);
    let path: string;
    let size: number;
    try {
      path = await files.locate({ path: recording.path });
      size = (await stat(path)).size;
    } catch {
      await store.markRecording({ id: recording.id, missing: true });
      throw notFound('the file is missing from disk (reported in /healthz)');
    }
    const rangeHeader = c.req.header('range') ?? null;
    const range = parseRange({ header: rangeHeader, size });
    await store.logRecordingAccess({
      recordingId: recording.id,
      username: user.username,
      at: now().toISOString(),
      range: rangeHeader?.slice(0, 100) ?? null,
      address: clientAddress(c),
    });
    const headers: Record<string, string> = {
      'content-type': 'audio/wav',
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-store',
      'content-disposition': `inline; filename="${recording.callId.replace(/[^A-Za-z0-9-]/g, '')}.wav"`,
    };
    if (range === 'unsatisfiable') {
      return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${size}` } });
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
    if (range !== undefined) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    const body =
      size === 0
        ? null
        : (Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>);
    return new Response(body, { status: range === undefined ? 200 : 206, headers });
  });

  // A complaint or dispute holds its recordings as evidence: retention never purges them while disputed.
  app.post('/api/recordings/:id/dispute', async (c) => {
    await requireSupervisor(c);
    const body = disputeSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    const id = c.req.param('id').slice(0, 64);
    const recording = await store.getRecording({ id });
    if (recording === undefined) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'id',
        message: 'id: no such recording',
      });
    }
    await store.markRecording({ id, disputed: body.data.disputed });
    return c.json({ id, disputed: body.data.disputed });
  });

  app.get('/api/recordings/:id/access', async (c) => {
    await requireSupervisor(c);
    return c.json({
      access: await store.listRecordingAccess({ recordingId: c.req.param('id').slice(0, 64) }),
    });
  });
}

/**
 * One `bytes=` range (what audio players send): `a-b`, `a-` or `-n`. Several ranges are answered with
 * the whole file (allowed by RFC 9110), anything malformed too; a range past the end is 416.
 */
export function parseRange(options: {
  header: string | null;
  size: number;
}): { start: number; end: number } | 'unsatisfiable' | undefined {
  const { header, size } = options;
  if (header === null) return undefined;
  const match = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (match === null) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

/** A phone number in any form the county writes it, or a 400 naming the field. */
function parsePhone(options: { input: string; defaultAreaCode: string | undefined; field: string }): {
  canonical: string;
  national: string;
} {
  try {
    return normalisePhone({
      input: options.input,
      ...(options.defaultAreaCode === undefined ? {} : { defaultAreaCode: options.defaultAreaCode }),
    });
  } catch (error) {
    const reason =
      error instanceof DomainError ? error.message.replace(/^input: /, '') : 'is not a phone number';
    throw invalidInput({ field: options.field, message: reason });
  }
}

function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

function localDate(options: { at: Date }): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(options.at);
}

function localHour(options: { iso: string }): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(options.iso));
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:00`;
}
