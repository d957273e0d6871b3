import type { RelayErrorCode, RelayHead, RelayRequest } from '@jiazheng/sync/protocol';

/** How the body ended, for the access log. */
export type RelayFinish = { bytes: number; outcome: 'served' | 'aborted' | 'failed'; reason: string | null };

export type RelayFetchResult =
  | {
      ok: true;
      head: RelayHead;
      /** Pull-driven: each chunk the listener takes is granted back to the appliance as credit. */
      body: ReadableStream<Uint8Array>;
      finished: Promise<RelayFinish>;
    }
  | {
      ok: false;
      code: RelayErrorCode | 'not_connected' | 'timeout';
      message: string;
      totalBytes?: number | undefined;
    };

/** What the HTTP routes ask of the recording relay (adapters/recordings/recording-relay-hub.ts). */
export type RecordingFetcher = {
  fetch(options: {
    countyCode: string;
    request: Omit<RelayRequest, 'window'>;
    signal?: AbortSignal | undefined;
  }): Promise<RelayFetchResult>;
};
