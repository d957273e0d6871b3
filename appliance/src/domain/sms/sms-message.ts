import { DomainError, DomainErrorCode } from '@jiazheng/sync/domain';
import { z } from 'zod';
import { normaliseCaller } from '../calls/call-record';

/**
 * SMS to and from citizens: demands arriving as the switch's `MESSAGE` events (mod_sofia / mod_sms) or
 * through a carrier's SMS gateway webhook, and the call-takers' replies. Everything in an inbound SMS came
 * from a stranger's phone: the text and the sender are cleaned and capped here, once, before anything
 * stores or shows them. Markup is kept as text: it is escaped wherever it is shown.
 */

export const SmsDirection = { inbound: 'inbound', outbound: 'outbound' } as const;
export type SmsDirection = (typeof SmsDirection)[keyof typeof SmsDirection];

/** How a message travelled: the switch (`api chat`, MESSAGE events) or the carrier's HTTP gateway. */
export const SmsChannel = { switch: 'switch', gateway: 'gateway' } as const;
export type SmsChannel = (typeof SmsChannel)[keyof typeof SmsChannel];

/** Inbound: `new` → `handled`. Outbound: `queued` → `sent` | `failed`. */
export const SmsStatus = {
  new: 'new',
  handled: 'handled',
  queued: 'queued',
  sent: 'sent',
  failed: 'failed',
} as const;
export type SmsStatus = (typeof SmsStatus)[keyof typeof SmsStatus];

export const InboxStatus = { new: SmsStatus.new, handled: SmsStatus.handled } as const;
export type InboxStatus = (typeof InboxStatus)[keyof typeof InboxStatus];

/**
 * A long SMS is up to 70 characters a part (UCS-2, which Chinese needs) times its parts; 1,000 covers
 * fourteen parts, far beyond a real demand, and keeps one message from flooding every console.
 */
export const MAX_SMS_TEXT_LENGTH = 1000;
/** Nothing legitimate in a sender ID is longer (the phone domain's own cap on caller IDs). */
export const MAX_SMS_SENDER_LENGTH = 40;
/** What an error from a sender (a gateway's answer, the switch's reply) is cut to before it is stored. */
export const MAX_SMS_ERROR_LENGTH = 300;

/**
 * The `proto` of a MESSAGE event that carries an SMS: `sip` (SIP MESSAGE through mod_sofia, how carriers'
 * SIP trunks deliver SMS), `sms` (mod_sms's own), `smpp` (mod_smpp). Anything else (`global` for messages
 * the switch is sending, `verto`, `jingle`…) is not a citizen's SMS.
 */
export const SMS_PROTOS: readonly string[] = ['sip', 'sms', 'smpp'];

export const smsMessageSchema = z.strictObject({
  /** A ULID: sorts by arrival. */
  id: z.string(),
  direction: z.enum(SmsDirection),
  /** The citizen's number in E.164, or null when the sender ID is not a phone number. */
  phone: z.string().nullable(),
  /** The sender ID (inbound) or the number dialled (outbound), cleaned and capped. */
  phoneRaw: z.string(),
  body: z.string(),
  channel: z.enum(SmsChannel),
  /** Inbound: when the switch or the carrier received it. Outbound: when it was written. */
  at: z.string(),
  status: z.enum(SmsStatus),
  /** The order a call-taker opened from this SMS (`order:<county>:<ULID>`). */
  orderId: z.string().nullable(),
  /** `switch:…` / `gateway:…` for inbound (the key that makes redelivery harmless), the gateway's id out. */
  externalId: z.string().nullable(),
  /** Inbound: who handled it. Outbound: who wrote it. */
  handledBy: z.string().nullable(),
  handledAt: z.string().nullable(),
  /** Outbound and `failed`: what the sender said. */
  error: z.string().nullable(),
});
export type SmsMessage = z.infer<typeof smsMessageSchema>;

