import { createId, findRegion, regionCodeSchema } from '@jiazheng/sync/domain';
import { HttpError, HttpErrorCode, invalidInput, readJsonBody } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  announcementRequestSchema,
  enterpriseApplicationSchema,
  firstIssue,
  issuesByField,
  webComplaintSchema,
  webOrderSchema,
} from '../../domain/public-forms';
import {
  checkUploadedDocuments,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS,
  type UploadedFile,
} from '../../domain/uploaded-documents';
import type { DocumentStore } from '../../ports/document-store';
import { bodyLimit } from 'hono/body-limit';
import type { PublicSiteSource } from '../../ports/public-site-source';
import type { PublicSubmissionStore } from '../../ports/public-submissions';
import { SlidingWindowRateLimiter } from './rate-limiter';
import {
  announcementsPage,
  complaintPage,
  enterprisesPage,
  homePage,
  joinPage,
  orderPage,
  pathFor,
  receivedPage,
  servicesPage,
  SITE_CSS,
  tooManyPage,
  type FormState,
  type Html,
  type Lang,
} from './site-views';

/** The government service hotline, until the centre's own number is configured. */
export const DEFAULT_HOTLINE = '12345';
/** Per client address and form: generous for a person correcting typos, useless for a flood. */
export const DEFAULT_FORM_RATE_LIMIT = { limit: 5, windowMs: 10 * 60 * 1000 } as const;
const REFERENCE_LENGTH = 8;

export type PublicSiteOptions = {
  source: PublicSiteSource;
  submissions: PublicSubmissionStore;
  hotline?: string | undefined;
  rateLimit?: { limit: number; windowMs: number } | undefined;
  /**
   * Who is posting, for the rate limit. Defaults to the socket's peer address: X-Forwarded-For is set by
   * whoever sends the request, so it is trusted only if a deployment behind a proxy says so here.
   */
  clientAddress?: ((c: Context) => string) | undefined;
  /** Where applications' documents are kept; without it there is no recruitment form (`/join`). */
  documents?: DocumentStore | undefined;
  now?: (() => number) | undefined;
};

/** Every document at its largest, and room for the fields and the multipart framing. */
export const MAX_APPLICATION_BYTES = MAX_DOCUMENTS * MAX_DOCUMENT_BYTES + 256 * 1024;
const applicationFields = ['kind', 'name', 'licenceNumber', 'contactName', 'contactPhone'] as const;

/**
 * The centre's public website (Chinese first, `?lang=en` for English) and the admin endpoints behind it.
 * Forms are plain same-origin POSTs answered by a redirect (no client script). They carry no CSRF token
 * because there is nothing to forge: the site sets no cookies and has no sessions, so a forged post is
 * no more than anyone can send directly, which the validation, honeypot and rate limit already face.
 */
