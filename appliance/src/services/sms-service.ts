import { createHash, timingSafeEqual } from 'node:crypto';
import {
  createId,
  DomainError,
  DomainErrorCode,
  normalisePhone,
  PhoneKind,
  type NormalisedPhone,
} from '@jiazheng/sync/domain';
import {
  cleanSmsLine,
  MAX_SMS_ERROR_LENGTH,
  prepareReplyText,
  readGatewayMessage,
  readSwitchMessage,
  type InboundSms,
  type InboxStatus,
  type SmsMessage,
} from '../domain/sms/sms-message';
import type { SwitchEvent } from '../ports/call-control';
import type { Logger } from '../ports/logger';
import type { SmsSender } from '../ports/sms-sender';
import type { SmsConsoleMessage, SmsStore } from '../ports/sms-store';
import type { AuthenticatedUser } from './auth-service';

export type SmsServiceStats = {
  /** New inbound SMS stored (both channels). */
  received: number;
  /** Redelivered inbound SMS (same external id): acknowledged, not stored again. */
  duplicates: number;
  /** MESSAGE events that were not a citizen's SMS (our own echo, another protocol, no text…). */
  ignored: number;
  /** Webhook calls refused: wrong token, or a body that does not fit. */
  webhookRefused: number;
  repliesSent: number;
  repliesFailed: number;
};

/** Refusals the HTTP layer turns into statuses (401, 404, 503). */
export class SmsRefusal extends Error {
  constructor(
    readonly code: 'unauthorized' | 'webhook_off' | 'no_sender',
    message: string,
  ) {
    super(message);
  }
}

/** Only `publish` of the consoles' publisher: ConsoleWebSocket once ConsoleMessage includes the SMS variant. */
export type SmsPublisher = { publish(options: { message: SmsConsoleMessage }): void };

export type SmsServiceOptions = {
  store: SmsStore;
  publisher: SmsPublisher;
  logger: Logger;
  /** Replies through the carrier's HTTP gateway; preferred when configured. */
  gatewaySender?: SmsSender | undefined;
  /** Replies through the switch (`api chat`), when there is no gateway. */
  switchSender?: SmsSender | undefined;
  /** `SMS_WEBHOOK_TOKEN`; unset, the webhook is off. */
  webhookToken?: string | undefined;
  /** The county's area code, to complete a bare local sender number. */
  defaultAreaCode?: string | undefined;
  /** The county's own SMS numbers: MESSAGE events from them are echoes of our replies. */
  ownNumbers?: readonly string[] | undefined;
  now?: () => Date;
};

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * SMS in and out. Inbound SMS (the switch's MESSAGE events, the carrier gateway's webhook) are cleaned,
 * stored once each (a redelivery is recognised by its external id) and pushed to every console as
 * `{ type: 'sms' }`, where call-takers open orders from them and mark them handled. Replies go through the
 * gateway when one is configured, else through the switch, and are kept with their fate (sent or failed).
 */
