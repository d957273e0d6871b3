/** JSON over HTTP to the hub and the appliances, as any script would talk to them. */

export type JsonResponse = { status: number; body: unknown };

export async function requestJson(options: {
  url: string;
  token?: string | undefined;
  body?: unknown;
  timeoutMs?: number;
}): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(options.url, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: response.status, body };
}

/** Like requestJson, but anything but 2xx (or one of `alsoOk`) is an error naming the URL. */
export async function callJson<T>(options: {
  url: string;
  token?: string | undefined;
  body?: unknown;
  alsoOk?: readonly number[];
}): Promise<T> {
  const response = await requestJson(options);
  if ((response.status < 200 || response.status > 299) && !(options.alsoOk ?? []).includes(response.status))
    throw new Error(
      `${options.body === undefined ? 'GET' : 'POST'} ${options.url}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`,
    );
  return response.body as T;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/**
 * Polls `check` until it returns something other than undefined; every `reportEveryMs` it calls
 * `progress` with the seconds waited, so a first start (PGlite initdb) shows it is alive.
 */
export async function waitFor<T>(options: {
  what: string;
  check: () => Promise<T | undefined>;
  timeoutMs: number;
  intervalMs?: number;
  progress?: (seconds: number) => void;
  reportEveryMs?: number;
  /** Throws to give up early (a child process that exited). */
  abort?: () => void;
}): Promise<T> {
  const started = Date.now();
  let reported = started;
  for (;;) {
    options.abort?.();
    try {
      const value = await options.check();
      if (value !== undefined) return value;
    } catch {
      // not yet
    }
    const now = Date.now();
    if (now - started > options.timeoutMs)
      throw new Error(`${options.what}: not done after ${Math.round(options.timeoutMs / 1000)} s`);
    if (options.progress !== undefined && now - reported >= (options.reportEveryMs ?? 5_000)) {
      reported = now;
      options.progress(Math.round((now - started) / 1000));
    }
    await sleep(options.intervalMs ?? 250);
  }
}

/** `GET <url>/health` answers 200 with `ok: true`. */
export async function isHealthy(url: string): Promise<boolean | undefined> {
  const response = await requestJson({ url: `${url}/health`, timeoutMs: 2_000 });
  return response.status === 200 && (response.body as { ok?: unknown } | null)?.ok === true
    ? true
    : undefined;
}