export function installPublicSite(options: PublicSiteOptions & { app: Hono }): void {
  const { app, source, submissions } = options;
  const hotline = options.hotline ?? DEFAULT_HOTLINE;
  const now = options.now ?? Date.now;
  const clientAddress = options.clientAddress ?? socketAddress;
  const limiter = new SlidingWindowRateLimiter(options.rateLimit ?? DEFAULT_FORM_RATE_LIMIT);

  const page = (c: Context, body: Html, status: ContentfulStatusCode = 200) => c.html(body, status);

  app.get('/site.css', (c) => {
    c.header('cache-control', 'public, max-age=3600');
    return c.body(SITE_CSS, 200, { 'content-type': 'text/css; charset=utf-8' });
  });

  app.get('/services', (c) => page(c, servicesPage({ lang: langOf(c), hotline })));

  app.get('/enterprises', async (c) =>
    page(
      c,
      enterprisesPage({ lang: langOf(c), hotline, enterprises: await source.listRecommendedEnterprises() }),
    ),
  );

  app.get('/announcements', async (c) =>
    page(
      c,
      announcementsPage({
        lang: langOf(c),
        hotline,
        announcements: await submissions.listAnnouncements({ limit: 100, now: now() }),
      }),
    ),
  );

  app.get('/order', async (c) =>
    page(
      c,
      orderPage({
        lang: langOf(c),
        hotline,
        counties: await source.listOrderCounties(),
        form: { values: {}, errors: {} },
      }),
    ),
  );

  app.post('/order', async (c) => {
    const lang = langOf(c);
    const limited = rateLimit(c, 'order');
    if (limited) return limited;
    const form = await readForm(c, [
      'name',
      'phone',
      'countyCode',
      'itemCode',
      'address',
      'wantedDate',
      'notes',
    ]);
    if (form.honeypot) return c.redirect(pathFor({ path: '/order/done', lang }), 303);
    const counties = await source.listOrderCounties();
    const parsed =
      form.errors.size === 0
        ? webOrderSchema({ now: now(), counties: new Set(counties) }).safeParse(form.values)
        : null;
    if (!parsed?.success) {
      const state = formState({ values: form.values, formErrors: form.errors, error: parsed?.error });
      return page(c, orderPage({ lang, hotline, counties, form: state }), 400);
    }
    const order = parsed.data;
    const { recordId } = await source.receiveWebOrder({
      countyCode: order.countyCode,
      citizenName: order.name,
      citizenPhone: order.phone,
      itemCode: order.itemCode,
      address: order.address,
      wantedAt: order.wantedDate,
      notes: order.notes,
    });
    const ref = recordId.slice(-REFERENCE_LENGTH);
    return c.redirect(pathFor({ path: `/order/done?ref=${ref}&county=${order.countyCode}`, lang }), 303);
  });

  app.get('/order/done', (c) =>
    page(
      c,
      receivedPage({
        lang: langOf(c),
        hotline,
        kind: 'order',
        reference: referenceOf(c),
        countyCode: countyOf(c),
      }),
    ),
  );

  app.get('/complaint', async (c) =>
    page(
      c,
      complaintPage({
        lang: langOf(c),
        hotline,
        enterprises: await source.listRecommendedEnterprises(),
        counties: await source.listOrderCounties(),
        form: { values: {}, errors: {} },
      }),
    ),
  );

  app.post('/complaint', async (c) => {
    const lang = langOf(c);
    const limited = rateLimit(c, 'complaint');
    if (limited) return limited;
    const form = await readForm(c, [
      'name',
      'phone',
      'countyCode',
      'enterpriseId',
      'enterpriseName',
      'kind',
      'description',
    ]);
    if (form.honeypot) return c.redirect(pathFor({ path: '/complaint/done', lang }), 303);
    const [enterprises, counties] = await Promise.all([
      source.listRecommendedEnterprises(),
      source.listOrderCounties(),
    ]);
    const parsed =
      form.errors.size === 0
        ? webComplaintSchema({
            enterpriseIds: new Set(enterprises.map((e) => e.id)),
            counties: new Set(counties),
          }).safeParse(form.values)
        : null;
    if (!parsed?.success) {
      const state = formState({ values: form.values, formErrors: form.errors, error: parsed?.error });
      return page(c, complaintPage({ lang, hotline, enterprises, counties, form: state }), 400);
    }
    const complaint = parsed.data;
    // A complaint record at the hub (its home), filed by the hub's system user and decided at once.
    const { recordId } = await source.receiveWebComplaint({
      countyCode: complaint.countyCode,
      citizenName: complaint.name,
      citizenPhone: complaint.phone,
      enterpriseId: complaint.enterpriseId,
      enterpriseName: complaint.enterpriseName,
      kind: complaint.kind,
      description: complaint.description,
    });
    const ref = recordId.slice(-REFERENCE_LENGTH);
    return c.redirect(pathFor({ path: `/complaint/done?ref=${ref}`, lang }), 303);
  });

  app.get('/complaint/done', (c) =>
    page(
      c,
      receivedPage({
        lang: langOf(c),
        hotline,
        kind: 'complaint',
        reference: referenceOf(c),
        countyCode: null,
      }),
    ),
  );

  if (options.documents)
    installRecruitment({ app, source, documents: options.documents, hotline, now, rateLimit });

  // ---- admin (the /api/* middleware has checked the token) ----

  app.post('/api/announcements', async (c) => {
    const parsed = announcementRequestSchema.safeParse(await readJsonBody(c));
    if (!parsed.success) throw invalidInput(firstIssue(parsed.error));
    const createdAt = now();
    const announcement = {
      id: createId({ now: createdAt }),
      title: parsed.data.title,
      body: parsed.data.body,
      publishedAt: parsed.data.publishedAt ?? createdAt,
      createdAt,
    };
    await submissions.appendAnnouncement({ announcement });
    return c.json({ announcement }, 201);
  });

  app.get('/api/public/complaints', async (c) => {
    const values = c.req.queries('limit') ?? [];
    const text = values[0] ?? '100';
    if (values.length > 1 || !/^\d{1,4}$/.test(text) || Number(text) < 1) {
      throw invalidInput({ field: 'limit', message: 'must be a whole number from 1 to 9999, given once' });
    }
    return c.json({ complaints: await submissions.listComplaints({ limit: Number(text) }) });
  });

  function rateLimit(c: Context, form: string): Response | Promise<Response> | null {
    const result = limiter.hit({ key: `${form}:${clientAddress(c)}`, now: now() });
    if (result.ok) return null;
    c.header('retry-after', String(result.retryAfterSec));
    return page(c, tooManyPage({ lang: langOf(c), hotline }), 429);
  }
}

