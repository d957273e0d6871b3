import * as Y from 'yjs';
import type { RecordStore } from '../ports/record-store';
import { FrameCodec, type Frame } from '../protocol/frames';
import type { Peer, RecordPolicy, WriteDecision } from './record-policy';
import type { ClientAttachment, SyncClient } from './sync-client';
import type { SyncConnection, SyncServer } from './sync-server';

/** A peer of the tests: reads what its prefixes say; `home` scopes may write `log`. */
export type TestPeer = { id: string; prefixes: string[]; homeOf?: string[]; readOnly?: boolean };

export const hub: TestPeer = { id: 'hub-office', prefixes: ['order:', 'enterprise:'], homeOf: ['hub'] };
export const county = (code: string): TestPeer => ({
  id: `appliance-${code}`,
  prefixes: [`order:${code}:`, 'enterprise:hub:'],
  homeOf: [code],
});

/** `order:330106:0…0n`, a valid record id (the ULID part is digits only). */
export function recordIdOf(options: { n: number; kind?: string; scope?: string }): string {
  return `${options.kind ?? 'order'}:${options.scope ?? '330106'}:${String(options.n).padStart(26, '0')}`;
}

/**
 * The rules the records layer will enforce, reduced to what the relay tests need: read by prefix,
 * `readOnly` peers write nothing, only the record's home appends to `log`.
 */
export class TestPolicy implements RecordPolicy<TestPeer> {
  checked = 0;
  afterWrites: string[] = [];
  onAfterWrite: ((options: { recordId: string; peer: TestPeer }) => Promise<void>) | undefined;

  readablePrefixes(peer: TestPeer): readonly string[] {
    return peer.prefixes;
  }

  canRead(peer: TestPeer, recordId: string): boolean {
    return peer.prefixes.some((prefix) => recordId.startsWith(prefix));
  }

  checkWrite(options: {
    peer: TestPeer;
    recordId: string;
    current: Uint8Array | null;
    update: Uint8Array;
  }): WriteDecision {
    this.checked += 1;
    const { peer, recordId, current, update } = options;
    if (peer.readOnly) return { ok: false, code: 'forbidden', message: `${peer.id} may not write` };
    const before = docOf(current);
    const after = docOf(current);
    Y.applyUpdate(after, update);
    const grewLog = after.getArray('log').length !== before.getArray('log').length;
    before.destroy();
    after.destroy();
    const scope = recordId.split(':')[1] ?? '';
    if (grewLog && !(peer.homeOf ?? []).includes(scope)) {
      return { ok: false, code: 'not_home', message: `only the home of ${recordId} writes its log` };
    }
    return { ok: true };
  }

  async afterWrite(options: { recordId: string; peer: TestPeer }): Promise<void> {
    this.afterWrites.push(options.recordId);
    await this.onAfterWrite?.(options);
  }
}

function docOf(update: Uint8Array | null): Y.Doc {
  const doc = new Y.Doc();
  if (update) Y.applyUpdate(doc, update);
  return doc;
}

/** Changes a record in a store the way an app would (load, edit, append the update); returns the update. */
export async function editRecord(options: {
  store: RecordStore;
  recordId: string;
  change: (doc: Y.Doc) => void;
}): Promise<Uint8Array> {
  const current = await options.store.readRecord({ recordId: options.recordId });
  const doc = docOf(current?.update ?? null);
  let update: Uint8Array | null = null;
  doc.on('update', (u: Uint8Array) => {
    update = update ? Y.mergeUpdates([update, u]) : u;
  });
  options.change(doc);
  doc.destroy();
  if (update === null) throw new Error('the change changed nothing');
  await options.store.appendUpdate({ recordId: options.recordId, update });
  return update;
}

/** What a record holds, as JSON (for comparing replicas). */
export async function contentOf(options: { store: RecordStore; recordId: string }): Promise<unknown> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  if (!record) return null;
  const doc = docOf(record.update);
  const json = { fields: doc.getMap('fields').toJSON(), log: doc.getArray('log').toJSON() };
  doc.destroy();
  return json;
}

export function setField(key: string, value: unknown): (doc: Y.Doc) => void {
  return (doc) => doc.getMap('fields').set(key, value);
}

/** A connection between a SyncClient and a SyncServer in memory: ordered, asynchronous, can drop. */
export class MemoryLink<P extends Peer = TestPeer> {
  readonly serverSide: SyncConnection;
  readonly clientSide: ClientAttachment;
  closed: { by: 'server' | 'client' | 'network'; code: number; reason: string } | null = null;
  inFlight = 0;

  constructor(options: { server: SyncServer<P>; client: SyncClient; peer: P }) {
    this.serverSide = options.server.connect({
      peer: options.peer,
      send: (bytes) => this.#deliver(() => this.clientSide.receive(bytes.slice())),
      close: ({ code, reason }) => this.#drop({ by: 'server', code, reason }),
    });
    this.clientSide = options.client.attach({
      send: (bytes) => this.#deliver(() => this.serverSide.receive(bytes.slice())),
      close: ({ code, reason }) => this.#drop({ by: 'client', code, reason }),
    });
  }

  /** The network goes away under both ends. */
  disconnect(): void {
    this.#drop({ by: 'network', code: 1006, reason: 'network' });
  }

  #deliver(receive: () => Promise<void>): void {
    if (this.closed) return;
    this.inFlight += 1;
    setImmediate(() => {
      const run = this.closed ? Promise.resolve() : receive();
      void run.finally(() => {
        this.inFlight -= 1;
      });
    });
  }

  #drop(closed: NonNullable<MemoryLink<P>['closed']>): void {
    if (this.closed) return;
    this.closed = closed;
    this.serverSide.disconnected();
    this.clientSide.disconnected();
  }
}

/** Waits until nothing moves: no frame in flight on any link and the server idle, several times over. */
export async function quiesce<P extends Peer>(options: {
  server: SyncServer<P>;
  links: readonly MemoryLink<P>[];
}): Promise<void> {
  let quiet = 0;
  for (let round = 0; round < 10_000 && quiet < 3; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    await options.server.idle();
    quiet = options.links.every((link) => link.inFlight === 0) ? quiet + 1 : 0;
  }
  if (quiet < 3) throw new Error('the links never went quiet');
}

/** A hand-driven peer that speaks frames directly to a SyncServer, for protocol-level tests. */
export class RawPeer<P extends Peer = TestPeer> {
  readonly codec = new FrameCodec();
  readonly connection: SyncConnection;
  received: Frame[] = [];
  closed: { code: number; reason: string } | null = null;

  constructor(options: { server: SyncServer<P>; peer: P }) {
    this.connection = options.server.connect({
      peer: options.peer,
      send: (bytes) => this.received.push(this.codec.decode(bytes)),
      close: (closed) => {
        this.closed = closed;
        this.connection.disconnected();
      },
    });
  }

  send(frame: Frame): Promise<void> {
    return this.connection.receive(this.codec.encode(frame));
  }

  sendBytes(bytes: Uint8Array): Promise<void> {
    return this.connection.receive(bytes);
  }

  /** The frames received since the last take. */
  take(): Frame[] {
    const frames = this.received;
    this.received = [];
    return frames;
  }
}
