import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { DeviceKey } from '@jiazheng/sync/node';
import {
  decodeRelayFrame,
  encodeRelayFrame,
  ProtocolError,
  RECORDING_RELAY_PATH,
  recordingRelayLimits,
  RelayErrorCode,
  type RelayFrame,
  type RelayRequest,
} from '@jiazheng/sync/protocol';
import { createDeviceToken } from '@jiazheng/sync/records';
import { WebSocket, type RawData } from 'ws';
import type { CallStore } from '../../ports/call-store';
import type { Logger } from '../../ports/logger';
import type { Service } from '../../ports/service';
import type { RecordingFiles } from '../files/recording-files';
import { parseRange } from '../http/telephony-routes';

export type RecordingRelayClientOptions = {
  /** The hub's base URL (`http://hub:8090`); the relay is at `ws://hub:8090/relay/recordings`. */
  hubUrl: string;
  device: DeviceKey;
  countyCode: string;
  store: Pick<CallStore, 'getCall' | 'getRecording' | 'markRecording' | 'logRecordingAccess'>;
  files: Pick<RecordingFiles, 'locate'>;
  logger: Logger;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Bytes per CHUNK (at most the protocol's 64 KiB). */
  chunkBytes?: number;
  /** A request for more than this is refused `too_large` (at most the protocol's cap). */
  maxRecordingBytes?: number;
  /** Requests streamed at once; more are answered `busy`. */
  maxConcurrent?: number;
  /** Sending pauses while the socket holds more than this unsent. */
  highWaterBytes?: number;
  /** With no ping or frame from the hub for this long, the link is taken for dead and reopened. */
  deadAfterMs?: number;
  now?: () => number;
  random?: () => number;
};

type Stream = {
  credit: number;
  cancelled: boolean;
  wake: (() => void) | null;
};

/**
 * The county's end of the recording relay (sync/src/protocol/recording-relay.ts): one WebSocket OUT to the
 * hub, so an appliance behind NAT can still answer. The hub sends REQUESTs; each is answered from this
 * appliance's own recordings exactly as `GET /api/recordings/:id` answers a console (same Range rules, same
 * refusal of purged or missing files) and written into the same access log, with the hub's user, role and
 * purpose, so the county sees who at the hub listened, when and why. Reconnects with backoff and full
 * jitter, a fresh device token per attempt, like the sync client.
 */
export class RecordingRelayClient implements Service {
  readonly #options: Required<Omit<RecordingRelayClientOptions, 'store' | 'files' | 'logger' | 'device'>> &
    Pick<RecordingRelayClientOptions, 'store' | 'files' | 'logger' | 'device'>;
  readonly #streams = new Map<number, Stream>();
  #socket: WebSocket | null = null;
  #welcomed = false;
  #running = false;
  #failures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #deadTimer: ReturnType<typeof setTimeout> | null = null;
  #work = new Set<Promise<void>>();
  #lastRefusal: number | undefined;

  constructor(options: RecordingRelayClientOptions) {
    this.#options = {
      reconnectMinMs: 250,
      reconnectMaxMs: 30_000,
      chunkBytes: recordingRelayLimits.maxChunkBytes,
      maxRecordingBytes: recordingRelayLimits.maxRecordingBytes,
      maxConcurrent: 4,
      highWaterBytes: 256 * 1024,
      deadAfterMs: 100_000,
      now: Date.now,
      random: Math.random,
      ...options,
    };
    if (this.#options.chunkBytes > recordingRelayLimits.maxChunkBytes || this.#options.chunkBytes < 1) {
      throw new Error(`chunkBytes must be 1–${recordingRelayLimits.maxChunkBytes}`);
    }
  }

  /** The hub answered HELLO: requests can arrive. */
  get connected(): boolean {
    return this.#welcomed && this.#socket?.readyState === WebSocket.OPEN;
  }

  start(): Promise<void> {
    if (this.#running) return Promise.resolve();
    this.#running = true;
    this.#open();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#cancelAll();
    const socket = this.#socket;
    if (socket !== null && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          socket.terminate();
          resolve();
        }, 2000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.close(1000, 'appliance stopping');
      });
    }
    await Promise.all([...this.#work]);
  }

  #open(): void {
    if (!this.#running) return;
    const { device, hubUrl, now, logger } = this.#options;
    createDeviceToken({ device, now: now() })
      .then((token) => {
        if (!this.#running) return;
        const base = hubUrl.replace(/^http/, 'ws').replace(/\/+$/, '');
        const socket = new WebSocket(`${base}${RECORDING_RELAY_PATH}?token=${encodeURIComponent(token)}`, {
          maxPayload: recordingRelayLimits.maxFrameBytes,
        });
        this.#attach(socket);
      })
      .catch((error: unknown) => {
        logger.error('recordings: cannot open the relay to the hub', error);
        this.#retry();
      });
  }

  #attach(socket: WebSocket): void {
    const { countyCode, device, logger } = this.#options;
    this.#socket = socket;
    this.#welcomed = false;
    socket.on('open', () => {
      this.#alive();
      this.#send({ type: 'hello', requestId: 0, body: { countyCode, deviceId: device.deviceId } });
    });
    socket.on('ping', () => this.#alive());
    socket.on('message', (data: RawData, isBinary: boolean) => {
      this.#alive();
      if (!isBinary) {
        socket.close(1003, 'binary frames only');
        return;
      }
      this.#receive(toBytes(data));
    });
    socket.on('unexpected-response', (_request, response) => {
      // 401: not enrolled at the hub yet, or revoked; the enrolment may still arrive, so keep trying (and
      // say so once per status, not at every attempt).
      if (this.#lastRefusal !== response.statusCode) {
        logger.info(
          `recordings: the hub refused the relay connection (HTTP ${response.statusCode}); retrying`,
        );
      }
      this.#lastRefusal = response.statusCode;
      socket.terminate();
    });
    socket.on('error', (error) => logger.info(`recordings: relay socket error: ${error.message}`));
    socket.on('close', () => {
      if (this.#deadTimer !== null) clearTimeout(this.#deadTimer);
      this.#deadTimer = null;
      if (this.#welcomed) logger.info('recordings: relay to the hub closed');
      this.#welcomed = false;
      if (this.#socket === socket) this.#socket = null;
      this.#cancelAll();
      this.#retry();
    });
  }

  #alive(): void {
    if (this.#deadTimer !== null) clearTimeout(this.#deadTimer);
    const socket = this.#socket;
    this.#deadTimer = setTimeout(() => {
      this.#options.logger.info('recordings: no word from the hub; reopening the relay');
      socket?.terminate();
    }, this.#options.deadAfterMs);
    this.#deadTimer.unref();
  }

  #retry(): void {
    if (!this.#running || this.#retryTimer !== null) return;
    const { reconnectMinMs, reconnectMaxMs, random } = this.#options;
    const ceiling = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** this.#failures);
    this.#failures += 1;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryTimer = null;
        this.#open();
      },
      Math.round(random() * ceiling),
    );
  }

  #send(frame: RelayFrame): boolean {
    const socket = this.#socket;
    if (socket === null || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(encodeRelayFrame({ frame }));
    return true;
  }

  #receive(bytes: Uint8Array): void {
    let frame: RelayFrame;
    try {
      frame = decodeRelayFrame({ bytes });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.#options.logger.error(`recordings: the hub sent a bad relay frame: ${error.message}`);
      this.#send({
        type: 'error',
        requestId: 0,
        body: { code: error.code, message: error.message.slice(0, 1000) },
      });
      this.#socket?.close(1002, error.code);
      return;
    }
    switch (frame.type) {
      case 'welcome':
        this.#welcomed = true;
        this.#failures = 0;
        this.#lastRefusal = undefined;
        this.#options.logger.info(`recordings: relay to the hub ${frame.body.hubId} is up`);
        return;
      case 'request':
        this.#track(this.#answer({ requestId: frame.requestId, request: frame.body }));
        return;
      case 'credit': {
        const stream = this.#streams.get(frame.requestId);
        if (stream === undefined) return;
        stream.credit += frame.credit;
        stream.wake?.();
        return;
      }
      case 'cancel': {
        const stream = this.#streams.get(frame.requestId);
        if (stream === undefined) return;
        stream.cancelled = true;
        stream.wake?.();
        return;
      }
      case 'error':
        this.#options.logger.error(`recordings: the hub reports ${frame.body.code}: ${frame.body.message}`);
        return;
      default:
        this.#send({
          type: 'error',
          requestId: 0,
          body: {
            code: RelayErrorCode.malformed,
            message: `a hub does not send ${frame.type.toUpperCase()}`,
          },
        });
        this.#socket?.close(1002, 'malformed');
    }
  }

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) =>
      this.#options.logger.error('recordings: answering the hub failed', error),
    );
    this.#work.add(tracked);
    void tracked.finally(() => this.#work.delete(tracked));
  }

  async #answer(options: { requestId: number; request: RelayRequest }): Promise<void> {
    const { requestId, request } = options;
    const refuse = (code: RelayErrorCode, message: string, totalBytes?: number): void => {
      this.#send({
        type: 'error',
        requestId,
        body: totalBytes === undefined ? { code, message } : { code, message, totalBytes },
      });
    };
    if (this.#streams.has(requestId)) {
      refuse(RelayErrorCode.refused, `request ${requestId} is already being answered`);
      return;
    }
    if (this.#streams.size >= this.#options.maxConcurrent) {
      refuse(
        RelayErrorCode.busy,
        `this appliance streams at most ${this.#options.maxConcurrent} recordings at once`,
      );
      return;
    }
    const stream: Stream = { credit: request.window, cancelled: false, wake: null };
    this.#streams.set(requestId, stream);
    try {
      const found = await this.#locate({ callId: request.callId });
      if (!found.ok) {
        refuse(RelayErrorCode.notFound, found.message);
        return;
      }
      const { recordingId, path, size } = found;
      const range = parseRange({ header: request.range, size });
      if (range === 'unsatisfiable') {
        refuse(RelayErrorCode.unsatisfiable, `${request.range ?? ''} lies outside the ${size} bytes`, size);
        return;
      }
      const { start, end } = range ?? { start: 0, end: size - 1 };
      const length = end - start + 1;
      if (length > this.#options.maxRecordingBytes) {
        refuse(
          RelayErrorCode.tooLarge,
          `${length} bytes is more than the relay sends (${this.#options.maxRecordingBytes})`,
        );
        return;
      }
      if (stream.cancelled) return;
      // The county's own access log, as for a listen at a console: who at the hub, in what role, and why.
      await this.#options.store.logRecordingAccess({
        recordingId,
        username: `hub:${request.requestedBy.username}`,
        at: new Date(this.#options.now()).toISOString(),
        range: request.range,
        address: `hub ${request.requestedBy.role}; purpose: ${request.purpose}`,
      });
      if (
        !this.#send({
          type: 'head',
          requestId,
          body: { totalBytes: size, start, end, partial: range !== undefined },
        })
      )
        return;
      const sent = await this.#stream({ requestId, stream, path, start, end });
      if (sent === length) this.#send({ type: 'end', requestId, body: { bytes: sent } });
    } catch (error) {
      this.#options.logger.error(`recordings: relaying call ${request.callId} failed`, error);
      refuse(RelayErrorCode.internal, 'the appliance could not read the recording');
    } finally {
      this.#streams.delete(requestId);
    }
  }

  /** The call's recording on disk, or why not (the same answers as the console's route). */
  async #locate(options: {
    callId: string;
  }): Promise<
    { ok: true; recordingId: string; path: string; size: number } | { ok: false; message: string }
  > {
    const { store, files, countyCode } = this.#options;
    const call = await store.getCall({ id: options.callId });
    if (call === undefined)
      return { ok: false, message: `no call ${options.callId} at county ${countyCode}` };
    if (call.recordingId === null) return { ok: false, message: `call ${options.callId} has no recording` };
    const recording = await store.getRecording({ id: call.recordingId });
    if (recording === undefined) return { ok: false, message: `call ${options.callId} has no recording` };
    if (recording.purgedAt !== null) {
      return {
        ok: false,
        message: `the recording was purged on ${recording.purgedAt} by the retention policy`,
      };
    }
    try {
      const path = await files.locate({ path: recording.path });
      const { size } = await stat(path);
      if (size === 0) return { ok: false, message: 'the recording file is empty' };
      return { ok: true, recordingId: recording.id, path, size };
    } catch {
      await store.markRecording({ id: recording.id, missing: true });
      return { ok: false, message: 'the recording file is missing from disk at the county' };
    }
  }

  /** Sends bytes start…end as CHUNKs within the hub's credit; the bytes sent (fewer if cancelled). */
  async #stream(options: {
    requestId: number;
    stream: Stream;
    path: string;
    start: number;
    end: number;
  }): Promise<number> {
    const { requestId, stream } = options;
    const { chunkBytes } = this.#options;
    const file = createReadStream(options.path, {
      start: options.start,
      end: options.end,
      highWaterMark: chunkBytes,
    });
    let sent = 0;
    try {
      for await (const data of file) {
        const buffer = data as Buffer;
        let offset = 0;
        while (offset < buffer.byteLength) {
          await this.#ready(stream);
          if (stream.cancelled) return sent;
          const length = Math.min(stream.credit, buffer.byteLength - offset, chunkBytes);
          const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
          if (!this.#send({ type: 'chunk', requestId, bytes })) return sent;
          stream.credit -= length;
          offset += length;
          sent += length;
        }
        // END at once: the hub's listener should not wait for the file's end-of-stream.
        if (sent === options.end - options.start + 1) break;
      }
    } finally {
      file.destroy();
    }
    return sent;
  }

  /** Waits for credit from the hub and room in the socket's send buffer (or a cancel). */
  async #ready(stream: Stream): Promise<void> {
    while (!stream.cancelled && stream.credit === 0) {
      await new Promise<void>((resolve) => {
        stream.wake = resolve;
      });
      stream.wake = null;
    }
    while (!stream.cancelled && (this.#socket?.bufferedAmount ?? 0) > this.#options.highWaterBytes) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (this.#socket === null || this.#socket.readyState !== WebSocket.OPEN) stream.cancelled = true;
  }

  #cancelAll(): void {
    for (const stream of this.#streams.values()) {
      stream.cancelled = true;
      stream.wake?.();
    }
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
