import type {
  ApiErrorBody,
  CallbackEntry,
  CallsByPhoneResponse,
  DeviceEnrolment,
  LiveCallsResponse,
  LoginResponse,
  SeatStatus,
  User,
  Wallboard,
} from './types';
import type { ApplianceEntry, HubAccount, NewHubAccount, OrderReport, OrderReportQuery } from './hub-types';

/** An answer from the appliance that is not 2xx, or no answer at all (`status` 0, code `network`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;

  constructor(options: { status: number; code: string; field: string | null; message: string }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.field = options.field;
  }
}

export type ApiClientOptions = {
  /** '' for same origin (the appliance serves the app); a full origin in tests. */
  baseUrl?: string;
  getToken: () => string | null;
  fetch?: typeof fetch;
  /** Called on a 401, so the app can drop its session and show the login again. */
  onUnauthorized?: () => void;
};

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && typeof (error as { code: unknown }).code === 'string';
}

/** The appliance's HTTP API: JSON in and out, `Authorization: Bearer <session token>`. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #getToken: () => string | null;
  readonly #fetch: typeof fetch;
  readonly #onUnauthorized: (() => void) | undefined;

  constructor(options: ApiClientOptions) {
    this.#baseUrl = options.baseUrl ?? '';
    this.#getToken = options.getToken;
    // Bound: a bare `fetch` reference called as a method throws "Illegal invocation" in browsers.
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#onUnauthorized = options.onUnauthorized;
  }

  async #send(options: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#getToken();
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#baseUrl}${options.path}`, {
        method: options.method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
    } catch (error) {
      throw new ApiError({
        status: 0,
        code: 'network',
        field: null,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    if (response.ok) return response;
    let body: unknown = null;
    try {
      body = await response.json();
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    if (response.status === 401) this.#onUnauthorized?.();
    if (isErrorBody(body)) {
      throw new ApiError({ status: response.status, ...body.error, field: body.error.field ?? null });
    }
    throw new ApiError({
      status: response.status,
      code: 'http_' + String(response.status),
      field: null,
      message: response.statusText || `HTTP ${response.status}`,
    });
  }

  async #json<T>(options: { method: 'GET' | 'POST'; path: string; body?: unknown }): Promise<T> {
    const response = await this.#send(options);
    return (await response.json()) as T;
  }

  login(options: { username: string; password: string }): Promise<LoginResponse> {
    return this.#json({ method: 'POST', path: '/api/auth/login', body: options });
  }

  async logout(): Promise<void> {
    await this.#json({ method: 'POST', path: '/api/auth/logout', body: {} });
  }

  async me(): Promise<User> {
    return (await this.#json<{ user: User }>({ method: 'GET', path: '/api/me' })).user;
  }

  setSeatStatus(options: { status: SeatStatus }): Promise<{ agent: string; status: string }> {
    return this.#json({ method: 'POST', path: '/api/seat/status', body: { status: options.status } });
  }

  callsByPhone(options: { phone: string; limit?: number }): Promise<CallsByPhoneResponse> {
    const query = new URLSearchParams({ phone: options.phone });
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    return this.#json({ method: 'GET', path: `/api/calls?${query.toString()}` });
  }

  liveCalls(): Promise<LiveCallsResponse> {
    return this.#json({ method: 'GET', path: '/api/calls/live' });
  }

  async answerCall(options: { callId: string }): Promise<void> {
    await this.#json({
      method: 'POST',
      path: `/api/calls/${encodeURIComponent(options.callId)}/answer`,
      body: {},
    });
  }

  async callbacks(options: { open?: boolean } = {}): Promise<CallbackEntry[]> {
    const open = options.open ?? true;
    const body = await this.#json<{ callbacks: CallbackEntry[] }>({
      method: 'GET',
      path: `/api/callbacks?open=${String(open)}`,
    });
    return body.callbacks;
  }

  async completeCallback(options: { callId: string }): Promise<void> {
    await this.#json({
      method: 'POST',
      path: `/api/callbacks/${encodeURIComponent(options.callId)}/done`,
      body: {},
    });
  }

  /**
   * Rings the user's own seat phone, then the citizen (`POST /api/calls/dial`, 202): the appliance places
   * the call so it is recorded and tied to the order like any other.
   */
  dial(options: {
    phone: string;
    kind: 'return_visit' | 'callback';
    orderId?: string;
  }): Promise<{ callId: string }> {
    return this.#json({ method: 'POST', path: '/api/calls/dial', body: options });
  }

  /**
   * A recording as a Blob: an <audio src> cannot send the Bearer token, so the console fetches it and plays
   * an object URL.
   */
  async recording(options: { id: string }): Promise<Blob> {
    const response = await this.#send({
      method: 'GET',
      path: `/api/recordings/${encodeURIComponent(options.id)}`,
    });
    return response.blob();
  }

  /** Sends an SMS from the centre's number (an enterprise told of a dispatch, a reply to a citizen). */
  async sendSms(options: { to: string; text: string }): Promise<void> {
    await this.#json({ method: 'POST', path: '/api/sms/reply', body: options });
  }

  /** The supervisors' wall board: queues, seats, today's and this week's figures (403 for other roles). */
  wallboard(): Promise<Wallboard> {
    return this.#json({ method: 'GET', path: '/api/wallboard' });
  }

  /** Enrols this browser's signing key for the logged-in user (`POST /api/devices`). */
  enrolDevice(options: { deviceId: string; publicKey: string }): Promise<DeviceEnrolment> {
    return this.#json({ method: 'POST', path: '/api/devices', body: options });
  }

  /** The hub's order statistics (`GET /api/reports/orders`; administrator, analyst, supervisor). */
  orderReport(options: { query: OrderReportQuery }): Promise<OrderReport> {
    return this.#json({ method: 'GET', path: `/api/reports/orders?${reportSearch(options.query)}` });
  }

  /**
   * The same report as a file (`format=csv|xlsx`): a link cannot send the Bearer token, so the dashboard
   * fetches it and saves an object URL. The name is the hub's (`content-disposition`).
   */
  async orderReportFile(options: {
    query: OrderReportQuery;
    format: 'csv' | 'xlsx';
  }): Promise<{ blob: Blob; fileName: string }> {
    const response = await this.#send({
      method: 'GET',
      path: `/api/reports/orders?${reportSearch(options.query)}&format=${options.format}`,
    });
    const disposition = response.headers.get('content-disposition') ?? '';
    const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `orders.${options.format}`;
    return { blob: await response.blob(), fileName };
  }

  /** The hub's view of the county appliances (technician, administrator). */
  async appliances(): Promise<ApplianceEntry[]> {
    return (await this.#json<{ appliances: ApplianceEntry[] }>({ method: 'GET', path: '/api/appliances' }))
      .appliances;
  }

  /** Revokes an appliance at the hub: its next sync connection is refused. */
  async revokeAppliance(options: { deviceId: string; reason: string }): Promise<void> {
    await this.#json({
      method: 'POST',
      path: `/api/appliances/${encodeURIComponent(options.deviceId)}/revoke`,
      body: { reason: options.reason },
    });
  }

  /** The hub's staff accounts within the administrator's scope. */
  async users(): Promise<HubAccount[]> {
    return (await this.#json<{ users: HubAccount[] }>({ method: 'GET', path: '/api/users' })).users;
  }

  /** Creates a staff account at the hub (administrator): 409 `conflict` when the username is taken. */
  async createUser(options: { account: NewHubAccount }): Promise<HubAccount> {
    return (
      await this.#json<{ user: HubAccount }>({ method: 'POST', path: '/api/users', body: options.account })
    ).user;
  }

  /** `ws://host/sync?token=…`: the record sync with the appliance, authenticated by a device token. */
  syncSocketUrl(options: { deviceToken: string; origin?: string }): string {
    const origin = this.#baseUrl || options.origin || globalThis.location.origin;
    return `${origin.replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(options.deviceToken)}`;
  }

  /** `ws://host/ws/console?token=…` on the same host as the API. */
  consoleSocketUrl(options: { token: string; origin?: string }): string {
    const origin = this.#baseUrl || options.origin || globalThis.location.origin;
    return `${origin.replace(/^http/, 'ws')}/ws/console?token=${encodeURIComponent(options.token)}`;
  }
}

/** The report's query string, parameters in a stable order, optional ones only when set. */
export function reportSearch(query: OrderReportQuery): string {
  const search = new URLSearchParams({ level: query.level });
  if (query.within !== undefined) search.set('within', query.within);
  search.set('period', query.period);
  search.set('from', query.from);
  search.set('to', query.to);
  if (query.category !== undefined) search.set('category', query.category);
  return search.toString();
}
