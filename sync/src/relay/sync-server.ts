import * as Y from 'yjs';
import { recordIdSchema } from '../domain/ids';
import type { RecordStore, StoredRecord } from '../ports/record-store';
import { FrameCodec, PROTOCOL_VERSION, frameLimits, truncateMessage, type Frame } from '../protocol/frames';
import { ProtocolError, ProtocolErrorCode } from '../protocol/protocol-error';
import { FrameStats, type FrameStatsSnapshot } from './frame-stats';
import { KeyedQueue } from './keyed-queue';
import type { Peer, ReadAccess, RecordPolicy } from './record-policy';
import { silentLogger, type SyncLogger } from './sync-logger';
import {
  addsPendingStructsTo,
  analyseUpdate,
  emptyStateVector,
  emptyUpdate,
  inspectUpdate,
  isContainedInRecord,
} from './update-bytes';

/** Records per CHANGES frame the relay sends (the frame allows 1,000). */
export const changesBatchSize = 500;

/** Codes of ERROR frames the relay sends itself; a refused write carries the policy's code instead. */
export const SyncErrorCode = {
  ...ProtocolErrorCode,
  helloFirst: 'hello_first',
  unexpectedFrame: 'unexpected_frame',
  forbidden: 'forbidden',
  invalidRecordId: 'invalid_record_id',
  invalidUpdate: 'invalid_update',
  missingDependencies: 'missing_dependencies',
  internal: 'internal',
} as const;
export type SyncErrorCode = (typeof SyncErrorCode)[keyof typeof SyncErrorCode];

/** WebSocket close codes the relay uses (4403 is permanent for y-websocket clients: 4400–4499). */
export const CloseCode = {
  goingAway: 1001,
  protocolError: 1002,
  tooLarge: 1009,
  internalError: 1011,
  invalidRecord: 4400,
  forbidden: 4403,
} as const;

/** How the relay talks to one connected peer, whatever carries the bytes. */
export type Transport = {
  send(bytes: Uint8Array): void;
  close(options: { code: number; reason: string }): void;
};

export type SyncConnection = {
  /** One frame (one WebSocket message). Never rejects; frames are handled one at a time, in order. */
  receive(bytes: Uint8Array): Promise<void>;
  /** The transport is gone. */
  disconnected(): void;
};

/** A change the relay stored, for everyone who holds the record live (bulk connections, y-websocket rooms). */
export type BroadcastEvent = {
  recordId: string;
  update: Uint8Array;
  origin: object | null;
  /** The record's seq after the change, and before it (null for a new record). */
  seq: number;
  previousSeq: number | null;
  /**
   * For records read by content (RecordPolicy.contentReads): what the policy derived from the record
   * before and after the change, and the whole record after it, for a peer the change made a reader.
   */
  contentFacts?: { before: unknown; after: unknown; record: Uint8Array };
};

export type WriteOutcome =
  | { ok: true; seq: number; changed: boolean }
  /** `state` is what the writer must replace its copy with: the record as stored, or empty. */
  | { ok: false; code: string; message: string; state: Uint8Array };

type ConnectionState<P extends Peer> = {
  peer: P;
  transport: Transport;
  codec: FrameCodec;
  phase: 'hello' | 'open' | 'closed';
  queue: Promise<void>;
  /** Everything up to this server seq was delivered to the peer (its last HELLO/PULL cursor). */
  deliveredCursor: number;
  /**
   * The seq at which the peer is known to hold each record it touched in this connection (it got a
   * step 2 of it, or wrote or received a change on top of a version it held): CHANGES skips those.
   */
  held: Map<string, number>;
};

/** The `origin` of changes another relay process stored (see SyncServer.relay). */
export const RELAYED_ORIGIN: object = Object.freeze({ relayed: true });

const maxHeld = 10_000;
/** Records whose read facts are cached; past it the cache starts over (facts are re-derived on demand). */
const maxCachedFacts = 10_000;

