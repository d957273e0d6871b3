import {
  decodeRelayFrame,
  encodeRelayFrame,
  ProtocolError,
  recordingRelayLimits,
  RelayErrorCode,
  type RelayFrame,
  type RelayHead,
  type RelayRequest,
} from '@jiazheng/sync/protocol';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../ports/logger';
import type { RecordingFetcher, RelayFetchResult, RelayFinish } from '../../ports/recording-fetcher';

/** Who holds a relay connection: an appliance device, authenticated by its token, and its county. */
export type RelayPeer = { deviceId: string; countyCode: string };

export type RecordingRelayHubOptions = {
  /** Sent in WELCOME: which hub the appliance reached. */
  hubId: string;
  logger: Logger;
  /** How long the appliance has to answer a REQUEST with HEAD or ERROR (default 15 s). */
  headTimeoutMs?: number;
  /** How long a listener waiting for bytes waits for the next chunk (default 30 s). */
  idleTimeoutMs?: number;
  windowBytes?: number;
  /** Requests in flight per county; more are answered `busy` (default 8). */
  maxConcurrent?: number;
};

const HELLO_TIMEOUT_MS = 10_000;

/** WebSocket close codes this side uses (4000–4999 are the application's). */
const CloseCode = { protocolError: 1002, unsupportedData: 1003, refused: 4003, hubStopping: 1001 } as const;

type Pending = {
  id: number;
  /** Before HEAD: how the fetch resolves. */
  settle: ((result: RelayFetchResult) => void) | null;
  headTimer: ReturnType<typeof setTimeout> | null;
  /** After HEAD. */
  expected: number;
  received: number;
  granted: number;
  queue: Uint8Array[];
  ended: boolean;
  failure: string | null;
  wake: (() => void) | null;
  finish: ((finish: RelayFinish) => void) | null;
  delivered: number;
  idleTimeoutMs: number;
};

/**
 * Holds each county's live relay connection and asks it for recordings. The latest connection of a county
 * that said HELLO wins (an appliance that reconnects replaces its half-dead socket); a closed one is
 * dropped, and whatever was in flight on it fails. Frames are matched to requests per connection, so an
 * appliance can only ever answer what was asked of itself: another county's appliance never sees this
 * county's requests and cannot inject bytes into them.
 */