/** An inbound SMS from either channel, cleaned: what the service stores. */
export const inboundSmsSchema = z.strictObject({
  externalId: z.string(),
  channel: z.enum(SmsChannel),
  phone: z.string().nullable(),
  phoneRaw: z.string(),
  text: z.string(),
  receivedAt: z.string(),
  /** The text was longer than MAX_SMS_TEXT_LENGTH and was cut (switch only; the webhook refuses it). */
  truncated: z.boolean(),
});
export type InboundSms = z.infer<typeof inboundSmsSchema>;

export type SwitchMessageResult =
  { readonly type: 'sms'; readonly sms: InboundSms } | { readonly type: 'ignored'; readonly reason: string };

// eslint-disable-next-line no-control-regex -- control characters are what is being removed
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidi overrides and marks (they can reverse what a console shows), the BOM and the line separators. */
const INVISIBLE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u2028\u2029]/g;
/** A surrogate half without its partner: not text, and not valid UTF-8 once stored. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Makes an SMS text safe to store and show: line breaks kept (as `\n`), tabs as spaces, every other
 * control, bidi-override and invisible formatting character removed, at most two blank lines in a row, and
 * at most MAX_SMS_TEXT_LENGTH characters (code points), the last one `…` when it was cut.
 */
export function cleanSmsText(options: { text: string }): { text: string; truncated: boolean } {
  const cleaned = options.text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '')
    .replace(/[ \u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  const chars = Array.from(cleaned);
  if (chars.length <= MAX_SMS_TEXT_LENGTH) return { text: cleaned, truncated: false };
  return { text: `${chars.slice(0, MAX_SMS_TEXT_LENGTH - 1).join('')}…`, truncated: true };
}

/** A sender ID or any other one-line value from the outside: one line, no controls, capped. */
export function cleanSmsLine(options: { text: string; max: number }): string {
  const cleaned = options.text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(CONTROL, ' ')
    .replace(/[\n\t]/g, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(cleaned);
  return chars.length <= options.max ? cleaned : `${chars.slice(0, options.max - 1).join('')}…`;
}

type Headers = Readonly<Record<string, string>>;

/**
 * Reads a switch `MESSAGE` event: a citizen's SMS, or why it is not one. mod_sofia fires one for a SIP
 * MESSAGE from the carrier's trunk (`proto: sip`, `from: 13800138000@carrier`, `from_user`, `to_user`,
 * `type: text/plain`, the text as the body); the switch also fires one after every message it sends
 * (`proto: global` from `api chat`, with `Delivery-Failure` or `blocking`): that echo of our own reply is
 * ignored, as is anything from one of `ownNumbers` (a reply looped back by the carrier).
 *
 * The external id is the event's own `Event-UUID` when it has one, else `Core-UUID` + `Event-Sequence`
 * (unique per switch run), so an event delivered twice is stored once.
 */
export function readSwitchMessage(options: {
  headers: Headers;
  body: string | undefined;
  /** When the event carries no usable `Event-Date-Timestamp`. */
  receivedAt: string;
  defaultAreaCode?: string | undefined;
  /** The county's own SMS numbers (e.g. `12345`): messages from them are echoes, never demands. */
  ownNumbers?: readonly string[] | undefined;
}): SwitchMessageResult {
  const header = (name: string): string | undefined => readHeader({ headers: options.headers, name });
  const proto = header('proto')?.toLowerCase();
  if (proto === undefined) return ignored('no proto header: not an SMS');
  if (!SMS_PROTOS.includes(proto)) {
    return ignored(`proto ${cleanSmsLine({ text: proto, max: 20 })} is not an SMS protocol`);
  }
  if (header('Delivery-Failure') !== undefined || header('blocking')?.toLowerCase() === 'true') {
    return ignored('the report of a message the switch sent (our own reply)');
  }
  const type = header('type')?.toLowerCase();
  if (type !== undefined && !type.startsWith('text/')) {
    return ignored(`content type ${cleanSmsLine({ text: type, max: 40 })} is not text`);
  }

  const sender = senderOf({ fromUser: header('from_user'), from: header('from') });
  if (sender === '') return ignored('no sender (from / from_user)');
  const phoneRaw = cleanSmsLine({ text: sender, max: MAX_SMS_SENDER_LENGTH });
  const phone = normaliseCaller({ raw: phoneRaw, defaultAreaCode: options.defaultAreaCode });
  if (
    isOwnNumber({ phoneRaw, phone, ownNumbers: options.ownNumbers, defaultAreaCode: options.defaultAreaCode })
  ) {
    return ignored('sent from one of our own numbers (an echo of a reply)');
  }

  const externalId = switchExternalId({ header });
  if (externalId === undefined) return ignored('no Event-UUID, nor Core-UUID with Event-Sequence');

  if (options.body === undefined) return ignored('no text (the event has no body)');
  const { text, truncated } = cleanSmsText({ text: options.body });
  if (text === '') return ignored('empty text');

  return {
    type: 'sms',
    sms: {
      externalId,
      channel: SmsChannel.switch,
      phone,
      phoneRaw,
      text,
      receivedAt: eventTime({ micros: header('Event-Date-Timestamp') }) ?? options.receivedAt,
      truncated,
    },
  };
}

const printableId = z.string().regex(/^[\x21-\x7e]{1,128}$/);

/**
 * The carrier SMS gateway's webhook, `POST /api/sms/inbound` with `Authorization: Bearer <SMS_WEBHOOK_TOKEN>`
 * and a JSON body:
 *
 * ```json
 * { "id": "carrier-message-id", "from": "+8613800138000", "to": "12345",
 *   "text": "楼下水管爆了", "receivedAt": "2026-11-20T02:00:00Z" }
 * ```
 *
 * `id` (printable ASCII, ≤ 128) is the carrier's message id: a redelivery with the same id is stored once.
 * `from` is the citizen's number in any common form (≤ 40 characters); `to` (optional) is our number as
 * dialled; `text` is at most 1,000 characters; `receivedAt` (optional, ISO 8601 with offset) is when the
 * carrier received it. Other fields are ignored, so a gateway that sends more still works.
 */
export const gatewayInboundSchema = z.object({
  id: z
    .string('is required')
    .trim()
    .min(1, 'is required')
    .max(128, 'must be at most 128 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  from: z
    .string('is required')
    .trim()
    .min(1, 'is required')
    .max(MAX_SMS_SENDER_LENGTH, `must be at most ${MAX_SMS_SENDER_LENGTH} characters`),
  to: z.string().max(MAX_SMS_SENDER_LENGTH, `must be at most ${MAX_SMS_SENDER_LENGTH} characters`).optional(),
  text: z
    .string('is required')
    .refine(
      (text) => Array.from(text).length <= MAX_SMS_TEXT_LENGTH,
      `must be at most ${MAX_SMS_TEXT_LENGTH} characters`,
    ),
  receivedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with its offset' }).optional(),
});
export type GatewayInbound = z.input<typeof gatewayInboundSchema>;

/**
 * Reads the gateway's webhook body into the same shape as a switch MESSAGE. Refuses (DomainError
 * `invalid_input`, `field` naming the offending field: `text`, `from`, `id`…) what does not fit, including a
 * text over MAX_SMS_TEXT_LENGTH: the gateway, unlike the switch, can be told. A `receivedAt` in the future
 * is taken as now, so a wrong clock cannot pin a message to the top of the inbox.
 */
export function readGatewayMessage(options: {
  payload: unknown;
  receivedAt: string;
  defaultAreaCode?: string | undefined;
}): InboundSms {
  const parsed = gatewayInboundSchema.safeParse(options.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.').slice(0, 40);
    const message =
      issue === undefined || issue.path.length === 0
        ? 'must be a JSON object { id, from, text, to?, receivedAt? }'
        : issue.message;
    throw new DomainError({ code: DomainErrorCode.invalidInput, field, message: `${field}: ${message}` });
  }
  const { id, from, text: rawText, receivedAt } = parsed.data;
  const phoneRaw = cleanSmsLine({ text: from, max: MAX_SMS_SENDER_LENGTH });
  if (phoneRaw === '')
    throw invalid({ field: 'from', message: 'is empty once control characters are removed' });
  const { text } = cleanSmsText({ text: rawText });
  if (text === '') throw invalid({ field: 'text', message: 'is empty' });
  const now = Date.parse(options.receivedAt);
  const carrierTime = receivedAt === undefined ? undefined : Date.parse(receivedAt);
  return {
    externalId: `${SmsChannel.gateway}:${id}`,
    channel: SmsChannel.gateway,
    phone: normaliseCaller({ raw: phoneRaw, defaultAreaCode: options.defaultAreaCode }),
    phoneRaw,
    text,
    receivedAt:
      carrierTime === undefined || carrierTime > now
        ? options.receivedAt
        : new Date(carrierTime).toISOString(),
    truncated: false,
  };
}

/**
 * Makes a reply safe to send: the same cleaning as inbound text, but a text too long (or empty) is refused
 * rather than cut, since the call-taker is there to shorten it.
 */
export function prepareReplyText(options: { text: string }): string {
  const { text, truncated } = cleanSmsText({ text: options.text });
  if (truncated)
    throw invalid({ field: 'text', message: `must be at most ${MAX_SMS_TEXT_LENGTH} characters` });
  if (text === '') throw invalid({ field: 'text', message: 'is empty' });
  return text;
}

function ignored(reason: string): SwitchMessageResult {
  return { type: 'ignored', reason };
}

function invalid(options: { field: string; message: string }): DomainError {
  return new DomainError({
    code: DomainErrorCode.invalidInput,
    field: options.field,
    message: `${options.field}: ${options.message}`,
  });
}

/** FreeSWITCH compares header names case-insensitively; a hostile peer may rely on that. */
function readHeader(options: { headers: Headers; name: string }): string | undefined {
  const { headers, name } = options;
  let value = headers[name];
  if (value === undefined) {
    const lower = name.toLowerCase();
    const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === '_undef_' ? undefined : trimmed;
}

/** `from_user`, else the user part of `from` (`13800138000@carrier`, `sip:+8613800138000@host;user=phone`). */
function senderOf(options: { fromUser: string | undefined; from: string | undefined }): string {
  if (options.fromUser !== undefined) return options.fromUser;
  if (options.from === undefined) return '';
  const address = /<([^>]*)>/.exec(options.from)?.[1] ?? options.from;
  const withoutScheme = address.trim().replace(/^(?:sips?|tel):/i, '');
  return (withoutScheme.split('@')[0] ?? '').split(';')[0] ?? '';
}

function isOwnNumber(options: {
  phoneRaw: string;
  phone: string | null;
  ownNumbers: readonly string[] | undefined;
  defaultAreaCode: string | undefined;
}): boolean {
  return (options.ownNumbers ?? []).some((own) => {
    if (own === options.phoneRaw) return true;
    if (options.phone === null) return false;
    return normaliseCaller({ raw: own, defaultAreaCode: options.defaultAreaCode }) === options.phone;
  });
}

function switchExternalId(options: { header: (name: string) => string | undefined }): string | undefined {
  const eventUuid = options.header('Event-UUID');
  if (eventUuid !== undefined && printableId.safeParse(eventUuid).success) {
    return `${SmsChannel.switch}:${eventUuid}`;
  }
  const core = options.header('Core-UUID');
  const sequence = options.header('Event-Sequence');
  if (core === undefined || sequence === undefined) return undefined;
  if (!printableId.safeParse(core).success || !/^\d{1,20}$/.test(sequence)) return undefined;
  return `${SmsChannel.switch}:${core}:${sequence}`;
}

/** `Event-Date-Timestamp`: microseconds since the epoch, the switch's own clock. */
function eventTime(options: { micros: string | undefined }): string | undefined {
  const { micros } = options;
  if (micros === undefined || !/^\d{1,18}$/.test(micros)) return undefined;
  const ms = Math.floor(Number(micros) / 1000);
  return ms > 0 ? new Date(ms).toISOString() : undefined;
}