type StoredOutcome = WriteOutcome & {
  previousSeq: number | null;
  contentFacts?: BroadcastEvent['contentFacts'];
};

/**
 * The relay: speaks the bulk protocol (frames.ts) with any number of peers over any transport, stores
 * through the RecordStore port, and asks the RecordPolicy who may read and write what. Records stay
 * bytes (Y.diffUpdate, Y.mergeUpdates); nothing here holds a Y.Doc.
 */
export class SyncServer<P extends Peer = Peer> {
  readonly serverId: string;
  readonly #store: RecordStore;
  readonly #policy: RecordPolicy<P>;
  readonly #logger: SyncLogger;
  readonly #stats = new FrameStats();
  readonly #connections = new Set<ConnectionState<P>>();
  readonly #listeners = new Set<(event: BroadcastEvent) => void>();
  /** One read-check-append at a time per record. */
  readonly #writes = new KeyedQueue();
  /** afterWrite hooks, one at a time per record, off the writers' connections. */
  readonly #afterWrites = new KeyedQueue();
  /** What the policy's contentReads derived from each record read by content, and at which seq. */
  readonly #facts = new Map<string, { seq: number; facts: unknown }>();
  #stopped = false;

  constructor(options: {
    store: RecordStore;
    policy: RecordPolicy<P>;
    serverId: string;
    logger?: SyncLogger;
  }) {
    this.#store = options.store;
    this.#policy = options.policy;
    this.serverId = options.serverId;
    this.#logger = options.logger ?? silentLogger;
  }

