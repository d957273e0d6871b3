import type { InboxStatus, SmsMessage, SmsStatus } from '../domain/sms/sms-message';

/**
 * What a console receives when an SMS arrives, is handled, or a reply is sent or fails; consoles upsert
 * by `message.id`. One of the ConsoleMessage variants (console-publisher.ts).
 */
export type SmsConsoleMessage = { type: 'sms'; message: SmsMessage };

export type MarkHandledResult =
  | { result: 'handled'; message: SmsMessage }
  | { result: 'already_handled'; message: SmsMessage }
  | { result: 'not_found' };

/** The SMS inbox and every conversation, in the appliance's PGlite (`sms_messages`). */
export interface SmsStore {
  /**
   * Idempotent on `externalId`: a redelivered message (same carrier id, same switch event) is not stored
   * again, and the first copy comes back with `created: false`.
   */
  saveInbound(options: { message: SmsMessage }): Promise<{ created: boolean; message: SmsMessage }>;
  /** Inbound messages with this status, newest first. */
  listInbox(options: { status: InboxStatus; limit: number }): Promise<SmsMessage[]>;
  countInbox(options: { status: InboxStatus }): Promise<number>;
  /** Only a `new` inbound message becomes `handled`; the first call-taker to do it wins. */
  markHandled(options: {
    id: string;
    handledBy: string;
    handledAt: string;
    orderId: string | null;
  }): Promise<MarkHandledResult>;
  saveOutbound(options: { message: SmsMessage }): Promise<void>;
  /** A reply's fate: `sent` (with the gateway's id, when it gives one) or `failed` (with why). */
  updateOutbound(options: {
    id: string;
    status: Extract<SmsStatus, 'sent' | 'failed'>;
    at: string;
    externalId: string | null;
    error: string | null;
  }): Promise<SmsMessage | undefined>;
  getMessage(options: { id: string }): Promise<SmsMessage | undefined>;
  /** Both directions with one number: the latest `limit`, oldest first (reading order). */
  listConversation(options: { phone: string; limit: number }): Promise<SmsMessage[]>;
}
