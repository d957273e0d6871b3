import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { recordIdSchema } from '../domain/ids';
import { frameLimits } from '../protocol/frames';
import type { Peer } from './record-policy';
import { silentLogger, type SyncLogger } from './sync-logger';
import {
  CloseCode,
  type BroadcastEvent,
  type SyncConnection,
  type SyncServer,
  type Transport,
} from './sync-server';
import { emptyUpdate } from './update-bytes';

/** The y-websocket message types (the first varuint of every message). */
export const YjsMessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;
/** y-protocols/sync message types (the second varuint of a sync message). */
export const YjsSyncType = { step1: 0, step2: 1, update: 2 } as const;

type RoomClient<P extends Peer> = {
  peer: P;
  transport: Transport;
  queue: Promise<void>;
  closed: boolean;
  /** Awareness client ids this connection announced: removed for everyone when it leaves. */
  awarenessIds: Set<number>;
};

type Room<P extends Peer> = {
  recordId: string;
  clients: Set<RoomClient<P>>;
  awareness: awarenessProtocol.Awareness;
};

/**
 * The y-websocket interop: the standard y-websocket protocol for one record per connection (the room
 * name is the record id), so the stock `WebsocketProvider` can open any record. Backed by the same
 * SyncServer as the bulk protocol: reads come from its store, writes go through `SyncServer.write` (same
 * policy, same broadcast), and every change stored by either protocol reaches the room's clients.
 *
 * A room holds no Y.Doc of the record: step 1/2 are answered from the stored bytes, which are what the
 * policy checked. It holds an Awareness (cursors, who is here), which needs a small empty Y.Doc, while
 * at least one client is connected.
 *
 * A refused write closes the connection with 4403 (the stock client does not reconnect after 4400–4499):
 * its document now holds a change the relay will never accept, and every later update would build on it.
 */
export class YjsRooms<P extends Peer = Peer> {
  readonly #server: SyncServer<P>;
  readonly #logger: SyncLogger;
  readonly #rooms = new Map<string, Room<P>>();
  #unsubscribe: (() => void) | null = null;

  constructor(options: { server: SyncServer<P>; logger?: SyncLogger }) {
    this.#server = options.server;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Starts relaying stored changes into open rooms. */
  start(): void {
    this.#unsubscribe ??= this.#server.subscribe((event) => this.#onStored(event));
  }

  /** Closes every room connection (1001) and stops relaying. */
  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    for (const room of [...this.#rooms.values()]) {
      for (const client of [...room.clients]) {
        this.#close(client, { code: CloseCode.goingAway, reason: 'relay stopping' });
        this.#leave(room, client);
      }
    }
  }

  /** Number of open rooms (records with at least one client). */
  get size(): number {
    return this.#rooms.size;
  }

  connect(options: {
    peer: P;
    recordId: string;
    send: Transport['send'];
    close: Transport['close'];
  }): SyncConnection {
    const { peer, recordId } = options;
    const client: RoomClient<P> = {
      peer,
      transport: { send: options.send, close: options.close },
      queue: Promise.resolve(),
      closed: false,
      awarenessIds: new Set(),
    };
    const inert: SyncConnection = { receive: () => Promise.resolve(), disconnected: () => {} };
    if (!recordIdSchema.safeParse(recordId).success) {
      this.#close(client, { code: CloseCode.invalidRecord, reason: 'not a record id' });
      return inert;
    }
    const refuse = () => {
      this.#logger.info(`sync: ${peer.id} may not open ${recordId}`);
      this.#close(client, { code: CloseCode.forbidden, reason: 'forbidden' });
    };
    const access = this.#server.readAccess({ peer, recordId });
    if (access === false) {
      refuse();
      return inert;
    }
    let room: Room<P> | null = null;
    // A record read by content (an inspection) is judged from the store first; messages queue behind.
    void this.#enqueue(client, async () => {
      if (access === 'content' && !(await this.#server.canRead({ peer, recordId }))) {
        refuse();
        return;
      }
      this.start();
      const joined = this.#join(recordId, client);
      room = joined;
      await this.#greet(joined, client);
    });
    return {
      receive: (bytes) =>
        this.#enqueue(client, () => (room ? this.#handle(room, client, bytes) : Promise.resolve())),
      disconnected: () => {
        client.closed = true;
        if (room) this.#leave(room, client);
      },
    };
  }

