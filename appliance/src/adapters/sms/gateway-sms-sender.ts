import { cleanSmsLine } from '../../domain/sms/sms-message';
import type { SmsSender } from '../../ports/sms-sender';

export const DEFAULT_GATEWAY_TIMEOUT_MS = 10_000;
/** A gateway's answer is read this far at most: only its id, or the start of its complaint, matters. */
const MAX_ANSWER_BYTES = 64 * 1024;

export type GatewaySmsSenderOptions = {
  /** `SMS_GATEWAY_URL`: http(s), where replies are POSTed. */
  url: string;
  /** `SMS_GATEWAY_TOKEN`: sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Our sender ID at the carrier, when the gateway wants one (e.g. `12345`). */
  from?: string | undefined;
  timeoutMs?: number;
};

/**
 * Sends SMS through a carrier's HTTP gateway:
 *
 * ```
 * POST <SMS_GATEWAY_URL>
 * Authorization: Bearer <SMS_GATEWAY_TOKEN>
 * Content-Type: application/json
 * Idempotency-Key: <our reply id>
 *
 * { "id": "<our reply id>", "to": "+8613800138000", "text": "…", "from": "12345" }
 * ```
 *
 * Any 2xx is accepted; when its body is JSON with a string `id`, that is the carrier's message id. Anything
 * else (another status, no answer within the timeout, a refused connection, a redirect) is a failure whose
 * message says which, with the status and the start of the gateway's answer, never the token.
 */
export class GatewaySmsSender implements SmsSender {
  readonly channel = 'gateway' as const;
  readonly #url: string;
  readonly #token: string;
  readonly #from: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: GatewaySmsSenderOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error('sms: the gateway URL must start with http:// or https://');
    }
    this.#url = url.toString();
    this.#token = options.token;
    this.#from = options.from;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_GATEWAY_TIMEOUT_MS;
  }

  async send(options: {
    id: string;
    phone: { e164: string; national: string };
    text: string;
  }): Promise<{ externalId: string | null }> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.#token}`,
          'content-type': 'application/json',
          accept: 'application/json',
          'idempotency-key': options.id,
        },
        body: JSON.stringify({
          id: options.id,
          to: options.phone.e164,
          text: options.text,
          ...(this.#from === undefined ? {} : { from: this.#from }),
        }),
        // A redirect could carry the bearer token somewhere else.
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new Error(`the SMS gateway did not answer within ${Math.round(this.#timeoutMs / 100) / 10} s`, {
          cause: error,
        });
      }
      throw new Error(`the SMS gateway could not be reached: ${describe({ error })}`, { cause: error });
    }
    const answer = await readCapped({ response }).catch(() => '');
    if (!response.ok) {
      const detail = cleanSmsLine({ text: answer, max: 200 });
      throw new Error(
        `the SMS gateway answered HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`,
      );
    }
    return { externalId: carrierId({ answer }) };
  }
}

async function readCapped(options: { response: Response }): Promise<string> {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = options.response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_ANSWER_BYTES));
}

function carrierId(options: { answer: string }): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(options.answer);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('id' in parsed)) return null;
  const id = parsed.id;
  return typeof id === 'string' && /^[\x21-\x7e]{1,128}$/.test(id) ? `gateway-out:${id}` : null;
}

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED, a DNS failure) is in its cause. */
function describe(options: { error: unknown }): string {
  const { error } = options;
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  const reason =
    cause instanceof Error
      ? (('code' in cause && typeof cause.code === 'string' ? cause.code : undefined) ?? cause.message)
      : error.message;
  return cleanSmsLine({ text: reason, max: 200 });
}
