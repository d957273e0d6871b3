import { createId, findRegion, regionCodeSchema } from '@jiazheng/sync/domain';
import { HttpError, HttpErrorCode, invalidInput, readJsonBody } from '@jiazheng/sync/node';
import type { Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import {
  announcementRequestSchema,
  firstIssue,
  issuesByField,
  webComplaintSchema,
  webOrderSchema,
} from '../../domain/public-forms';
import type { PublicSiteSource } from '../../ports/public-site-source';
import type { PublicSubmissionStore } from '../../ports/public-submissions';
import { SlidingWindowRateLimiter } from './rate-limiter';
import {
  announcementsPage,
  complaintPage,
  enterprisesPage,
  homePage,
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
  now?: (() => number) | undefined;
};

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
      'enterpriseId',
      'enterpriseName',
      'kind',
      'description',
    ]);
    if (form.honeypot) return c.redirect(pathFor({ path: '/complaint/done', lang }), 303);
    const enterprises = await source.listRecommendedEnterprises();
    const parsed =
      form.errors.size === 0
        ? webComplaintSchema({ enterpriseIds: new Set(enterprises.map((e) => e.id)) }).safeParse(form.values)
        : null;
    if (!parsed?.success) {
      const state = formState({ values: form.values, formErrors: form.errors, error: parsed?.error });
      return page(c, complaintPage({ lang, hotline, enterprises, form: state }), 400);
    }
    const id = createId({ now: now() });
    await submissions.appendComplaint({
      complaint: { id, receivedAt: now(), ...parsed.data },
    });
    return c.redirect(pathFor({ path: `/complaint/done?ref=${id.slice(-REFERENCE_LENGTH)}`, lang }), 303);
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
