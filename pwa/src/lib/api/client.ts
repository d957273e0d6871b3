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
import type {
  ApplianceEntry,
  ComplaintCommandRequest,
  ComplaintDetail,
  ComplaintListQuery,
  ComplaintRow,
  NewComplaintRequest,
  CreditReport,
  EnterpriseCommandRequest,
  EnterpriseDetail,
  EnterpriseListQuery,
  EnterpriseRow,
  HubAccount,
  NewHubAccount,
  OrderReport,
  CallReport,
  PeriodClosing,
  OrderReportQuery,
  RegisterWorkerRequest,
  WorkerRow,
  Course,
  CourseCommandRequest,
  CourseDetail,
  CourseListQuery,
  NewCourseRequest,
} from './hub-types';

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

  async #send(options: {
    method: 'GET' | 'POST';
    path: string;
    body?: unknown;
    /** A 401 naming this field is a wrong answer in a form (the current password), not an ended session. */
    formField?: string;
  }): Promise<Response> {
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
    const formRefusal =
      options.formField !== undefined && isErrorBody(body) && body.error.field === options.formField;
    if (response.status === 401 && !formRefusal) this.#onUnauthorized?.();
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

  /** The county's closed periods (`GET /api/periods`; supervisor, admin). */
  periods(): Promise<{ countyCode: string; closings: PeriodClosing[] }> {
    return this.#json({ method: 'GET', path: '/api/periods' });
  }

  /** Closes a day or a month that is over; a 409 (not over, already closed) is an ApiError naming `period`. */
  closePeriod(options: {
    period: { kind: 'day' | 'month'; start: string };
  }): Promise<{ closing: PeriodClosing }> {
    return this.#json({ method: 'POST', path: '/api/periods/close', body: options });
  }

  /** The call figures the counties closed, at the hub (`GET /api/reports/calls`). */
  callReport(options: { query: OrderReportQuery }): Promise<CallReport> {
    // Calls have no category: the hub refuses one.
    const search = reportSearch({ ...options.query, category: undefined });
    return this.#json({ method: 'GET', path: `/api/reports/calls?${search}` });
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

  /** Changes the signed-in hub user's own password. A wrong current one is refused (403) on `currentPassword`. */
  async changePassword(options: { currentPassword: string; newPassword: string }): Promise<void> {
    await this.#send({
      method: 'POST',
      path: '/api/auth/password',
      body: options,
      formField: 'currentPassword',
    });
  }

  /** An administrator sets another account's password; that account's sessions end. */
  async resetPassword(options: { username: string; newPassword: string }): Promise<void> {
    await this.#send({
      method: 'POST',
      path: `/api/users/${encodeURIComponent(options.username)}/password`,
      body: { newPassword: options.newPassword },
    });
  }

  /** Disables an account (administrator): its sessions end and it cannot sign in until enabled again. */
  async disableUser(options: { username: string; reason: string }): Promise<HubAccount> {
    return (
      await this.#json<{ user: HubAccount }>({
        method: 'POST',
        path: `/api/users/${encodeURIComponent(options.username)}/disable`,
        body: { reason: options.reason },
      })
    ).user;
  }

  async enableUser(options: { username: string }): Promise<HubAccount> {
    return (
      await this.#json<{ user: HubAccount }>({
        method: 'POST',
        path: `/api/users/${encodeURIComponent(options.username)}/enable`,
        body: {},
      })
    ).user;
  }

  /** The registry's enterprises and volunteer groups (registry officer, administrator). */
  async registryEnterprises(options: { query: EnterpriseListQuery }): Promise<EnterpriseRow[]> {
    const search = new URLSearchParams();
    const { status, kind, q } = options.query;
    if (status !== undefined) search.set('status', status);
    if (kind !== undefined) search.set('kind', kind);
    if (q !== undefined && q.trim() !== '') search.set('q', q.trim());
    const text = search.toString();
    return (
      await this.#json<{ enterprises: EnterpriseRow[] }>({
        method: 'GET',
        path: `/api/registry/enterprises${text === '' ? '' : `?${text}`}`,
      })
    ).enterprises;
  }

  /** One enterprise with its log, workers, explained credit score and the checks an approval needs. */
  registryEnterprise(options: { recordId: string }): Promise<EnterpriseDetail> {
    return this.#json({
      method: 'GET',
      path: `/api/registry/enterprises/${encodeURIComponent(options.recordId)}`,
    });
  }

  /** Proposes a command to the enterprise's record at its home; a refusal is an ApiError naming the field. */
  async registryCommand(options: {
    recordId: string;
    command: EnterpriseCommandRequest;
  }): Promise<EnterpriseRow> {
    return (
      await this.#json<{ enterprise: EnterpriseRow }>({
        method: 'POST',
        path: `/api/registry/enterprises/${encodeURIComponent(options.recordId)}/commands`,
        body: options.command,
      })
    ).enterprise;
  }

  async registryWorkers(options: { enterpriseId: string }): Promise<WorkerRow[]> {
    const search = new URLSearchParams({ enterpriseId: options.enterpriseId });
    return (
      await this.#json<{ workers: WorkerRow[] }>({
        method: 'GET',
        path: `/api/registry/workers?${search.toString()}`,
      })
    ).workers;
  }

  /** A worker the enterprise brings in: the record gets the masked number, the hub keeps the full one sealed. */
  async registerWorker(request: RegisterWorkerRequest): Promise<WorkerRow> {
    return (
      await this.#json<{ worker: WorkerRow }>({
        method: 'POST',
        path: '/api/registry/workers',
        body: request,
      })
    ).worker;
  }

  /** A worker's full identity number (the hub logs who read it). */
  async workerIdentity(options: { recordId: string }): Promise<string> {
    return (
      await this.#json<{ idNumber: string }>({
        method: 'GET',
        path: `/api/registry/workers/${encodeURIComponent(options.recordId)}/identity`,
      })
    ).idNumber;
  }

  /** The credit lists: recommended, punishment, normal; of one kind (enterprises or volunteer groups) when given. */
  creditLists(options: { kind?: EnterpriseListQuery['kind'] } = {}): Promise<CreditReport> {
    const query = options.kind === undefined ? '' : `?kind=${options.kind}`;
    return this.#json({ method: 'GET', path: `/api/registry/credit${query}` });
  }

  /**
   * An applicant's uploaded document as a Blob (its type from the hub's content-type): a link or an <img>
   * cannot send the Bearer token.
   */
  async document(options: { sha256: string }): Promise<Blob> {
    const response = await this.#send({
      method: 'GET',
      path: `/api/documents/${encodeURIComponent(options.sha256)}`,
    });
    return response.blob();
  }

  /** The complaints of counties within the caller's scope (arbitration, central office), nearest limit first. */
  async complaints(options: { query: ComplaintListQuery }): Promise<ComplaintRow[]> {
    const search = new URLSearchParams();
    const { status, overdue, assignedTo } = options.query;
    if (status !== undefined) search.set('status', status);
    if (overdue !== undefined) search.set('overdue', overdue);
    if (assignedTo !== undefined) search.set('assignedTo', assignedTo);
    const text = search.toString();
    return (
      await this.#json<{ complaints: ComplaintRow[] }>({
        method: 'GET',
        path: `/api/complaints${text === '' ? '' : `?${text}`}`,
      })
    ).complaints;
  }

  /** One complaint with the history of what was proposed on it. */
  complaint(options: { recordId: string }): Promise<ComplaintDetail> {
    return this.#json({ method: 'GET', path: `/api/complaints/${encodeURIComponent(options.recordId)}` });
  }

  /** Files a complaint at the hub (e.g. a citizen who phoned the centre); a refusal names the field. */
  async fileComplaint(options: { complaint: NewComplaintRequest }): Promise<ComplaintRow> {
    return (
      await this.#json<{ complaint: ComplaintRow }>({
        method: 'POST',
        path: '/api/complaints',
        body: options.complaint,
      })
    ).complaint;
  }

  /** Proposes a command on a complaint at the hub, its home; a refusal is an ApiError naming the field. */
  async complaintCommand(options: {
    recordId: string;
    command: ComplaintCommandRequest;
  }): Promise<ComplaintRow> {
    return (
      await this.#json<{ complaint: ComplaintRow }>({
        method: 'POST',
        path: `/api/complaints/${encodeURIComponent(options.recordId)}/commands`,
        body: options.command,
      })
    ).complaint;
  }

  /** The training courses and lectures (registry officer, administrator, central office), soonest first. */
  async listCourses(options: { query: CourseListQuery }): Promise<Course[]> {
    const search = new URLSearchParams();
    const { status, kind } = options.query;
    if (status !== undefined) search.set('status', status);
    if (kind !== undefined) search.set('kind', kind);
    const text = search.toString();
    return (
      await this.#json<{ courses: Course[] }>({
        method: 'GET',
        path: `/api/training/courses${text === '' ? '' : `?${text}`}`,
      })
    ).courses;
  }

  /** One course with its participants' issuance (once completed) and the history of its record. */
  readCourse(options: { recordId: string }): Promise<CourseDetail> {
    return this.#json({
      method: 'GET',
      path: `/api/training/courses/${encodeURIComponent(options.recordId)}`,
    });
  }

  /** Schedules a course at the hub; a refusal is an ApiError naming the field (`code`, `sessions.1.endsAt`…). */
  async scheduleCourse(options: { course: NewCourseRequest }): Promise<Course> {
    return (
      await this.#json<{ course: Course }>({
        method: 'POST',
        path: '/api/training/courses',
        body: options.course,
      })
    ).course;
  }

  /** Proposes a command on a course at the hub, its home; answers the course as it now stands. */
  courseCommand(options: {
    recordId: string;
    command: CourseCommandRequest;
  }): Promise<{ proposalId: string; course: Course }> {
    return this.#json({
      method: 'POST',
      path: `/api/training/courses/${encodeURIComponent(options.recordId)}/commands`,
      body: options.command,
    });
  }

  /**
   * A county's recording relayed by the hub, as a Blob, from the `url` the complaint's evidence carries
   * (`/api/recordings/<county>/<callId>?purpose=<recordId>`): an <audio src> cannot send the Bearer token.
   * Only the hub's own recording paths are fetched, so a tampered record cannot send the token elsewhere.
   */
  async relayedRecording(options: { url: string }): Promise<Blob> {
    if (!/^\/api\/recordings\/\d{6}\/[^/?#]+\?purpose=[^#]+$/.test(options.url)) {
      throw new ApiError({
        status: 400,
        code: 'invalid_url',
        field: 'url',
        message: 'not a recording of the hub',
      });
    }
    const response = await this.#send({ method: 'GET', path: options.url });
    return response.blob();
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