export class SmsService {
  readonly #store: SmsStore;
  readonly #publisher: SmsPublisher;
  readonly #logger: Logger;
  readonly #sender: SmsSender | undefined;
  readonly #webhookTokenHash: Buffer | undefined;
  readonly #defaultAreaCode: string | undefined;
  readonly #ownNumbers: readonly string[];
  readonly #now: () => Date;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #stats: SmsServiceStats = {
    received: 0,
    duplicates: 0,
    ignored: 0,
    webhookRefused: 0,
    repliesSent: 0,
    repliesFailed: 0,
  };

  constructor(options: SmsServiceOptions) {
    this.#store = options.store;
    this.#publisher = options.publisher;
    this.#logger = options.logger;
    this.#sender = options.gatewaySender ?? options.switchSender;
    this.#webhookTokenHash =
      options.webhookToken === undefined || options.webhookToken === ''
        ? undefined
        : sha256(options.webhookToken);
    this.#defaultAreaCode = options.defaultAreaCode;
    this.#ownNumbers = options.ownNumbers ?? [];
    this.#now = options.now ?? (() => new Date());
  }

  stats(): SmsServiceStats {
    return { ...this.#stats };
  }

  /** The channel replies go out on, or undefined when SMS cannot be sent. */
  get replyChannel(): SmsSender['channel'] | undefined {
    return this.#sender?.channel;
  }

  /** Resolves when every write started by `handle` so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** One event from the switch (the call service hands over `MESSAGE`s). Never throws. */
  handle(options: { event: SwitchEvent }): void {
    const { event } = options;
    if (event.name !== 'MESSAGE') return;
    const result = readSwitchMessage({
      headers: event.headers,
      body: event.body,
      receivedAt: this.#now().toISOString(),
      defaultAreaCode: this.#defaultAreaCode,
      ownNumbers: this.#ownNumbers,
    });
    if (result.type === 'ignored') {
      this.#stats.ignored += 1;
      this.#logger.info(`sms: MESSAGE ignored: ${result.reason}`);
      return;
    }
    const work = this.#receive({ sms: result.sms }).catch((error: unknown) =>
      this.#logger.error('sms: storing an SMS from the switch failed', error),
    );
    this.#pending.add(work);
    void work.finally(() => this.#pending.delete(work));
  }

  /** Whether a webhook call may proceed (constant time); throws SmsRefusal `webhook_off` when it is off. */
  authorizeWebhook(options: { token: string | undefined }): boolean {
    const expected = this.#webhookTokenHash;
    if (expected === undefined) {
      throw new SmsRefusal('webhook_off', 'the SMS webhook is off (SMS_WEBHOOK_TOKEN is not set)');
    }
    // Hashing first gives equal lengths, so neither the comparison nor its length check leaks the token.
    return options.token !== undefined && timingSafeEqual(sha256(options.token), expected);
  }

  /**
   * The carrier gateway's webhook: checks the token, reads the payload (gatewayInboundSchema; a DomainError
   * naming the field when it does not fit) and stores the SMS once.
   */
  async receiveWebhook(options: {
    payload: unknown;
    token: string | undefined;
  }): Promise<{ duplicate: boolean; message: SmsMessage }> {
    if (!this.authorizeWebhook({ token: options.token })) {
      this.#stats.webhookRefused += 1;
      throw new SmsRefusal('unauthorized', 'authorization: send Authorization: Bearer <SMS webhook token>');
    }
    let sms: InboundSms;
    try {
      sms = readGatewayMessage({
        payload: options.payload,
        receivedAt: this.#now().toISOString(),
        defaultAreaCode: this.#defaultAreaCode,
      });
    } catch (error) {
      this.#stats.webhookRefused += 1;
      throw error;
    }
    return this.#receive({ sms });
  }

  async inbox(options: { status: InboxStatus; limit: number }): Promise<SmsMessage[]> {
    return this.#store.listInbox(options);
  }

  async inboxSize(): Promise<number> {
    return this.#store.countInbox({ status: 'new' });
  }

  /** A call-taker has dealt with the SMS (usually by opening `orderId` from it). The first one wins. */
  async markHandled(options: {
    id: string;
    user: AuthenticatedUser;
    orderId?: string | undefined;
  }): Promise<SmsMessage> {
    const result = await this.#store.markHandled({
      id: options.id,
      handledBy: options.user.username,
      handledAt: this.#now().toISOString(),
      orderId: options.orderId ?? null,
    });
    if (result.result === 'not_found') {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'id',
        message: 'id: no such inbound SMS',
      });
    }
    if (result.result === 'already_handled') {
      throw new DomainError({
        code: DomainErrorCode.conflict,
        field: 'id',
        message: `id: already handled by ${result.message.handledBy ?? 'someone'} at ${result.message.handledAt ?? '?'}`,
      });
    }
    this.#publisher.publish({ message: { type: 'sms', message: result.message } });
    return result.message;
  }

  /** Both directions with one citizen, oldest first. `phone` in any form; refused when it is not a number. */
  async conversation(options: {
    phone: string;
    limit: number;
  }): Promise<{ phone: string; messages: SmsMessage[] }> {
    const phone = this.#normalise({ input: options.phone, field: 'phone' }).canonical;
    return { phone, messages: await this.#store.listConversation({ phone, limit: options.limit }) };
  }

  /**
   * Sends a call-taker's reply and keeps it, with its fate: the returned message is `sent` or `failed` (with
   * the sender's reason). Refuses (DomainError naming `to` or `text`) a number that is not a mobile, an empty
   * text or one over MAX_SMS_TEXT_LENGTH; throws SmsRefusal `no_sender` when no way to send is configured.
   */
  async reply(options: { to: string; text: string; user: AuthenticatedUser }): Promise<SmsMessage> {
    const phone = this.#normalise({ input: options.to, field: 'to' });
    if (phone.kind !== PhoneKind.mobile || phone.extension !== undefined) {
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: 'to',
        message: 'to: is not a mobile number; SMS reaches mobiles only',
      });
    }
    const text = prepareReplyText({ text: options.text });
    const sender = this.#sender;
    if (sender === undefined) {
      throw new SmsRefusal(
        'no_sender',
        'SMS cannot be sent: configure SMS_GATEWAY_URL (a carrier gateway) or SMS_SWITCH_FROM (the switch)',
      );
    }
    const now = this.#now();
    const queued: SmsMessage = {
      id: createId({ now: now.getTime() }),
      direction: 'outbound',
      phone: phone.e164,
      phoneRaw: phone.national,
      body: text,
      channel: sender.channel,
      at: now.toISOString(),
      status: 'queued',
      orderId: null,
      externalId: null,
      handledBy: options.user.username,
      handledAt: null,
      error: null,
    };
    await this.#store.saveOutbound({ message: queued });
    let outcome: { status: 'sent'; externalId: string | null } | { status: 'failed'; error: string };
    try {
      const { externalId } = await sender.send({
        id: queued.id,
        phone: { e164: phone.e164, national: phone.national },
        text,
      });
      outcome = { status: 'sent', externalId };
      this.#stats.repliesSent += 1;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      outcome = { status: 'failed', error: cleanSmsLine({ text: reason, max: MAX_SMS_ERROR_LENGTH }) };
      this.#stats.repliesFailed += 1;
      this.#logger.error(`sms: reply ${queued.id} via ${sender.channel} failed: ${outcome.error}`);
    }
    const stored =
      (await this.#store.updateOutbound({
        id: queued.id,
        status: outcome.status,
        at: this.#now().toISOString(),
        externalId: outcome.status === 'sent' ? outcome.externalId : null,
        error: outcome.status === 'failed' ? outcome.error : null,
      })) ?? queued;
    this.#publisher.publish({ message: { type: 'sms', message: stored } });
    return stored;
  }

  async #receive(options: { sms: InboundSms }): Promise<{ duplicate: boolean; message: SmsMessage }> {
    const { sms } = options;
    const { created, message } = await this.#store.saveInbound({
      message: {
        id: createId({ now: this.#now().getTime() }),
        direction: 'inbound',
        phone: sms.phone,
        phoneRaw: sms.phoneRaw,
        body: sms.text,
        channel: sms.channel,
        at: sms.receivedAt,
        status: 'new',
        orderId: null,
        externalId: sms.externalId,
        handledBy: null,
        handledAt: null,
        error: null,
      },
    });
    if (!created) {
      this.#stats.duplicates += 1;
      this.#logger.info(`sms: ${sms.channel} message ${message.id} delivered again; stored once`);
      return { duplicate: true, message };
    }
    this.#stats.received += 1;
    if (sms.truncated) this.#logger.info(`sms: ${message.id} was longer than the cap and was cut`);
    this.#publisher.publish({ message: { type: 'sms', message } });
    return { duplicate: false, message };
  }

  #normalise(options: { input: string; field: string }): NormalisedPhone {
    try {
      return normalisePhone({
        input: options.input,
        ...(this.#defaultAreaCode === undefined ? {} : { defaultAreaCode: this.#defaultAreaCode }),
      });
    } catch (error) {
      const reason =
        error instanceof DomainError ? error.message.replace(/^[a-zA-Z]+: /, '') : 'is not a phone number';
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: options.field,
        message: `${options.field}: ${reason}`,
      });
    }
  }
}
