import { DomainError, DomainErrorCode, recordIdSchema } from '@jiazheng/sync/domain';
import { HttpError, HttpErrorCode, invalidInput } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { AuthenticatedUser } from '../../services/auth-service';
import { SmsRefusal, type SmsService } from '../../services/sms-service';
import {
  bodyIssue,
  readJsonBody,
  readLimit,
  readQuery,
  readBearerToken,
  readRequiredQuery,
  requireSessionUser,
} from './request-helpers';

const DEFAULT_INBOX = 50;
const MAX_INBOX = 200;
const DEFAULT_CONVERSATION = 100;
const MAX_CONVERSATION = 500;
/** The `text` of a reply is measured in characters by the service; this only bounds the work before it. */
const MAX_REPLY_BODY_CHARS = 8000;

const handledSchema = z.strictObject({
  orderId: recordIdSchema
    .refine((id) => id.startsWith('order:'), 'must be an order id, e.g. order:330106:01J…')
    .optional(),
});

const replySchema = z.strictObject({
  to: z.string('is required').trim().min(1, 'is required').max(40, 'must be at most 40 characters'),
  text: z.string('is required').max(MAX_REPLY_BODY_CHARS, 'must be at most 1000 characters'),
});

const inboxStatusSchema = z.enum(['new', 'handled'], 'must be new or handled');

export type SmsRoutesOptions = {
  sms: SmsService;
  /** A session token → the logged-in user (AuthService.authenticate), undefined when it is not valid. */
  authenticate: (token: string) => Promise<AuthenticatedUser | undefined>;
};

/**
 * The SMS inbox. `POST /api/sms/inbound` is the carrier gateway's webhook (its own bearer token,
 * SMS_WEBHOOK_TOKEN); everything else is for logged-in users (`Authorization: Bearer <session token>`):
 * `GET /api/sms?status=new|handled&limit=`, `POST /api/sms/:id/handled {orderId?}`,
 * `POST /api/sms/reply {to, text}`, `GET /api/sms/conversation?phone=&limit=`.
 */
export function mountSmsRoutes(options: { app: Hono } & SmsRoutesOptions): void {
  const { app, sms } = options;

  const requireUser = (c: Context): Promise<AuthenticatedUser> =>
    requireSessionUser({ c, authenticate: options.authenticate });

  app.post('/api/sms/inbound', async (c) => {
    // The token is checked before the body is read: a stranger learns nothing about what would be accepted.
    try {
      if (!sms.authorizeWebhook({ token: readBearerToken(c) })) throw refusal({ error: undefined });
      const result = await sms.receiveWebhook({ payload: await readJsonBody(c), token: readBearerToken(c) });
      // A redelivery is acknowledged like the first delivery, so the gateway stops retrying.
      return c.json({ ok: true, id: result.message.id, duplicate: result.duplicate });
    } catch (error) {
      if (error instanceof SmsRefusal) throw refusal({ error });
      throw error;
    }
  });

  app.get('/api/sms', async (c) => {
    await requireUser(c);
    const status = inboxStatusSchema.safeParse(readQuery(c, { name: 'status' }) ?? 'new');
    if (!status.success) throw invalidInput({ field: 'status', message: 'must be new or handled' });
    const limit = Math.min(readLimit(c) ?? DEFAULT_INBOX, MAX_INBOX);
    return c.json({ messages: await sms.inbox({ status: status.data, limit }) });
  });

  app.get('/api/sms/conversation', async (c) => {
    await requireUser(c);
    const phone = readRequiredQuery(c, { name: 'phone' });
    const limit = Math.min(readLimit(c) ?? DEFAULT_CONVERSATION, MAX_CONVERSATION);
    return c.json(await sms.conversation({ phone, limit }));
  });

  app.post('/api/sms/reply', async (c) => {
    const user = await requireUser(c);
    const body = replySchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    let message;
    try {
      message = await sms.reply({ ...body.data, user });
    } catch (error) {
      if (error instanceof SmsRefusal) throw refusal({ error });
      throw error;
    }
    if (message.status === 'failed') {
      throw new HttpError({
        status: 502,
        body: {
          code: HttpErrorCode.badGateway,
          field: null,
          message: `the SMS was not sent (${message.error ?? 'no reason given'}); it is kept as failed, id ${message.id}`,
        },
      });
    }
    return c.json({ message });
  });

  app.post('/api/sms/:id/handled', async (c) => {
    const user = await requireUser(c);
    const id = c.req.param('id');
    if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'id',
        message: 'id: no such inbound SMS',
      });
    }
    const body = handledSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    return c.json({ message: await sms.markHandled({ id, user, orderId: body.data.orderId }) });
  });
}

function refusal(options: { error: SmsRefusal | undefined }): HttpError {
  const { error } = options;
  if (error?.code === 'webhook_off') {
    return new HttpError({
      status: 404,
      body: { code: HttpErrorCode.notFound, field: null, message: error.message },
    });
  }
  if (error?.code === 'no_sender') {
    return new HttpError({
      status: 503,
      body: { code: HttpErrorCode.badGateway, field: null, message: error.message },
    });
  }
  return new HttpError({
    status: 401,
    body: {
      code: HttpErrorCode.unauthorized,
      field: 'authorization',
      message: 'authorization: send Authorization: Bearer <SMS webhook token>',
    },
  });
}