export class RecordingRelayHub implements RecordingFetcher {
  readonly #options: Required<Omit<RecordingRelayHubOptions, 'logger' | 'hubId'>> & {
    logger: Logger;
    hubId: string;
  };
  readonly #live = new Map<string, RelayConnection>();
  readonly #all = new Set<RelayConnection>();

  constructor(options: RecordingRelayHubOptions) {
    this.#options = {
      hubId: options.hubId,
      logger: options.logger,
      headTimeoutMs: options.headTimeoutMs ?? 15_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
      windowBytes: options.windowBytes ?? recordingRelayLimits.defaultWindowBytes,
      maxConcurrent: options.maxConcurrent ?? 8,
    };
  }

  /** Counties with a live connection (for /health and the tests). */
  counties(): string[] {
    return [...this.#live.keys()].sort();
  }

  /** Takes over one authenticated socket until it closes. */
  serve(options: { socket: WebSocket; peer: RelayPeer }): void {
    const connection = new RelayConnection({
      socket: options.socket,
      peer: options.peer,
      hubId: this.#options.hubId,
      logger: this.#options.logger,
      onReady: (ready) => {
        const previous = this.#live.get(ready.peer.countyCode);
        this.#live.set(ready.peer.countyCode, ready);
        this.#options.logger.info(
          `recordings: relay of ${ready.peer.countyCode} connected (${ready.peer.deviceId})${previous ? ', replacing the previous connection' : ''}`,
        );
      },
      onClosed: (closed) => {
        this.#all.delete(closed);
        if (this.#live.get(closed.peer.countyCode) === closed) {
          this.#live.delete(closed.peer.countyCode);
          this.#options.logger.info(`recordings: relay of ${closed.peer.countyCode} disconnected`);
        }
      },
    });
    this.#all.add(connection);
  }

  async fetch(options: {
    countyCode: string;
    request: Omit<RelayRequest, 'window'>;
    signal?: AbortSignal | undefined;
  }): Promise<RelayFetchResult> {
    const connection = this.#live.get(options.countyCode);
    if (connection === undefined) {
      return {
        ok: false,
        code: 'not_connected',
        message: `the appliance of county ${options.countyCode} is not connected to the hub's recording relay now; recordings stay at the county and can be played only while it is online`,
      };
    }
    if (connection.inFlight >= this.#options.maxConcurrent) {
      return {
        ok: false,
        code: RelayErrorCode.busy,
        message: `county ${options.countyCode} is already streaming ${connection.inFlight} recordings; try again shortly`,
      };
    }
    return connection.fetch({
      request: { ...options.request, window: this.#options.windowBytes },
      signal: options.signal,
      headTimeoutMs: this.#options.headTimeoutMs,
      idleTimeoutMs: this.#options.idleTimeoutMs,
    });
  }

  /** Closes every connection (1001): the appliances reconnect to the next hub process. */
  closeAll(): void {
    for (const connection of this.#all) connection.close(CloseCode.hubStopping, 'hub stopping');
  }
}

class RelayConnection {
  readonly peer: RelayPeer;
  readonly #socket: WebSocket;
  readonly #logger: Logger;
  readonly #hubId: string;
  readonly #onReady: (connection: RelayConnection) => void;
  readonly #pending = new Map<number, Pending>();
  #ready = false;
  #closed = false;
  readonly #helloTimer: ReturnType<typeof setTimeout>;
  #nextId = 1;

  constructor(options: {
    socket: WebSocket;
    peer: RelayPeer;
    hubId: string;
    logger: Logger;
    onReady: (connection: RelayConnection) => void;
    onClosed: (connection: RelayConnection) => void;
  }) {
    this.peer = options.peer;
    this.#socket = options.socket;
    this.#logger = options.logger;
    this.#hubId = options.hubId;
    this.#onReady = options.onReady;
    // A socket that never says HELLO holds a slot for nothing.
    this.#helloTimer = setTimeout(
      () => this.#protocolError(RelayErrorCode.malformed, 'no HELLO within 10 s'),
      HELLO_TIMEOUT_MS,
    );
    options.socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        this.close(CloseCode.unsupportedData, 'binary frames only');
        return;
      }
      this.#receive(toBytes(data));
    });
    options.socket.on('close', () => {
      this.#closed = true;
      clearTimeout(this.#helloTimer);
      for (const pending of [...this.#pending.values()]) {
        this.#fail(pending, `the appliance of ${this.peer.countyCode} disconnected`);
      }
      options.onClosed(this);
    });
    options.socket.on('error', (error) => this.#logger.info('recordings: relay socket error', error));
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === this.#socket.OPEN || this.#socket.readyState === this.#socket.CONNECTING)
      this.#socket.close(code, reason);
  }

  fetch(options: {
    request: RelayRequest;
    signal: AbortSignal | undefined;
    headTimeoutMs: number;
    idleTimeoutMs: number;
  }): Promise<RelayFetchResult> {
    const id = this.#nextId;
    this.#nextId = this.#nextId >= 0xffff_ffff ? 1 : this.#nextId + 1;
    return new Promise<RelayFetchResult>((resolve) => {
      const pending: Pending = {
        id,
        settle: resolve,
        headTimer: null,
        expected: 0,
        received: 0,
        granted: options.request.window,
        queue: [],
        ended: false,
        failure: null,
        wake: null,
        finish: null,
        delivered: 0,
        idleTimeoutMs: options.idleTimeoutMs,
      };
      this.#pending.set(id, pending);
      pending.headTimer = setTimeout(() => {
        this.#send({ type: 'cancel', requestId: id });
        this.#settle(pending, {
          ok: false,
          code: 'timeout',
          message: `the appliance of ${this.peer.countyCode} did not answer within ${options.headTimeoutMs} ms`,
        });
      }, options.headTimeoutMs);
      options.signal?.addEventListener(
        'abort',
        () => {
          if (pending.settle === null) return;
          this.#send({ type: 'cancel', requestId: id });
          this.#settle(pending, { ok: false, code: 'cancelled', message: 'the listener went away' });
        },
        { once: true },
      );
      if (!this.#send({ type: 'request', requestId: id, body: options.request })) {
        this.#settle(pending, {
          ok: false,
          code: 'not_connected',
          message: `the appliance of ${this.peer.countyCode} disconnected`,
        });
      }
    });
  }

  #send(frame: RelayFrame): boolean {
    if (this.#closed || this.#socket.readyState !== this.#socket.OPEN) return false;
    this.#socket.send(encodeRelayFrame({ frame }));
    return true;
  }

  #receive(bytes: Uint8Array): void {
    let frame: RelayFrame;
    try {
      frame = decodeRelayFrame({ bytes });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#protocolError(error.code, error.message);
      return;
    }
    if (!this.#ready) {
      if (frame.type !== 'hello') {
        this.#protocolError(
          RelayErrorCode.malformed,
          `expected HELLO first, got ${frame.type.toUpperCase()}`,
        );
        return;
      }
      const { countyCode, deviceId } = frame.body;
      if (countyCode !== this.peer.countyCode || deviceId !== this.peer.deviceId) {
        // An appliance answers only for the county its token's user belongs to.
        this.#send({
          type: 'error',
          requestId: 0,
          body: {
            code: RelayErrorCode.refused,
            message: `HELLO names ${countyCode} / ${deviceId}, but the token is ${this.peer.deviceId} of ${this.peer.countyCode}`,
          },
        });
        this.#logger.info(
          `recordings: refused a relay HELLO for ${countyCode} from ${this.peer.deviceId} of ${this.peer.countyCode}`,
        );
        this.close(CloseCode.refused, 'county does not match the token');
        return;
      }
      this.#ready = true;
      clearTimeout(this.#helloTimer);
      this.#send({ type: 'welcome', requestId: 0, body: { hubId: this.#hubId } });
      this.#onReady(this);
      return;
    }
    switch (frame.type) {
      case 'head':
      case 'chunk':
      case 'end':
      case 'error': {
        if (frame.requestId === 0 && frame.type === 'error') {
          this.#logger.info(
            `recordings: relay of ${this.peer.countyCode} reports ${frame.body.code}: ${frame.body.message}`,
          );
          return;
        }
        const pending = this.#pending.get(frame.requestId);
        // A frame for a request already cancelled or timed out: the appliance had not heard yet.
        if (pending === undefined) return;
        this.#answer(pending, frame);
        return;
      }
      default:
        this.#protocolError(
          RelayErrorCode.malformed,
          `an appliance does not send ${frame.type.toUpperCase()}`,
        );
    }
  }

  #answer(pending: Pending, frame: Extract<RelayFrame, { type: 'head' | 'chunk' | 'end' | 'error' }>): void {
    if (frame.type === 'error') {
      if (pending.settle !== null) {
        this.#settle(pending, {
          ok: false,
          code: knownCode(frame.body.code),
          message: frame.body.message,
          totalBytes: frame.body.totalBytes,
        });
      } else {
        this.#fail(pending, `the appliance failed: ${frame.body.message}`);
      }
      return;
    }
    if (frame.type === 'head') {
      if (pending.settle === null) {
        this.#violation(pending, 'a second HEAD');
        return;
      }
      this.#startBody(pending, frame.body);
      return;
    }
    if (pending.settle !== null) {
      this.#violation(pending, `${frame.type.toUpperCase()} before HEAD`);
      return;
    }
    if (frame.type === 'chunk') {
      pending.received += frame.bytes.byteLength;
      if (pending.received > pending.expected || pending.received > pending.granted) {
        this.#violation(pending, 'more bytes than announced or granted');
        return;
      }
      pending.queue.push(frame.bytes);
      // Every byte HEAD announced is here: the body is complete even if the socket dies before END (the
      // listener's client already has its Content-Length and may reuse its connection).
      if (pending.received === pending.expected) pending.ended = true;
    } else if (frame.body.bytes !== pending.expected || pending.received !== pending.expected) {
      this.#violation(pending, `END after ${pending.received} of ${pending.expected} bytes`);
      return;
    }
    pending.wake?.();
  }

  #startBody(pending: Pending, head: RelayHead): void {
    if (pending.headTimer !== null) clearTimeout(pending.headTimer);
    pending.headTimer = null;
    pending.expected = head.end - head.start + 1;
    const finished = new Promise<RelayFinish>((resolve) => {
      pending.finish = resolve;
    });
    const { idleTimeoutMs } = pending;
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          while (pending.queue.length === 0 && !pending.ended && pending.failure === null) {
            const waited = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(false), idleTimeoutMs);
              pending.wake = () => {
                clearTimeout(timer);
                resolve(true);
              };
            });
            pending.wake = null;
            if (!waited && pending.queue.length === 0 && !pending.ended && pending.failure === null) {
              this.#send({ type: 'cancel', requestId: pending.id });
              this.#fail(pending, `the appliance sent nothing for ${idleTimeoutMs} ms`);
            }
          }
          const chunk = pending.queue.shift();
          if (chunk !== undefined) {
            controller.enqueue(chunk);
            pending.delivered += chunk.byteLength;
            // The listener took it: the appliance may send as much again.
            if (pending.granted < pending.expected) {
              pending.granted += chunk.byteLength;
              this.#send({ type: 'credit', requestId: pending.id, credit: chunk.byteLength });
            }
            return;
          }
          if (pending.ended) {
            controller.close();
            this.#finish(pending, { outcome: 'served', reason: null });
            return;
          }
          const reason = pending.failure ?? 'the relay failed';
          controller.error(new Error(reason));
          this.#finish(pending, { outcome: 'failed', reason });
        },
        cancel: () => {
          this.#send({ type: 'cancel', requestId: pending.id });
          this.#finish(pending, { outcome: 'aborted', reason: 'the listener went away' });
        },
      },
      { highWaterMark: 0 },
    );
    const settle = pending.settle;
    pending.settle = null;
    settle?.({ ok: true, head, body, finished });
  }

  #settle(pending: Pending, result: RelayFetchResult): void {
    const settle = pending.settle;
    if (settle === null) return;
    pending.settle = null;
    if (pending.headTimer !== null) clearTimeout(pending.headTimer);
    pending.headTimer = null;
    this.#pending.delete(pending.id);
    settle(result);
  }

  /** The request fails wherever it is: before HEAD the fetch answers, after it the body errors. */
  #fail(pending: Pending, reason: string): void {
    if (pending.settle !== null) {
      this.#settle(pending, { ok: false, code: 'not_connected', message: reason });
      return;
    }
    if (pending.failure !== null) return;
    pending.failure = reason;
    this.#pending.delete(pending.id);
    pending.wake?.();
  }

  #violation(pending: Pending, what: string): void {
    this.#logger.info(`recordings: relay of ${this.peer.countyCode} sent ${what} for request ${pending.id}`);
    this.#send({ type: 'cancel', requestId: pending.id });
    this.#fail(pending, `the appliance broke the protocol: ${what}`);
  }

  #finish(pending: Pending, options: { outcome: RelayFinish['outcome']; reason: string | null }): void {
    this.#pending.delete(pending.id);
    const finish = pending.finish;
    pending.finish = null;
    finish?.({ bytes: pending.delivered, ...options });
  }

  #protocolError(code: string, message: string): void {
    this.#logger.info(`recordings: relay of ${this.peer.countyCode}: ${message}`);
    this.#send({ type: 'error', requestId: 0, body: { code, message: message.slice(0, 1000) } });
    this.close(CloseCode.protocolError, code);
  }
}

function knownCode(code: string): RelayErrorCode {
  const codes: readonly string[] = Object.values(RelayErrorCode);
  return codes.includes(code) ? (code as RelayErrorCode) : RelayErrorCode.internal;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