/** The home page: HTML for people; the hub's JSON index for a client that asks for JSON only. */
export function renderHomePage(options: {
  c: Context;
  submissions: PublicSubmissionStore;
  hotline?: string | undefined;
  now?: (() => number) | undefined;
}): Promise<Response> {
  const { c } = options;
  const now = options.now ?? Date.now;
  return options.submissions
    .listAnnouncements({ limit: 5, now: now() })
    .then((announcements) =>
      c.html(homePage({ lang: langOf(c), hotline: options.hotline ?? DEFAULT_HOTLINE, announcements })),
    );
}

export function langOf(c: Context): Lang {
  return c.req.query('lang') === 'en' ? 'en' : 'zh';
}

function socketAddress(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return unmapped(incoming?.socket?.remoteAddress ?? 'unknown');
}

/** An IPv4 peer on a dual-stack socket shows as ::ffff:203.0.113.5; one client, one spelling. */
function unmapped(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * The client address behind trusted reverse proxies: when the socket's peer is one of them, the rightmost
 * X-Forwarded-For entry that is not (each proxy appends the address it saw; entries left of the first
 * untrusted one could have been written by the client). Otherwise the peer itself.
 */
export function forwardedClientAddress(options: {
  trustedProxies: readonly string[];
}): (c: Context) => string {
  const trusted = new Set(options.trustedProxies.map(unmapped));
  return (c) => {
    const peer = socketAddress(c);
    if (!trusted.has(peer)) return peer;
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => unmapped(hop.trim()))
      .filter((hop) => hop !== '');
    for (const hop of hops.reverse()) if (!trusted.has(hop)) return hop.slice(0, 64);
    return peer;
  };
}

function referenceOf(c: Context): string | null {
  const ref = c.req.query('ref') ?? '';
  return /^[0-9A-Z]{8}$/.test(ref) ? ref : null;
}

function countyOf(c: Context): string | null {
  const code = c.req.query('county') ?? '';
  return regionCodeSchema.safeParse(code).success && findRegion({ code }) ? code : null;
}

/**
 * A form post's fields. Only `application/x-www-form-urlencoded` (what a plain form sends) is read; a
 * field given twice is an error for that field, not a silent choice between the two.
 */
async function readForm(
  c: Context,
  fields: readonly string[],
): Promise<{ values: Record<string, string>; errors: Map<string, string>; honeypot: boolean }> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new HttpError({
      status: 415,
      body: {
        code: HttpErrorCode.unsupportedMediaType,
        field: 'content-type',
        message: 'content-type: must be application/x-www-form-urlencoded',
      },
    });
  }
  const params = new URLSearchParams(await c.req.text());
  const values: Record<string, string> = {};
  const errors = new Map<string, string>();
  for (const field of fields) {
    const all = params.getAll(field);
    if (all.length > 1) errors.set(field, '只能填写一次 / given more than once');
    values[field] = all[0] ?? '';
  }
  return { values, errors, honeypot: (params.get('website') ?? '') !== '' };
}

/** The form as it goes back to the reader: what they typed (escaped when rendered) and every error. */
function formState(options: {
  values: Record<string, string>;
  formErrors: Map<string, string>;
  error: z.ZodError | undefined;
}): FormState {
  const errors = {
    ...Object.fromEntries(options.formErrors),
    ...(options.error ? issuesByField(options.error) : {}),
  };
  // A 10 KB name is not worth sending back: the field's error says why it was refused.
  const values = Object.fromEntries(Object.entries(options.values).map(([k, v]) => [k, v.slice(0, 2000)]));
  return { values, errors };
}

