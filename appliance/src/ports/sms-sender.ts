import type { SmsChannel } from '../domain/sms/sms-message';

/**
 * Sends one SMS to a citizen: through the switch (`api chat`) or a carrier's HTTP gateway. Rejects with an
 * Error whose message says why (it is stored with the failed reply and shown to the call-taker, so it must
 * never carry a credential).
 */
export interface SmsSender {
  readonly channel: SmsChannel;
  send(options: {
    /** Our id for the reply: a gateway can use it to drop a retried duplicate. */
    id: string;
    /** The citizen's mobile: E.164 and as dialled nationally (`13800138000`). */
    phone: { e164: string; national: string };
    /** Cleaned, at most MAX_SMS_TEXT_LENGTH characters. */
    text: string;
  }): Promise<{ externalId: string | null }>;
}
