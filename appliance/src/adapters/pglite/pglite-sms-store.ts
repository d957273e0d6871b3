import { and, count, desc, eq } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { InboxStatus, SmsMessage } from '../../domain/sms/sms-message';
import type { MarkHandledResult, SmsStore } from '../../ports/sms-store';
import { smsMessages } from './call-schema';

type SmsRow = typeof smsMessages.$inferSelect;

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
const msOrNull = (text: string | null): number | null => (text === null ? null : Date.parse(text));

/** The SMS inbox on the appliance's PGlite; the table is created with the call store's (call-schema.ts). */
export class PgliteSmsStore implements SmsStore {
  readonly #db: PgliteDatabase;

  constructor(options: { db: PgliteDatabase }) {
    this.#db = options.db;
  }

  async saveInbound(options: { message: SmsMessage }): Promise<{ created: boolean; message: SmsMessage }> {
    const [inserted] = await this.#db
      .insert(smsMessages)
      .values(toRow(options.message))
      .onConflictDoNothing({ target: smsMessages.externalId })
      .returning();
    if (inserted !== undefined) return { created: true, message: toMessage(inserted) };
    const externalId = options.message.externalId;
    const [existing] =
      externalId === null
        ? []
        : await this.#db.select().from(smsMessages).where(eq(smsMessages.externalId, externalId)).limit(1);
    // Only a null external id can conflict on nothing but the primary key, and ids are fresh ULIDs.
    if (existing === undefined) throw new Error(`sms: ${options.message.id} was neither stored nor found`);
    return { created: false, message: toMessage(existing) };
  }

  async listInbox(options: { status: InboxStatus; limit: number }): Promise<SmsMessage[]> {
    const rows = await this.#db
      .select()
      .from(smsMessages)
      .where(and(eq(smsMessages.direction, 'inbound'), eq(smsMessages.status, options.status)))
      .orderBy(desc(smsMessages.at), desc(smsMessages.id))
      .limit(options.limit);
    return rows.map(toMessage);
  }

  async countInbox(options: { status: InboxStatus }): Promise<number> {
    const [row] = await this.#db
      .select({ n: count() })
      .from(smsMessages)
      .where(and(eq(smsMessages.direction, 'inbound'), eq(smsMessages.status, options.status)));
    return row?.n ?? 0;
  }

  async markHandled(options: {
    id: string;
    handledBy: string;
    handledAt: string;
    orderId: string | null;
  }): Promise<MarkHandledResult> {
    const [updated] = await this.#db
      .update(smsMessages)
      .set({
        status: 'handled',
        handledBy: options.handledBy,
        handledAt: Date.parse(options.handledAt),
        orderId: options.orderId,
      })
      .where(
        and(
          eq(smsMessages.id, options.id),
          eq(smsMessages.direction, 'inbound'),
          eq(smsMessages.status, 'new'),
        ),
      )
      .returning();
    if (updated !== undefined) return { result: 'handled', message: toMessage(updated) };
    const existing = await this.getMessage({ id: options.id });
    return existing === undefined || existing.direction !== 'inbound'
      ? { result: 'not_found' }
      : { result: 'already_handled', message: existing };
  }

  async saveOutbound(options: { message: SmsMessage }): Promise<void> {
    await this.#db.insert(smsMessages).values(toRow(options.message));
  }

  async updateOutbound(options: {
    id: string;
    status: 'sent' | 'failed';
    at: string;
    externalId: string | null;
    error: string | null;
  }): Promise<SmsMessage | undefined> {
    const [updated] = await this.#db
      .update(smsMessages)
      .set({
        status: options.status,
        handledAt: Date.parse(options.at),
        externalId: options.externalId,
        error: options.error,
      })
      .where(and(eq(smsMessages.id, options.id), eq(smsMessages.direction, 'outbound')))
      .returning();
    return updated === undefined ? undefined : toMessage(updated);
  }

  async getMessage(options: { id: string }): Promise<SmsMessage | undefined> {
    const [row] = await this.#db.select().from(smsMessages).where(eq(smsMessages.id, options.id)).limit(1);
    return row === undefined ? undefined : toMessage(row);
  }

  async listConversation(options: { phone: string; limit: number }): Promise<SmsMessage[]> {
    const rows = await this.#db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.phone, options.phone))
      .orderBy(desc(smsMessages.at), desc(smsMessages.id))
      .limit(options.limit);
    return rows.map(toMessage).reverse();
  }
}

function toRow(message: SmsMessage): typeof smsMessages.$inferInsert {
  return {
    ...message,
    at: Date.parse(message.at),
    handledAt: msOrNull(message.handledAt),
  };
}

function toMessage(row: SmsRow): SmsMessage {
  return {
    id: row.id,
    direction: row.direction as SmsMessage['direction'],
    phone: row.phone,
    phoneRaw: row.phoneRaw,
    body: row.body,
    channel: row.channel as SmsMessage['channel'],
    at: iso(row.at),
    status: row.status as SmsMessage['status'],
    orderId: row.orderId,
    externalId: row.externalId,
    handledBy: row.handledBy,
    handledAt: isoOrNull(row.handledAt),
    error: row.error,
  };
}