  /** A new peer on some transport. The first frame it sends must be HELLO. */
  connect(options: { peer: P; send: Transport['send']; close: Transport['close'] }): SyncConnection {
    const state: ConnectionState<P> = {
      peer: options.peer,
      transport: { send: options.send, close: options.close },
      codec: new FrameCodec(),
      phase: 'hello',
      queue: Promise.resolve(),
      deliveredCursor: 0,
      held: new Map(),
    };
    if (this.#stopped) {
      options.close({ code: CloseCode.goingAway, reason: 'relay stopping' });
      state.phase = 'closed';
    } else {
      this.#connections.add(state);
    }
    return {
      receive: (bytes) => {
        if (state.phase === 'closed') return Promise.resolve();
        const run = state.queue.then(() => this.#handle(state, bytes));
        state.queue = run.catch((error: unknown) => {
          this.#logger.error(`sync: connection of ${state.peer.id} failed`, error);
          this.#sendError(state, { code: SyncErrorCode.internal, message: 'internal error' });
          this.#close(state, { code: CloseCode.internalError, reason: 'internal error' });
        });
        return state.queue;
      },
      disconnected: () => {
        state.phase = 'closed';
        this.#connections.delete(state);
      },
    };
  }

  /** Whether the peer may read the record as stored now (its id must be a valid record id). */
  async canRead(options: { peer: P; recordId: string }): Promise<boolean> {
    const access = this.readAccess(options);
    if (access !== 'content') return access;
    const record = await this.#store.readRecord({ recordId: options.recordId });
    return this.#readsContent(options.peer, options.recordId, this.#factsOf(options.recordId, record));
  }

  /** Whether the peer may read the record by its id alone; `'content'` if that depends on the record. */
  readAccess(options: { peer: P; recordId: string }): ReadAccess {
    return (
      recordIdSchema.safeParse(options.recordId).success &&
      this.#policy.canRead(options.peer, options.recordId)
    );
  }

  /** Whether the peer reads the record as a stored change (a broadcast event) left it. */
  readsAfter(options: { peer: P; event: BroadcastEvent }): boolean {
    const { peer, event } = options;
    const access = this.#policy.canRead(peer, event.recordId);
    if (access !== 'content') return access;
    return (
      event.contentFacts !== undefined && this.#readsContent(peer, event.recordId, event.contentFacts.after)
    );
  }

  /** The record as stored (for y-websocket rooms), or null. */
  async readRecord(options: {
    recordId: string;
  }): Promise<{ update: Uint8Array; stateVector: Uint8Array } | null> {
    const record = await this.#store.readRecord({ recordId: options.recordId });
    return record === null ? null : { update: record.update, stateVector: record.stateVector };
  }

  /**
   * A peer's write, from any protocol: checked (record id, read right, a decodable update that leaves no
   * structs waiting for missing predecessors, then the policy), stored, broadcast to everyone else who
   * reads the record (not to `origin`), then afterWrite. `onStored` runs between storing and broadcasting.
   */
  async write(options: {
    peer: P;
    recordId: string;
    update: Uint8Array;
    origin: object | null;
    onStored?: (outcome: { seq: number; changed: boolean; previousSeq: number | null }) => void;
  }): Promise<WriteOutcome> {
    const { peer, recordId, update, origin } = options;
    if (!recordIdSchema.safeParse(recordId).success) {
      return {
        ok: false,
        code: SyncErrorCode.invalidRecordId,
        message: `not a record id`,
        state: emptyUpdate,
      };
    }
    const access = this.#policy.canRead(peer, recordId);
    if (access === false) {
      // No state in the reset: the peer may not see the record.
      return {
        ok: false,
        code: SyncErrorCode.forbidden,
        message: `no access to ${recordId}`,
        state: emptyUpdate,
      };
    }
    const stored = await this.#writes.run({
      key: recordId,
      task: async (): Promise<StoredOutcome> => {
        const current = await this.#store.readRecord({ recordId });
        const previousSeq = current?.seq ?? null;
        // Judged on the record before this write: an inspector unassigned by the home writes no more.
        if (access === 'content' && !this.#readsContent(peer, recordId, this.#factsOf(recordId, current))) {
          return {
            ok: false,
            code: SyncErrorCode.forbidden,
            message: `no access to ${recordId}`,
            state: emptyUpdate,
            previousSeq,
          };
        }
        const refuse = (code: string, message: string): StoredOutcome => ({
          ok: false,
          code,
          message,
          state: current?.update ?? emptyUpdate,
          previousSeq,
        });
        let shape: ReturnType<typeof analyseUpdate>;
        try {
          shape = analyseUpdate(update);
          if (shape.hasStructs && addsPendingStructsTo({ current, update, ranges: shape.ranges })) {
            return refuse(
              SyncErrorCode.missingDependencies,
              'the update builds on changes the relay does not have',
            );
          }
        } catch (error) {
          return refuse(SyncErrorCode.invalidUpdate, `not a Yjs update: ${describe(error)}`);
        }
        // An update that changes nothing (a y-websocket client's empty step 2, a replica re-sending what the
        // relay has) is no write: no policy, no store. Policies then only judge real changes.
        const unchanged =
          (!shape.hasStructs && !shape.hasDeletes) ||
          (current !== null &&
            isContainedInRecord({
              update,
              ranges: shape.ranges,
              current: current.update,
              currentStateVector: current.stateVector,
            }));
        if (unchanged) return { ok: true, seq: current?.seq ?? 0, changed: false, previousSeq };
        let decision: Awaited<ReturnType<RecordPolicy<P>['checkWrite']>>;
        try {
          decision = await this.#policy.checkWrite({
            peer,
            recordId,
            current: current?.update ?? null,
            update,
          });
        } catch (error) {
          this.#logger.error(`sync: checkWrite of ${recordId} threw`, error);
          return refuse(SyncErrorCode.internal, 'the write could not be checked');
        }
        if (!decision.ok) return refuse(decision.code, decision.message);
        const { seq, changed } = await this.#store.appendUpdate({ recordId, update });
        const contentFacts = changed ? await this.#contentChange(recordId, current) : undefined;
        return { ok: true, seq, changed, previousSeq, ...(contentFacts && { contentFacts }) };
      },
    });
    if (!stored.ok) {
      this.#logger.info(
        `sync: refused a write to ${recordId} by ${peer.id}: ${stored.code}: ${stored.message}`,
      );
      return { ok: false, code: stored.code, message: stored.message, state: stored.state };
    }
    options.onStored?.({ seq: stored.seq, changed: stored.changed, previousSeq: stored.previousSeq });
    if (stored.changed) {
      this.#broadcast({
        recordId,
        update,
        origin,
        seq: stored.seq,
        previousSeq: stored.previousSeq,
        ...(stored.contentFacts && { contentFacts: stored.contentFacts }),
      });
      this.#scheduleAfterWrite({ recordId, peer });
    }
    return { ok: true, seq: stored.seq, changed: stored.changed };
  }

  /**
   * Stores and broadcasts an update this process made itself (the home sequencer's log entries). No
   * policy check and no afterWrite. Throws if the update is not a Yjs update.
   */
  async publish(options: {
    recordId: string;
    update: Uint8Array;
  }): Promise<{ seq: number; changed: boolean }> {
    const { recordId, update } = options;
    if (!recordIdSchema.safeParse(recordId).success)
      throw new Error(`publish: ${recordId} is not a record id`);
    const shape = update.length === 0 ? { hasStructs: false, hasDeletes: false } : inspectUpdate(update);
    const result = await this.#writes.run({
      key: recordId,
      task: async () => {
        const current = await this.#store.readRecord({ recordId });
        const previousSeq = current?.seq ?? null;
        if (!shape.hasStructs && !shape.hasDeletes)
          return { seq: previousSeq ?? 0, changed: false, previousSeq, contentFacts: undefined };
        const appended = await this.#store.appendUpdate({ recordId, update });
        const contentFacts = appended.changed ? await this.#contentChange(recordId, current) : undefined;
        return { ...appended, previousSeq, contentFacts };
      },
    });
    if (result.changed) {
      this.#broadcast({
        recordId,
        update,
        origin: null,
        seq: result.seq,
        previousSeq: result.previousSeq,
        ...(result.contentFacts && { contentFacts: result.contentFacts }),
      });
    }
    return { seq: result.seq, changed: result.changed };
  }

  /**
   * Sends a change that another relay process stored in the same store (a hub of several processes on one
   * PostgreSQL, fanned out to this one) to the peers here that read its record. Nothing is stored and no
   * afterWrite runs: the process that stored it did both. Listeners hear it with `origin` RELAYED_ORIGIN,
   * so a fan-out does not send it back out. A record read by content is re-read: a peer the change made a
   * reader gets the whole record, as with a change stored here.
   */
  async relay(options: {
    recordId: string;
    update: Uint8Array;
    seq: number;
    previousSeq: number | null;
  }): Promise<void> {
    const { recordId, update, seq, previousSeq } = options;
    if (!recordIdSchema.safeParse(recordId).success) throw new Error(`relay: ${recordId} is not a record id`);
    let contentFacts: BroadcastEvent['contentFacts'];
    const reads = this.#policy.contentReads;
    if (reads?.applies(recordId)) {
      const cached = this.#facts.get(recordId);
      // Facts before the change are known only if this process saw the version it was made on; otherwise
      // every current reader is treated as new, which costs bytes but never withholds or leaks.
      const before =
        cached && cached.seq === previousSeq ? cached.facts : reads.facts({ recordId, update: null });
      const after = await this.#store.readRecord({ recordId });
      contentFacts = { before, after: this.#factsOf(recordId, after), record: after?.update ?? emptyUpdate };
    }
    this.#broadcast({
      recordId,
      update,
      origin: RELAYED_ORIGIN,
      seq,
      previousSeq,
      ...(contentFacts && { contentFacts }),
    });
  }

  /** Listens to every stored change (y-websocket rooms do). Returns the unsubscribe function. */
  subscribe(listener: (event: BroadcastEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Frames and bytes per type over all connections since start. */
  stats(): FrameStatsSnapshot {
    return this.#stats.snapshot();
  }

  /** Resolves when every frame received so far is handled and every afterWrite has run. */
  async idle(): Promise<void> {
    for (;;) {
      const queues = [...this.#connections].map((c) => c.queue);
      await Promise.all(queues);
      await this.#writes.idle();
      await this.#afterWrites.idle();
      const now = [...this.#connections].map((c) => c.queue);
      if (now.length === queues.length && now.every((queue, i) => queue === queues[i])) return;
    }
  }

  /** Closes every connection (1001) and refuses new ones; resolves when pending work is done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const state of this.#connections)
      this.#close(state, { code: CloseCode.goingAway, reason: 'relay stopping' });
    this.#connections.clear();
    await this.#writes.idle();
    await this.#afterWrites.idle();
  }

  // ---- the bulk protocol ----------------------------------------------------------------------------

  async #handle(state: ConnectionState<P>, bytes: Uint8Array): Promise<void> {
    if (state.phase === 'closed') return;
    let frame: Frame;
    try {
      frame = state.codec.decode(bytes);
    } catch (error) {
      const problem =
        error instanceof ProtocolError
          ? error
          : new ProtocolError({ code: 'malformed', message: describe(error) });
      this.#stats.record({ direction: 'received', type: 'invalid', bytes: bytes.length });
      this.#logger.info(`sync: bad frame from ${state.peer.id}: ${problem.code}: ${problem.message}`);
      this.#sendError(state, { code: problem.code, message: problem.message });
      if (problem.code === ProtocolErrorCode.tooLarge) {
        this.#close(state, { code: CloseCode.tooLarge, reason: 'frame too large' });
      } else if (problem.code === ProtocolErrorCode.unsupportedVersion || state.phase === 'hello') {
        this.#close(state, { code: CloseCode.protocolError, reason: problem.code });
      }
      return;
    }
    this.#stats.record({ direction: 'received', type: frame.type, bytes: bytes.length });
    if (state.phase === 'hello') {
      if (frame.type !== 'hello') {
        this.#sendError(state, {
          code: SyncErrorCode.helloFirst,
          message: `expected HELLO, got ${frame.type}`,
        });
        this.#close(state, { code: CloseCode.protocolError, reason: SyncErrorCode.helloFirst });
        return;
      }
      await this.#hello(state, frame.cursor);
      return;
    }
    switch (frame.type) {
      case 'pull':
        await this.#sendChanges(state, frame.cursor);
        return;
      case 'syncStep1':
        await this.#answerStep1(state, frame.recordId, frame.stateVector);
        return;
      case 'syncStep2':
      case 'update':
        await this.#acceptWrite(state, frame.recordId, frame.update);
        return;
      case 'error':
        this.#logger.info(`sync: ${state.peer.id} reports ${frame.code}: ${frame.message}`);
        return;
      default:
        this.#sendError(state, {
          code: SyncErrorCode.unexpectedFrame,
          message: `a client does not send ${frame.type}`,
        });
    }
  }

  async #hello(state: ConnectionState<P>, cursor: number): Promise<void> {
    const seq = await this.#store.currentSeq();
    state.phase = 'open';
    this.#send(state, { type: 'welcome', version: PROTOCOL_VERSION, serverId: this.serverId, seq });
    // A cursor from the future means this relay's store was replaced (restored, rebuilt): start over.
    await this.#sendChanges(state, cursor > seq ? 0 : cursor);
  }

  async #sendChanges(state: ConnectionState<P>, after: number): Promise<void> {
    state.deliveredCursor = after;
    const prefixes = this.#policy.readablePrefixes(state.peer);
    const changes =
      prefixes.length === 0
        ? []
        : await this.#store.listChanges({ after, limit: changesBatchSize, prefixes });
    const entries: Array<{ recordId: string; stateVector: Uint8Array }> = [];
    for (const change of changes) {
      const { recordId } = change;
      if (state.held.get(recordId) === change.seq) continue; // it has this version already
      const access = this.readAccess({ peer: state.peer, recordId });
      if (access === false) continue;
      const record = await this.#store.readRecord({ recordId });
      if (!record) continue;
      // Listed by prefix, then judged by content (a prefix cannot say "assigned to me"). A record that
      // becomes readable later changes then (the reassignment is its change), so it is listed again.
      if (access === 'content' && !this.#readsContent(state.peer, recordId, this.#factsOf(recordId, record)))
        continue;
      entries.push({ recordId, stateVector: record.stateVector });
    }
    this.#send(state, {
      type: 'changes',
      entries,
      nextCursor: changes.at(-1)?.seq ?? after,
      done: changes.length < changesBatchSize,
    });
  }

  async #answerStep1(state: ConnectionState<P>, recordId: string, stateVector: Uint8Array): Promise<void> {
    if (!recordIdSchema.safeParse(recordId).success) {
      this.#sendError(state, { code: SyncErrorCode.invalidRecordId, message: 'not a record id', recordId });
      return;
    }
    const access = this.#policy.canRead(state.peer, recordId);
    const record = access === false ? null : await this.#store.readRecord({ recordId });
    if (
      access === false ||
      (access === 'content' && !this.#readsContent(state.peer, recordId, this.#factsOf(recordId, record)))
    ) {
      this.#sendError(state, {
        code: SyncErrorCode.forbidden,
        message: `no access to ${recordId}`,
        recordId,
      });
      return;
    }
    let update: Uint8Array;
    try {
      update = record ? Y.diffUpdate(record.update, stateVector) : emptyUpdate;
    } catch (error) {
      this.#sendError(state, {
        code: SyncErrorCode.malformed,
        message: `not a state vector: ${describe(error)}`,
        recordId,
      });
      return;
    }
    this.#send(state, { type: 'syncStep2', recordId, update });
    if (record) hold(state, recordId, record.seq);
    // Then our state vector, so the peer can send what we lack (the y-protocols client/server exchange).
    this.#send(state, { type: 'syncStep1', recordId, stateVector: record?.stateVector ?? emptyStateVector });
  }

  async #acceptWrite(state: ConnectionState<P>, recordId: string, update: Uint8Array): Promise<void> {
    const outcome = await this.write({
      peer: state.peer,
      recordId,
      update,
      origin: state,
      onStored: ({ seq, changed, previousSeq }) => {
        this.#send(state, { type: 'ack', recordId, seq });
        // Its write on top of a version it held (or of a record it caught up on by cursor) leaves it holding the result.
        const heldBefore =
          previousSeq === null ||
          previousSeq <= state.deliveredCursor ||
          state.held.get(recordId) === previousSeq;
        if (changed && heldBefore) hold(state, recordId, seq);
      },
    });
    if (!outcome.ok) {
      this.#sendError(state, { code: outcome.code, message: outcome.message, recordId });
      this.#send(state, { type: 'reset', recordId, update: outcome.state });
    }
  }

  #broadcast(event: BroadcastEvent): void {
    for (const state of this.#connections) {
      if (state.phase !== 'open' || state === event.origin) continue;
      if (!this.readsAfter({ peer: state.peer, event })) continue;
      const facts = event.contentFacts;
      if (facts && !this.#readsContent(state.peer, event.recordId, facts.before)) {
        // This change made the peer a reader (assigned it an inspection): it has none of the record,
        // and the change alone would wait for the rest forever, so it gets the whole record.
        this.#send(state, { type: 'update', recordId: event.recordId, update: facts.record });
        hold(state, event.recordId, event.seq);
        continue;
      }
      this.#send(state, { type: 'update', recordId: event.recordId, update: event.update });
      if (event.previousSeq !== null && state.held.get(event.recordId) === event.previousSeq) {
        hold(state, event.recordId, event.seq);
      }
    }
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#logger.error(`sync: a broadcast listener failed on ${event.recordId}`, error);
      }
    }
  }

  #readsContent(peer: P, recordId: string, facts: unknown): boolean {
    return this.#policy.contentReads?.canRead({ peer, recordId, facts }) ?? false;
  }

  /** The policy's facts of a record as stored, cached per seq (records are read far more than changed). */
  #factsOf(recordId: string, record: StoredRecord | null): unknown {
    const reads = this.#policy.contentReads;
    if (!reads) return undefined;
    if (record === null) return reads.facts({ recordId, update: null });
    const cached = this.#facts.get(recordId);
    if (cached?.seq === record.seq) return cached.facts;
    const facts = reads.facts({ recordId, update: record.update });
    if (this.#facts.size >= maxCachedFacts && !this.#facts.has(recordId)) this.#facts.clear();
    this.#facts.set(recordId, { seq: record.seq, facts });
    return facts;
  }

  /** For a record read by content that just changed: its facts before and after, and the record now. */
  async #contentChange(
    recordId: string,
    before: StoredRecord | null,
  ): Promise<BroadcastEvent['contentFacts']> {
    const reads = this.#policy.contentReads;
    if (!reads?.applies(recordId)) return undefined;
    const after = await this.#store.readRecord({ recordId });
    return {
      before: this.#factsOf(recordId, before),
      after: this.#factsOf(recordId, after),
      record: after?.update ?? emptyUpdate,
    };
  }

  #scheduleAfterWrite(options: { recordId: string; peer: P }): void {
    const afterWrite = this.#policy.afterWrite?.bind(this.#policy);
    if (!afterWrite) return;
    void this.#afterWrites
      .run({
        key: options.recordId,
        task: () => afterWrite({ recordId: options.recordId, peer: options.peer }),
      })
      .catch((error: unknown) => this.#logger.error(`sync: afterWrite of ${options.recordId} failed`, error));
  }

  #send(state: ConnectionState<P>, frame: Frame): void {
    if (state.phase === 'closed') return;
    let bytes: Uint8Array;
    try {
      bytes = state.codec.encode(frame);
    } catch (error) {
      // A record too large for one frame, most likely: tell the peer rather than drop it silently.
      this.#logger.error(`sync: cannot send ${frame.type} to ${state.peer.id}`, error);
      if (frame.type === 'error') return;
      const code = error instanceof ProtocolError ? error.code : SyncErrorCode.internal;
      const recordId = 'recordId' in frame ? frame.recordId : undefined;
      this.#sendError(state, { code, message: `cannot send ${frame.type}: ${describe(error)}`, recordId });
      return;
    }
    this.#stats.record({ direction: 'sent', type: frame.type, bytes: bytes.length });
    try {
      state.transport.send(bytes);
    } catch (error) {
      this.#logger.error(`sync: send to ${state.peer.id} failed`, error);
      this.#close(state, { code: CloseCode.internalError, reason: 'send failed' });
    }
  }

  #sendError(
    state: ConnectionState<P>,
    options: { code: string; message: string; recordId?: string | undefined },
  ): void {
    const code =
      truncateMessage({ message: options.code, maxBytes: frameLimits.maxErrorCodeBytes }) || 'error';
    const message = truncateMessage({ message: options.message });
    const recordId =
      options.recordId !== undefined &&
      new TextEncoder().encode(options.recordId).length <= frameLimits.maxRecordIdBytes
        ? options.recordId
        : undefined;
    this.#send(
      state,
      recordId === undefined || recordId === ''
        ? { type: 'error', code, message }
        : { type: 'error', code, message, recordId },
    );
  }

  #close(state: ConnectionState<P>, options: { code: number; reason: string }): void {
    if (state.phase === 'closed') return;
    state.phase = 'closed';
    this.#connections.delete(state);
    try {
      state.transport.close(options);
    } catch (error) {
      this.#logger.error(`sync: closing the connection of ${state.peer.id} failed`, error);
    }
  }
}

function hold<P extends Peer>(state: ConnectionState<P>, recordId: string, seq: number): void {
  if (state.held.size >= maxHeld && !state.held.has(recordId)) state.held.clear();
  state.held.set(recordId, seq);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
