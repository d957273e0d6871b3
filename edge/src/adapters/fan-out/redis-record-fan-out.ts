import { createClient } from 'redis';
import { z } from 'zod';
import type { FannedChange, RecordFanOut } from '../../ports/record-fan-out';
import type { Logger } from '../../ports/logger';

const CHANNEL = 'jiazheng:records:v1';
/**
 * Past this the update is not carried: the message names the change and the other processes read the
 * record from the shared database instead (Redis would carry it, but every subscriber would hold it).
 */
export const MAX_CARRIED_UPDATE_BYTES = 256 * 1024;

/** The message on the channel: JSON, the update in base64, or null when it was too large to carry. */
const messageSchema = z.strictObject({
  recordId: z.string().min(1).max(120),
  update: z
    .string()
    .max(Math.ceil((MAX_CARRIED_UPDATE_BYTES * 4) / 3) + 4)
    .nullable(),
  seq: z.number().int().min(0),
  previousSeq: z.number().int().min(0).nullable(),
  from: z.string().min(1).max(120),
});

/**
 * Redis pub/sub between the hub processes on one PostgreSQL: each process announces what it stored and
 * relays what the others stored to its own peers. Pub/sub keeps nothing: a process that was away misses
 * announcements, which costs its peers nothing lasting, since every peer catches up by its change cursor
 * against the shared store on its next PULL or reconnection.
 */
export class RedisRecordFanOut implements RecordFanOut {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #readRecord: (recordId: string) => Promise<Uint8Array | null>;
  #publisher: ReturnType<typeof createClient> | null = null;
  #subscriber: ReturnType<typeof createClient> | null = null;
  #listener: (change: FannedChange) => void = () => {};

  constructor(options: {
    url: string;
    logger: Logger;
    /** The whole record from the shared store, for an announcement that did not carry its update. */
    readRecord: (recordId: string) => Promise<Uint8Array | null>;
  }) {
    this.#url = options.url;
    this.#logger = options.logger;
    this.#readRecord = options.readRecord;
  }

  onChange(listener: (change: FannedChange) => void): void {
    this.#listener = listener;
  }

  async start(): Promise<void> {
    const publisher = createClient({ url: this.#url });
    // node-redis reconnects by itself; an unhandled 'error' event would end the process instead.
    publisher.on('error', (error: unknown) => this.#logger.error('redis: publisher:', describe(error)));
    const subscriber = publisher.duplicate();
    subscriber.on('error', (error: unknown) => this.#logger.error('redis: subscriber:', describe(error)));
    await publisher.connect();
    try {
      await subscriber.connect();
      await subscriber.subscribe(CHANNEL, (message) => void this.#receive(message));
    } catch (error) {
      publisher.destroy();
      subscriber.destroy();
      throw error;
    }
    this.#publisher = publisher;
    this.#subscriber = subscriber;
  }

  async stop(): Promise<void> {
    const clients = [this.#subscriber, this.#publisher];
    this.#subscriber = null;
    this.#publisher = null;
    for (const client of clients) {
      if (client?.isOpen) await client.close();
    }
  }

  async announce(change: FannedChange): Promise<void> {
    const publisher = this.#publisher;
    if (!publisher) throw new Error('RedisRecordFanOut: not started');
    const carried = change.update.byteLength <= MAX_CARRIED_UPDATE_BYTES;
    await publisher.publish(
      CHANNEL,
      JSON.stringify({
        recordId: change.recordId,
        update: carried ? Buffer.from(change.update).toString('base64') : null,
        seq: change.seq,
        previousSeq: change.previousSeq,
        from: change.from,
      }),
    );
  }

  async #receive(message: string): Promise<void> {
    let parsed: z.infer<typeof messageSchema>;
    try {
      parsed = messageSchema.parse(JSON.parse(message));
    } catch (error) {
      // The channel is shared infrastructure: something else writing to it must not stop the relay.
      this.#logger.error(`redis: ignored a malformed message on ${CHANNEL}:`, describe(error));
      return;
    }
    try {
      const update =
        parsed.update === null
          ? await this.#readRecord(parsed.recordId)
          : new Uint8Array(Buffer.from(parsed.update, 'base64'));
      if (update === null) return;
      this.#listener({ ...parsed, update });
    } catch (error) {
      this.#logger.error(`redis: could not relay ${parsed.recordId}:`, describe(error));
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