/** The recruitment form (`/join`) and the registry's access to the documents it brings. */
function installRecruitment(options: {
  app: Hono;
  source: PublicSiteSource;
  documents: DocumentStore;
  hotline: string;
  now: () => number;
  rateLimit: (c: Context, form: string) => Response | Promise<Response> | null;
}): void {
  const { app, source, documents, hotline } = options;
  const page = (c: Context, body: Html, status: ContentfulStatusCode = 200) => c.html(body, status);

  app.get('/join', async (c) =>
    page(
      c,
      joinPage({
        lang: langOf(c),
        hotline,
        counties: await source.listOrderCounties(),
        form: { values: {}, errors: {} },
      }),
    ),
  );

  app.post(
    '/join',
    bodyLimit({
      maxSize: MAX_APPLICATION_BYTES,
      onError: () => {
        throw new HttpError({
          status: 413,
          body: {
            code: HttpErrorCode.payloadTooLarge,
            field: 'documents',
            message: `body: must be at most ${MAX_APPLICATION_BYTES} bytes (${MAX_DOCUMENTS} files of 5 MB)`,
          },
        });
      },
    }),
    async (c) => {
      const lang = langOf(c);
      const limited = options.rateLimit(c, 'join');
      if (limited) return limited;
      const form = await readMultipartForm(c);
      if (form.honeypot) return c.redirect(pathFor({ path: '/join/done', lang }), 303);
      const counties = await source.listOrderCounties();
      const parsed =
        form.errors.size === 0
          ? enterpriseApplicationSchema({ counties: new Set(counties) }).safeParse({
              ...form.values,
              items: form.lists.items,
              counties: form.lists.counties,
            })
          : null;
      const checked = checkUploadedDocuments({
        files: form.files,
        required: form.values.kind === 'enterprise',
      });
      if (!parsed?.success || !checked.ok) {
        const state = formState({ values: form.values, formErrors: form.errors, error: parsed?.error });
        if (!checked.ok) state.errors.documents ??= checked.message;
        return page(c, joinPage({ lang, hotline, counties, form: state }), 400);
      }
      const stored = [];
      for (const document of checked.documents) {
        const { sha256 } = await documents.put({ bytes: document.bytes, type: document.type });
        stored.push({ name: document.name, sha256 });
      }
      const application = parsed.data;
      const { recordId } = await source.receiveApplication({
        ...application,
        licenceNumber: application.licenceNumber === '' ? null : application.licenceNumber,
        documents: stored,
      });
      const ref = recordId.slice(-REFERENCE_LENGTH);
      return c.redirect(pathFor({ path: `/join/done?ref=${ref}`, lang }), 303);
    },
  );

  app.get('/join/done', (c) =>
    page(
      c,
      receivedPage({
        lang: langOf(c),
        hotline,
        kind: 'application',
        reference: referenceOf(c),
        countyCode: null,
      }),
    ),
  );

  // The registry officer reads what an applicant uploaded (http-app.ts checks the role). Sent as an
  // attachment, never rendered inline as the hub's own page: the bytes are the applicant's.
  app.get('/api/documents/:sha256', async (c) => {
    const sha256 = c.req.param('sha256');
    if (!/^[0-9a-f]{64}$/.test(sha256))
      throw invalidInput({ field: 'sha256', message: 'must be 64 lower-case hex digits' });
    const document = await documents.get({ sha256 });
    if (!document) {
      throw new HttpError({
        status: 404,
        body: { code: HttpErrorCode.notFound, field: 'sha256', message: `sha256: no document ${sha256}` },
      });
    }
    const extension =
      document.type === 'application/pdf' ? 'pdf' : document.type === 'image/png' ? 'png' : 'jpg';
    return c.body(new Uint8Array(document.bytes), 200, {
      'content-type': document.type,
      'content-disposition': `attachment; filename="${sha256}.${extension}"`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    });
  });
}

/**
 * The recruitment form's post: `multipart/form-data` only. Single fields given twice are that field's
 * error; `items` and `counties` are lists; `documents` are files (a string there is ignored).
 */
async function readMultipartForm(c: Context): Promise<{
  values: Record<string, string>;
  lists: { items: string[]; counties: string[] };
  files: UploadedFile[];
  errors: Map<string, string>;
  honeypot: boolean;
}> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'multipart/form-data') {
    throw new HttpError({
      status: 415,
      body: {
        code: HttpErrorCode.unsupportedMediaType,
        field: 'content-type',
        message: 'content-type: must be multipart/form-data',
      },
    });
  }
  let body: Record<string, string | File | (string | File)[]>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    throw invalidInput({ field: 'body', message: 'is not a readable multipart/form-data body' });
  }
  const all = (name: string) => {
    const value = body[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  const values: Record<string, string> = {};
  const errors = new Map<string, string>();
  for (const field of applicationFields) {
    const given = all(field);
    if (given.length > 1) errors.set(field, '只能填写一次 / given more than once');
    const first = given[0];
    values[field] = typeof first === 'string' ? first : '';
  }
  const strings = (name: string) =>
    all(name)
      .filter((v): v is string => typeof v === 'string')
      .slice(0, 500);
  const lists = { items: strings('items'), counties: strings('counties') };
  // Sent back as `a,b` so the page can tick what was chosen.
  values.items = lists.items.join(',').slice(0, 4000);
  values.counties = lists.counties.join(',').slice(0, 4000);
  const files: UploadedFile[] = [];
  for (const file of all('documents')) {
    if (typeof file === 'string') continue;
    files.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  }
  const website = all('website')[0];
  return { values, lists, files, errors, honeypot: typeof website === 'string' && website !== '' };
}
