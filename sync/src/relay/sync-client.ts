import * as Y from 'yjs';
import type { RecordStore } from '../ports/record-store';
import { FrameCodec, PROTOCOL_VERSION, type Frame } from '../protocol/frames';
import { FrameStats, type FrameStatsSnapshot } from './frame-stats';
import { silentLogger, type SyncLogger } from './sync-logger';
import {
  addUpdateToClocks,
  decodeClocks,
  deletesCoveredBy,
  emptyStateVector,
  encodeClocks,
  hasClocksBeyond,
  inspectUpdate,
  isEmptyUpdate,
  type Clocks,
} from './update-bytes';
import { WebSocketConnector, type ConnectorOptions, type ConnectorTransport } from './websocket-connector';

/** Local changes pushed per scan of the store (and awaited together before the push cursor moves). */
const pushBatchSize = 500;
/** Records whose server state vector the client remembers between frames; beyond it, it asks again. */
const maxKnownRecords = 10_000;

export type ClientTransport = {
  send(bytes: Uint8Array): void;
  close(options: { code: number; reason: string }): void;
  /** Called when the server welcomed this session (the WebSocket connector resets its backoff). */
  healthy?: () => void;
};

export type ClientAttachment = {
  receive(bytes: Uint8Array): Promise<void>;
  disconnected(): void;
};

/** A record changed in the local store because of the server: re-read it (and drop a live Y.Doc on reset). */
export type RecordChangeEvent = { recordId: string; cause: 'remote' | 'reset' };

type WriteResult = 'ack' | 'reset' | 'aborted';
type WriteWaiter = { pushed: Uint8Array; settle: (result: WriteResult) => void };
type PushResult = 'done' | 'aborted';
/** A push waiting for the server's state vector of the record (we sent SYNC_STEP1). */
type PushOp = { serverDeletesCoverLocal: boolean | null; settle: (result: PushResult) => void };

type Session = {
  transport: ClientTransport;
  codec: FrameCodec;
  queue: Promise<void>;
  /** Tasks queued and not finished (frames to handle). */
  queued: number;
  closed: boolean;
  welcomed: boolean;
  caughtUp: boolean;
  /** The cursor of the HELLO/PULL whose CHANGES we wait for: saved when that CHANGES arrives. */
  pulled: number | null;
  /** The server changed identity: the cursor we sent means nothing there, pull from 0 next. */
  restartFromZero: boolean;
  /** A local store write failed: cursors must not move in this session. */
  failed: boolean;
  writeWaiters: Map<string, WriteWaiter[]>;
  pushOps: Map<string, PushOp>;
  /** The last local version of each record sent to the server in this session, and its reply. */
  sentVersions: Map<string, { localSeq: number; reply: Promise<WriteResult> }>;
  /** A PULL scheduled after live updates, so the saved cursor keeps up (and the next catch-up stays small). */
  pullTimer: ReturnType<typeof setTimeout> | null;
};

/**
 * A replica's side of the bulk protocol (an appliance, a PWA, a test): catches up from the relay by
 * change cursor, pushes what was changed locally (also while offline), applies what the relay sends to
 * the local store. One SyncClient per (store, server); `attach` once per connection.
 *
 * The app writes its own changes to the store and then calls `notifyLocalChange`.
 */
export class SyncClient {
  readonly clientId: string;
  readonly #store: RecordStore;
  readonly #cursorKey: string;
  readonly #logger: SyncLogger;
  readonly #onRecordChange: ((event: RecordChangeEvent) => void) | undefined;
  readonly #stats = new FrameStats();
  #session: Session | null = null;
  /** What we know the server holds, per record (never more than it holds: it only grows). */
  readonly #serverClocks = new Map<string, Clocks>();
  /** Local seq of a record right after we applied a server change to it, when it held nothing unpushed. */
  readonly #syncedSeq = new Map<string, number>();
  /** Bumped by notifyLocalChange: a remote apply that saw another value must not mark the record synced. */
  readonly #localGeneration = new Map<string, number>();
  readonly #livePullDelayMs: number;
  #pushCursor: number | null = null;
  #pushRunning = false;
  #pushDirty = true;
  #idleWaiters: Array<() => void> = [];