  #join(recordId: string, client: RoomClient<P>): Room<P> {
    let room = this.#rooms.get(recordId);
    if (!room) {
      const awareness = new awarenessProtocol.Awareness(new Y.Doc());
      // The relay is not a participant: without this it would announce an empty state every 15 s.
      awareness.setLocalState(null);
      const created: Room<P> = { recordId, clients: new Set(), awareness };
      awareness.on(
        'update',
        (change: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
          const owner = created.clients.has(origin as RoomClient<P>) ? (origin as RoomClient<P>) : undefined;
          if (owner) {
            for (const id of change.added) owner.awarenessIds.add(id);
            for (const id of change.removed) owner.awarenessIds.delete(id);
          }
          const changed = [...change.added, ...change.updated, ...change.removed];
          const message = awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, changed));
          for (const other of created.clients) this.#send(other, message);
        },
      );
      this.#rooms.set(recordId, created);
      room = created;
    }
    room.clients.add(client);
    return room;
  }

  #leave(room: Room<P>, client: RoomClient<P>): void {
    if (!room.clients.delete(client)) return;
    if (client.awarenessIds.size > 0) {
      awarenessProtocol.removeAwarenessStates(room.awareness, [...client.awarenessIds], null);
    }
    if (room.clients.size === 0) {
      room.awareness.destroy();
      room.awareness.doc.destroy();
      this.#rooms.delete(room.recordId);
    }
  }

  /** What the y-websocket server sends a new connection: its step 1, then who else is here. */
  async #greet(room: Room<P>, client: RoomClient<P>): Promise<void> {
    const record = await this.#server.readRecord({ recordId: room.recordId });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YjsMessageType.sync);
    encoding.writeVarUint(encoder, YjsSyncType.step1);
    encoding.writeVarUint8Array(encoder, record?.stateVector ?? Y.encodeStateVectorFromUpdate(emptyUpdate));
    this.#send(client, encoding.toUint8Array(encoder));
    const states = room.awareness.getStates();
    if (states.size > 0) {
      this.#send(
        client,
        awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()])),
      );
    }
  }

  async #handle(room: Room<P>, client: RoomClient<P>, bytes: Uint8Array): Promise<void> {
    if (bytes.length > frameLimits.maxFrameBytes) {
      this.#close(client, { code: CloseCode.tooLarge, reason: 'message too large' });
      return;
    }
    let message: { type: 'step1'; stateVector: Uint8Array } | { type: 'write'; update: Uint8Array } | null;
    try {
      message = this.#parse(room, client, bytes);
    } catch (error) {
      this.#logger.info(`sync: bad y-websocket message from ${client.peer.id} in ${room.recordId}`, error);
      this.#close(client, { code: CloseCode.protocolError, reason: 'malformed message' });
      return;
    }
    if (message === null) return;
    if (message.type === 'step1') {
      const record = await this.#server.readRecord({ recordId: room.recordId });
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, YjsMessageType.sync);
      encoding.writeVarUint(encoder, YjsSyncType.step2);
      encoding.writeVarUint8Array(
        encoder,
        record ? Y.diffUpdate(record.update, message.stateVector) : emptyUpdate,
      );
      this.#send(client, encoding.toUint8Array(encoder));
      return;
    }
    const outcome = await this.#server.write({
      peer: client.peer,
      recordId: room.recordId,
      update: message.update,
      origin: client,
    });
    if (!outcome.ok) {
      this.#logger.info(
        `sync: closing ${client.peer.id} in ${room.recordId}: ${outcome.code}: ${outcome.message}`,
      );
      this.#close(client, { code: CloseCode.forbidden, reason: outcome.code.slice(0, 100) });
    }
  }

  /** Reads one y-websocket message; handles awareness on the spot. Throws on malformed bytes. */
  #parse(
    room: Room<P>,
    client: RoomClient<P>,
    bytes: Uint8Array,
  ): { type: 'step1'; stateVector: Uint8Array } | { type: 'write'; update: Uint8Array } | null {
    const decoder = decoding.createDecoder(bytes);
    const messageType = decoding.readVarUint(decoder);
    switch (messageType) {
      case YjsMessageType.sync: {
        const syncType = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder).slice();
        if (syncType === YjsSyncType.step1) return { type: 'step1', stateVector: payload };
        if (syncType === YjsSyncType.step2 || syncType === YjsSyncType.update)
          return { type: 'write', update: payload };
        throw new Error(`unknown sync message type ${syncType}`);
      }
      case YjsMessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(room.awareness, decoding.readVarUint8Array(decoder), client);
        return null;
      case YjsMessageType.queryAwareness: {
        const states = [...room.awareness.getStates().keys()];
        this.#send(client, awarenessMessage(awarenessProtocol.encodeAwarenessUpdate(room.awareness, states)));
        return null;
      }
      case YjsMessageType.auth:
        return null; // clients do not send auth messages; the token was checked on upgrade
      default:
        throw new Error(`unknown message type ${messageType}`);
    }
  }

  #onStored(event: BroadcastEvent): void {
    const room = this.#rooms.get(event.recordId);
    if (!room) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, YjsMessageType.sync);
    encoding.writeVarUint(encoder, YjsSyncType.update);
    encoding.writeVarUint8Array(encoder, event.update);
    const message = encoding.toUint8Array(encoder);
    for (const client of room.clients) {
      if (client === event.origin || client.closed) continue;
      if (!this.#server.readsAfter({ peer: client.peer, event })) {
        // No longer a reader (an inspection reassigned away): the room is closed for good, as the
        // relay would refuse its next write and every step 1 anyway.
        this.#close(client, { code: CloseCode.forbidden, reason: 'forbidden' });
        this.#leave(room, client);
        continue;
      }
      this.#send(client, message);
    }
  }

  #enqueue(client: RoomClient<P>, task: () => Promise<void>): Promise<void> {
    client.queue = client.queue
      .then(async () => {
        if (!client.closed) await task();
      })
      .catch((error: unknown) => {
        this.#logger.error(`sync: room connection of ${client.peer.id} failed`, error);
        this.#close(client, { code: CloseCode.internalError, reason: 'internal error' });
      });
    return client.queue;
  }

  #send(client: RoomClient<P>, bytes: Uint8Array): void {
    if (client.closed) return;
    try {
      client.transport.send(bytes);
    } catch (error) {
      this.#logger.error(`sync: send to ${client.peer.id} failed`, error);
    }
  }

  #close(client: RoomClient<P>, options: { code: number; reason: string }): void {
    if (client.closed) return;
    client.closed = true;
    try {
      client.transport.close(options);
    } catch (error) {
      this.#logger.error(`sync: closing ${client.peer.id} failed`, error);
    }
  }
}

function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, YjsMessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