  constructor(options: {
    store: RecordStore;
    clientId: string;
    cursorKey: string;
    logger?: SyncLogger;
    onRecordChange?: (event: RecordChangeEvent) => void;
    /** After live updates, pull this much later to move the saved cursor (default 10 s; 0: never). */
    livePullDelayMs?: number;
  }) {
    this.#livePullDelayMs = options.livePullDelayMs ?? 10_000;
    this.#store = options.store;
    this.clientId = options.clientId;
    this.#cursorKey = options.cursorKey;
    this.#logger = options.logger ?? silentLogger;
    this.#onRecordChange = options.onRecordChange;
  }

  /** Starts a session on an open transport: sends HELLO. Replaces any previous session. */
  attach(transport: ClientTransport): ClientAttachment {
    if (this.#session) this.#endSession(this.#session);
    const session: Session = {
      transport,
      codec: new FrameCodec(),
      queue: Promise.resolve(),
      queued: 0,
      closed: false,
      welcomed: false,
      caughtUp: false,
      pulled: null,
      restartFromZero: false,
      failed: false,
      writeWaiters: new Map(),
      pushOps: new Map(),
      sentVersions: new Map(),
      pullTimer: null,
    };
    this.#session = session;
    void this.#enqueue(session, async () => {
      const cursor = await this.#readNumberMeta(this.#cursorKey);
      session.pulled = cursor;
      this.#send(session, { type: 'hello', version: PROTOCOL_VERSION, peerId: this.clientId, cursor });
    });
    return {
      receive: (bytes) => {
        if (session.closed) return Promise.resolve();
        return this.#enqueue(session, () => this.#handle(session, bytes));
      },
      disconnected: () => this.#endSession(session),
    };
  }

  /** Keeps a session open over WebSockets, reconnecting with backoff. Call start(), later stop(). */
  connectWebSocket(options: ConnectorOptions): WebSocketConnector {
    return new WebSocketConnector({
      ...options,
      logger: options.logger ?? this.#logger,
      attach: (transport: ConnectorTransport) => this.attach(transport),
    });
  }

  /** The app wrote `recordId` to the local store: push it when connected. */
  notifyLocalChange(options: { recordId: string }): void {
    this.#localGeneration.set(options.recordId, (this.#localGeneration.get(options.recordId) ?? 0) + 1);
    this.#syncedSeq.delete(options.recordId);
    this.#schedulePush();
  }

  /** Asks for the records changed since the saved cursor (catch-up happens by itself on connect). */
  pull(): void {
    const session = this.#session;
    if (!session || !session.welcomed || !session.caughtUp || session.pulled !== null) return;
    session.caughtUp = false;
    void this.#enqueue(session, async () => {
      const cursor = await this.#readNumberMeta(this.#cursorKey);
      session.pulled = cursor;
      this.#send(session, { type: 'pull', cursor });
    });
  }

  get connected(): boolean {
    return this.#session?.welcomed === true;
  }

  stats(): FrameStatsSnapshot {
    return this.#stats.snapshot();
  }

  resetStats(): void {
    this.#stats.reset();
  }

  /**
   * Resolves when the current session has caught up, pushed every local change it knows of and has no
   * reply outstanding. (Changes made elsewhere may still be on their way.)
   */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  // ---- incoming -------------------------------------------------------------------------------------

  async #handle(session: Session, bytes: Uint8Array): Promise<void> {
    let frame: Frame;
    try {
      frame = session.codec.decode(bytes);
    } catch (error) {
      // The relay never sends a bad frame; if one arrives the record-id tables may disagree: start over.
      this.#stats.record({ direction: 'received', type: 'invalid', bytes: bytes.length });
      this.#logger.error('sync: bad frame from the relay; reconnecting', error);
      this.#fail(session, { code: 1002, reason: 'bad frame' });
      return;
    }
    this.#stats.record({ direction: 'received', type: frame.type, bytes: bytes.length });
    switch (frame.type) {
      case 'welcome':
        await this.#onWelcome(session, frame.serverId);
        return;
      case 'changes':
        await this.#onChanges(session, frame);
        return;
      case 'syncStep1':
        await this.#onServerStep1(session, frame.recordId, frame.stateVector);
        return;
      case 'syncStep2':
        await this.#onServerStep2(session, frame.recordId, frame.update);
        return;
      case 'update':
        await this.#applyRemote(session, frame.recordId, frame.update);
        return;
      case 'ack':
        this.#onAck(session, frame.recordId);
        return;
      case 'reset':
        await this.#onReset(session, frame.recordId, frame.update);
        return;
      case 'error':
        this.#onError(session, frame);
        return;
      default:
        this.#logger.info(`sync: unexpected ${frame.type} from the relay`);
    }
  }

  async #onWelcome(session: Session, serverId: string): Promise<void> {
    const serverKey = `${this.#cursorKey}:server`;
    const known = await this.#store.getMeta({ key: serverKey });
    if (known !== serverId) {
      if (known !== null) {
        this.#logger.info(`sync: the relay is now ${serverId} (was ${known}): catching up from the start`);
        session.restartFromZero = true;
        session.pulled = null;
        // It may hold none of what we pushed to the old one: push everything again.
        this.#serverClocks.clear();
        this.#syncedSeq.clear();
        this.#pushCursor = 0;
        await this.#store.setMeta({ key: `${this.#cursorKey}:push`, value: '0' });
      }
      await this.#store.setMeta({ key: serverKey, value: serverId });
    }
    session.welcomed = true;
    session.transport.healthy?.();
    this.#schedulePush();
  }

  async #onChanges(session: Session, frame: Extract<Frame, { type: 'changes' }>): Promise<void> {
    // Every reply to what we sent before that PULL came before this frame and has been applied.
    if (session.pulled !== null) await this.#saveCursor(session, session.pulled);
    session.pulled = null;
    for (const entry of frame.entries) {
      const { recordId } = entry;
      let serverClocks: Clocks;
      try {
        serverClocks = decodeClocks(entry.stateVector);
      } catch {
        this.#logger.info(`sync: bad state vector for ${recordId} in CHANGES`);
        continue;
      }
      this.#rememberServer(recordId, serverClocks);
      const local = await this.#store.readRecord({ recordId });
      if (local && hasClocksBeyond({ clocks: decodeClocks(local.stateVector), than: serverClocks })) {
        // Ours first, so the server's answer to the step 1 below already includes it.
        const diff = Y.diffUpdate(local.update, entry.stateVector);
        void this.#sendWrite(session, { type: 'syncStep2', recordId, update: diff, localSeq: local.seq });
      }
      // Always: a state vector does not show deletions, so equal vectors do not mean equal records.
      this.#send(session, {
        type: 'syncStep1',
        recordId,
        stateVector: local?.stateVector ?? emptyStateVector,
      });
    }
    if (session.restartFromZero) {
      session.restartFromZero = false;
      this.#sendPull(session, 0);
      return;
    }
    if (frame.entries.length === 0 && frame.done) {
      await this.#saveCursor(session, frame.nextCursor);
      session.caughtUp = true;
      return;
    }
    // Also after the last batch: the answer to this PULL tells us the batch's replies have all arrived.
    this.#sendPull(session, frame.nextCursor);
  }

  async #onServerStep2(session: Session, recordId: string, update: Uint8Array): Promise<void> {
    const op = session.pushOps.get(recordId);
    if (op && op.serverDeletesCoverLocal === null) {
      // A step 2 carries the server's whole delete set: it tells us whether our deletions are news to it.
      const local = await this.#store.readRecord({ recordId });
      try {
        op.serverDeletesCoverLocal = local === null || deletesCoveredBy({ update: local.update, by: update });
      } catch {
        op.serverDeletesCoverLocal = false;
      }
    }
    await this.#applyRemote(session, recordId, update);
  }

  async #onServerStep1(session: Session, recordId: string, stateVector: Uint8Array): Promise<void> {
    let serverClocks: Clocks;
    try {
      serverClocks = decodeClocks(stateVector);
    } catch {
      this.#logger.info(`sync: bad state vector for ${recordId} from the relay`);
      return;
    }
    this.#rememberServer(recordId, serverClocks);
    const op = session.pushOps.get(recordId);
    if (op) session.pushOps.delete(recordId);
    const local = await this.#store.readRecord({ recordId });
    const ahead =
      local !== null && hasClocksBeyond({ clocks: decodeClocks(local.stateVector), than: serverClocks });
    const deletesToSend = op !== undefined && op.serverDeletesCoverLocal !== true;
    if (local === null || (!ahead && !deletesToSend)) {
      op?.settle('done');
      return;
    }
    const diff = Y.diffUpdate(local.update, stateVector);
    if (isEmptyUpdate(diff)) {
      op?.settle('done');
      return;
    }
    const written = this.#sendWrite(session, {
      type: 'syncStep2',
      recordId,
      update: diff,
      localSeq: local.seq,
    });
    if (op) void written.then((result) => op.settle(result === 'aborted' ? 'aborted' : 'done'));
  }

  async #applyRemote(session: Session, recordId: string, update: Uint8Array): Promise<void> {
    try {
      if (isEmptyUpdate(update)) return;
    } catch {
      this.#logger.info(`sync: the relay sent an unreadable update for ${recordId}`);
      return;
    }
    try {
      const generation = this.#localGeneration.get(recordId) ?? 0;
      const before = await this.#store.readRecord({ recordId });
      const pushCursor = await this.#loadPushCursor();
      const clean =
        before === null || before.seq <= pushCursor || this.#syncedSeq.get(recordId) === before.seq;
      const { seq, changed } = await this.#store.appendUpdate({ recordId, update });
      if (changed && clean && (this.#localGeneration.get(recordId) ?? 0) === generation) {
        this.#syncedSeq.set(recordId, seq);
      }
      const known = this.#serverClocks.get(recordId);
      if (known) this.#rememberServer(recordId, addUpdateToClocks({ clocks: known, update }));
      if (changed) {
        this.#notifyChange({ recordId, cause: 'remote' });
        this.#schedulePush(); // to move the push cursor past what we just applied
        this.#scheduleLivePull(session);
      }
    } catch (error) {
      this.#logger.error(`sync: cannot store the relay's update of ${recordId}`, error);
      this.#fail(session, { code: 1011, reason: 'local store failed' });
    }
  }

  #onAck(session: Session, recordId: string): void {
    const waiter = this.#takeWaiter(session, recordId);
    if (!waiter) {
      this.#logger.info(`sync: ACK for ${recordId} without a write in flight`);
      return;
    }
    const known = this.#serverClocks.get(recordId);
    if (known) this.#rememberServer(recordId, addUpdateToClocks({ clocks: known, update: waiter.pushed }));
    waiter.settle('ack');
  }

  async #onReset(session: Session, recordId: string, state: Uint8Array): Promise<void> {
    const waiter = this.#takeWaiter(session, recordId);
    try {
      inspectUpdate(state);
      const generation = this.#localGeneration.get(recordId) ?? 0;
      const { seq } = await this.#store.replaceRecord({ recordId, update: state });
      if ((this.#localGeneration.get(recordId) ?? 0) === generation) this.#syncedSeq.set(recordId, seq);
      this.#rememberServer(recordId, decodeClocks(Y.encodeStateVectorFromUpdate(state)));
      this.#logger.info(`sync: ${recordId} was reset to the relay's copy`);
      this.#notifyChange({ recordId, cause: 'reset' });
    } catch (error) {
      this.#logger.error(`sync: cannot reset ${recordId}`, error);
      this.#fail(session, { code: 1011, reason: 'local store failed' });
    }
    waiter?.settle('reset');
  }

  #onError(session: Session, frame: Extract<Frame, { type: 'error' }>): void {
    this.#logger.info(
      `sync: the relay reports ${frame.code}${frame.recordId ? ` on ${frame.recordId}` : ''}: ${frame.message}`,
    );
    if (frame.recordId === undefined) return;
    // The relay could not send its answer to our write (the record outgrew a frame): no RESET will come.
    if (frame.code === 'too_large') this.#takeWaiter(session, frame.recordId)?.settle('reset');
    // A refused step 1 (no read access): the push that sent it is over. A refused write is followed by RESET.
    const op = session.pushOps.get(frame.recordId);
    if (op) {
      session.pushOps.delete(frame.recordId);
      op.settle('done');
    }
  }

  #scheduleLivePull(session: Session): void {
    if (this.#livePullDelayMs <= 0 || !session.caughtUp || session.pullTimer !== null) return;
    session.pullTimer = setTimeout(() => {
      session.pullTimer = null;
      if (this.#session === session) this.pull();
    }, this.#livePullDelayMs);
  }

  // ---- pushing local changes ------------------------------------------------------------------------

  #schedulePush(): void {
    this.#pushDirty = true;
    if (this.#pushRunning) return;
    const session = this.#session;
    if (!session || !session.welcomed || session.closed) return;
    this.#pushRunning = true;
    void this.#runPushLoop().finally(() => {
      this.#pushRunning = false;
      this.#checkIdle();
    });
  }

  async #runPushLoop(): Promise<void> {
    try {
      for (;;) {
        const session = this.#session;
        if (!this.#pushDirty || !session || !session.welcomed || session.closed) return;
        this.#pushDirty = false;
        if (!(await this.#pushScan(session))) {
          this.#pushDirty = true; // interrupted: the next session scans again
          return;
        }
      }
    } catch (error) {
      this.#logger.error('sync: pushing local changes failed', error);
      this.#pushDirty = true;
    }
  }

  /** Pushes every local change after the push cursor; false if the session ended first. */
  async #pushScan(session: Session): Promise<boolean> {
    let cursor = await this.#loadPushCursor();
    for (;;) {
      const changes = await this.#store.listChanges({ after: cursor, limit: pushBatchSize });
      const pending = changes.filter((change) => this.#syncedSeq.get(change.recordId) !== change.seq);
      const results = await Promise.all(pending.map((change) => this.#pushRecord(session, change.recordId)));
      if (session.closed || session.failed || results.includes('aborted')) return false;
      const last = changes.at(-1);
      if (last) {
        cursor = last.seq;
        this.#pushCursor = cursor;
        await this.#store.setMeta({ key: `${this.#cursorKey}:push`, value: String(cursor) });
      }
      if (changes.length < pushBatchSize) return true;
    }
  }

  async #pushRecord(session: Session, recordId: string): Promise<PushResult> {
    for (;;) {
      if (session.closed) return 'aborted';
      const running = session.pushOps.get(recordId);
      if (!running) break;
      // One exchange per record at a time; the next one then knows the server's state vector.
      await new Promise<void>((resolve) => {
        const settle = running.settle;
        running.settle = (result) => {
          settle(result);
          resolve();
        };
      });
    }
    const local = await this.#store.readRecord({ recordId });
    if (local === null) return 'done';
    const sent = session.sentVersions.get(recordId);
    if (sent?.localSeq === local.seq) {
      // This very version already went up in this session (with catch-up, or an earlier push).
      return (await sent.reply) === 'aborted' ? 'aborted' : 'done';
    }
    const known = this.#serverClocks.get(recordId);
    if (known) {
      const diff = Y.diffUpdate(local.update, encodeClocks(known));
      if (isEmptyUpdate(diff)) return 'done';
      const result = await this.#sendWrite(session, {
        type: 'update',
        recordId,
        update: diff,
        localSeq: local.seq,
      });
      return result === 'aborted' ? 'aborted' : 'done';
    }
    // We do not know what the server holds: ask (its step 2 and step 1 answer), then send the difference.
    const done = new Promise<PushResult>((resolve) => {
      session.pushOps.set(recordId, { serverDeletesCoverLocal: null, settle: resolve });
    });
    if (!this.#send(session, { type: 'syncStep1', recordId, stateVector: local.stateVector })) {
      session.pushOps.get(recordId)?.settle(session.closed ? 'aborted' : 'done');
      session.pushOps.delete(recordId);
    }
    return done;
  }

  /** Sends a write (unless this local version already went up) and resolves with the server's reply. */
  #sendWrite(
    session: Session,
    write: { type: 'syncStep2' | 'update'; recordId: string; update: Uint8Array; localSeq: number },
  ): Promise<WriteResult> {
    const { recordId, localSeq } = write;
    const sent = session.sentVersions.get(recordId);
    if (sent?.localSeq === localSeq) return sent.reply;
    if (!this.#send(session, { type: write.type, recordId, update: write.update })) {
      // Unsendable (over the frame limit): logged; waiting for a reply that cannot come would stall pushing.
      return Promise.resolve(session.closed ? 'aborted' : 'reset');
    }
    const reply = new Promise<WriteResult>((resolve) => {
      const waiters = session.writeWaiters.get(recordId) ?? [];
      waiters.push({ pushed: write.update, settle: resolve });
      session.writeWaiters.set(recordId, waiters);
    });
    if (session.sentVersions.size >= maxKnownRecords) session.sentVersions.clear();
    session.sentVersions.set(recordId, { localSeq, reply });
    return reply;
  }

  #takeWaiter(session: Session, recordId: string): WriteWaiter | undefined {
    const waiters = session.writeWaiters.get(recordId);
    const waiter = waiters?.shift();
    if (waiters?.length === 0) session.writeWaiters.delete(recordId);
    return waiter;
  }

  // ---- plumbing -------------------------------------------------------------------------------------

  #enqueue(session: Session, task: () => Promise<void>): Promise<void> {
    session.queued += 1;
    const run = session.queue.then(async () => {
      if (!session.closed) await task();
    });
    session.queue = run
      .catch((error: unknown) => {
        this.#logger.error('sync: handling a frame failed', error);
        this.#fail(session, { code: 1011, reason: 'client error' });
      })
      .finally(() => {
        session.queued -= 1;
        this.#checkIdle();
      });
    return session.queue;
  }

  /** False if the frame could not go out (session over, or a record too large for one frame). */
  #send(session: Session, frame: Frame): boolean {
    if (session.closed) return false;
    let bytes: Uint8Array;
    try {
      bytes = session.codec.encode(frame);
    } catch (error) {
      const recordId = 'recordId' in frame ? ` of ${frame.recordId}` : '';
      this.#logger.error(`sync: cannot send ${frame.type}${recordId}`, error);
      return false;
    }
    this.#stats.record({ direction: 'sent', type: frame.type, bytes: bytes.length });
    session.transport.send(bytes);
    return true;
  }

  #sendPull(session: Session, cursor: number): void {
    session.pulled = cursor;
    this.#send(session, { type: 'pull', cursor });
  }

  #fail(session: Session, options: { code: number; reason: string }): void {
    session.failed = true;
    try {
      session.transport.close(options);
    } catch (error) {
      this.#logger.error('sync: closing the transport failed', error);
    }
    this.#endSession(session);
  }

  #endSession(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    if (this.#session === session) this.#session = null;
    if (session.pullTimer !== null) clearTimeout(session.pullTimer);
    session.pullTimer = null;
    for (const waiters of session.writeWaiters.values())
      for (const waiter of waiters) waiter.settle('aborted');
    session.writeWaiters.clear();
    for (const op of session.pushOps.values()) op.settle('aborted');
    session.pushOps.clear();
    this.#pushDirty = true;
    this.#checkIdle();
  }

  async #saveCursor(session: Session, cursor: number): Promise<void> {
    if (session.failed || session.closed) return;
    await this.#store.setMeta({ key: this.#cursorKey, value: String(cursor) });
  }

  async #loadPushCursor(): Promise<number> {
    this.#pushCursor ??= await this.#readNumberMeta(`${this.#cursorKey}:push`);
    return this.#pushCursor;
  }

  async #readNumberMeta(key: string): Promise<number> {
    const value = Number(await this.#store.getMeta({ key }));
    return Number.isSafeInteger(value) && value >= 0 ? value : 0;
  }

  #rememberServer(recordId: string, clocks: Clocks): void {
    this.#serverClocks.delete(recordId); // re-insert: the Map's order is the eviction order
    this.#serverClocks.set(recordId, clocks);
    if (this.#serverClocks.size > maxKnownRecords) {
      const oldest = this.#serverClocks.keys().next();
      if (!oldest.done) this.#serverClocks.delete(oldest.value);
    }
    if (this.#syncedSeq.size > maxKnownRecords) this.#syncedSeq.clear();
  }

  #notifyChange(event: RecordChangeEvent): void {
    try {
      this.#onRecordChange?.(event);
    } catch (error) {
      this.#logger.error('sync: onRecordChange failed', error);
    }
  }

  #isIdle(): boolean {
    const session = this.#session;
    return (
      session !== null &&
      session.welcomed &&
      session.caughtUp &&
      session.pulled === null &&
      session.queued === 0 &&
      !this.#pushRunning &&
      !this.#pushDirty &&
      session.writeWaiters.size === 0 &&
      session.pushOps.size === 0
    );
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
