import {
  findItem,
  Handling,
  isFreeCommunityService,
  regionCodeSchema,
  tryNormalisePhone,
  validateCreditCode,
} from '@jiazheng/sync/domain';
import { z } from 'zod';

/**
 * What the centre's public website accepts from anyone on the internet: the order form, the complaint form
 * and (from staff, over the admin API) announcements. Every field is checked here so that a refusal names
 * the field and the page can show the error beside it; the order reducer checks the payload again at the
 * county's home.
 */

/** China has no daylight saving: Beijing time is always UTC+8. */
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
/** How far ahead a citizen may book online; later wishes are a call, not a form. */
export const MAX_DAYS_AHEAD = 90;

/**
 * C0 and C1 controls other than tab and newline, and the bidirectional overrides and isolates: none has a
 * place in a name or an address, and the bidi ones can make text read differently to staff than it is stored.
 */
// eslint-disable-next-line no-control-regex
const forbiddenCharacters = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const lineBreak = /[\r\n\t\u2028\u2029]/;

function lineSchema(options: { min: number; max: number }) {
  return z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(options.min, options.min === 1 ? '必填 / required' : `至少 ${options.min} 个字 / too short`)
        .max(options.max, `最多 ${options.max} 个字 / at most ${options.max} characters`)
        .refine(
          (s) => !forbiddenCharacters.test(s) && !lineBreak.test(s),
          '含有不允许的字符 / invalid characters',
        ),
    );
}

function textSchema(options: { min: number; max: number }) {
  return z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(options.min, options.min === 1 ? '必填 / required' : `至少 ${options.min} 个字 / too short`)
        .max(options.max, `最多 ${options.max} 个字 / at most ${options.max} characters`)
        .refine((s) => !forbiddenCharacters.test(s), '含有不允许的字符 / invalid characters'),
    );
}

/** A phone number in any mainland form, kept canonical (E.164, with `;ext=` when there is one). */
export const publicPhoneSchema = z
  .string()
  .max(40, '最多 40 个字符 / at most 40 characters')
  .transform((input, ctx) => {
    const result = tryNormalisePhone({ input });
    if (result.ok) return result.value.canonical;
    ctx.addIssue({ code: 'custom', message: '不是有效的电话号码 / not a valid phone number' });
    return z.NEVER;
  });

/** A `<input type="date">` value, as the start of that day in Beijing, within the next MAX_DAYS_AHEAD days. */
export function wantedDateSchema(options: { now: number }) {
  const today = Math.floor((options.now + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
  return z
    .string()
    .trim()
    .transform((value, ctx) => {
      if (value === '') return null;
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const at = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
      // Date.UTC rolls 2026-02-31 over into March: a date that does not round-trip does not exist.
      if (!match || Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value) {
        ctx.addIssue({ code: 'custom', message: '日期格式应为 2026-12-01 / must be a date like 2026-12-01' });
        return z.NEVER;
      }
      const start = at - BEIJING_OFFSET_MS;
      if (start < today || start > today + MAX_DAYS_AHEAD * DAY_MS) {
        ctx.addIssue({
          code: 'custom',
          message: `应在今天起 ${MAX_DAYS_AHEAD} 天内 / must be within the next ${MAX_DAYS_AHEAD} days`,
        });
        return z.NEVER;
      }
      return start;
    });
}

/** Only items the centre dispatches can be ordered; information items are answered on the phone. */
export const orderItemCodeSchema = z
  .string()
  .max(40)
  .refine((code) => findItem({ code })?.handling === Handling.dispatch, '请选择服务项目 / choose a service');

/**
 * The order form. `counties` are those an order can go to (a county whose appliance is enrolled, so the
 * order has a home that will decide it).
 */
export function webOrderSchema(options: { now: number; counties: ReadonlySet<string> }) {
  return z.object({
    name: lineSchema({ min: 1, max: 40 }),
    phone: publicPhoneSchema,
    countyCode: regionCodeSchema.refine(
      (code) => options.counties.has(code),
      '请选择所在区县 / choose your county',
    ),
    itemCode: orderItemCodeSchema,
    address: lineSchema({ min: 4, max: 200 }),
    wantedDate: wantedDateSchema({ now: options.now }),
    notes: textSchema({ min: 0, max: 500 }),
  });
}
export type WebOrder = z.infer<ReturnType<typeof webOrderSchema>>;

export const ComplaintKind = { quality: 'quality', price: 'price' } as const;
export type ComplaintKind = (typeof ComplaintKind)[keyof typeof ComplaintKind];

/**
 * The complaint form. The enterprise is one of the listed ones (`enterpriseId`) or named in free text; the
 * county (where the service took place) is one of the network's, whose desk works on it with the centre.
 */
export function webComplaintSchema(options: {
  enterpriseIds: ReadonlySet<string>;
  counties: ReadonlySet<string>;
}) {
  return z
    .object({
      name: lineSchema({ min: 1, max: 40 }),
      phone: publicPhoneSchema,
      countyCode: regionCodeSchema.refine(
        (code) => options.counties.has(code),
        '请选择服务所在区县 / choose the county where the service took place',
      ),
      enterpriseId: z
        .string()
        .max(80)
        .transform((s) => (s === '' ? null : s))
        .refine(
          (id) => id === null || options.enterpriseIds.has(id),
          '请从列表中选择 / choose from the list',
        ),
      enterpriseName: lineSchema({ min: 0, max: 100 }),
      kind: z.enum(ComplaintKind, '请选择投诉类型 / choose a kind'),
      description: textSchema({ min: 10, max: 2000 }),
    })
    .superRefine((value, ctx) => {
      if (value.enterpriseId === null && value.enterpriseName === '') {
        ctx.addIssue({
          code: 'custom',
          path: ['enterpriseName'],
          message: '请选择或填写企业 / choose or name the enterprise',
        });
      }
    });
}
export type WebComplaint = z.infer<ReturnType<typeof webComplaintSchema>>;

/** What staff post to `POST /api/announcements`. */
export const announcementRequestSchema = z.strictObject({
  title: lineSchema({ min: 1, max: 100 }),
  body: textSchema({ min: 1, max: 5000 }),
  publishedAt: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-12-01T09:00:00+08:00' })
    .transform((s) => Date.parse(s))
    .optional(),
});
export type AnnouncementRequest = z.infer<typeof announcementRequestSchema>;

/** The first issue of a failed parse as `{ field, message }`, the field named as the form names it. */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: 'body', message: 'is invalid' };
  if (issue.code === 'unrecognized_keys')
    return { field: (issue.keys[0] ?? 'body').slice(0, 40), message: 'is not a known field' };
  return {
    field: issue.path.length === 0 ? 'body' : issue.path.map(String).join('.'),
    message: issue.message,
  };
}

/**
 * Every issue, one per field (the first), so a form shows all its errors at once. A list's element
 * (`counties.2`) is reported on the list, the field the page shows.
 */
export function issuesByField(error: z.ZodError): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length === 0 ? 'body' : String(issue.path[0]);
    byField[field] ??= issue.message;
  }
  return byField;
}

/** Dispatched items only: an enterprise serves orders; information items are the centre's own answers. */
const applicationItemsSchema = z
  .array(orderItemCodeSchema)
  .min(1, '请至少选择一项服务 / choose at least one service')
  .max(100, '最多 100 项 / at most 100 services')
  .transform((items) => [...new Set(items)]);

/**
 * The recruitment form (入驻申请): an enterprise or a volunteer group applies to join the network. The
 * licence number (统一社会信用代码) is checked with its check digit; a volunteer group may have none.
 * `counties` are those the network serves (an enrolled appliance). The documents are checked apart
 * (uploaded-documents.ts), from their bytes.
 */
export function enterpriseApplicationSchema(options: { counties: ReadonlySet<string> }) {
  return z
    .object({
      kind: z.enum(['enterprise', 'volunteer'], '请选择申请类型 / choose enterprise or volunteer group'),
      name: lineSchema({ min: 2, max: 100 }),
      licenceNumber: z
        .string()
        .max(40, '最多 40 个字符 / at most 40 characters')
        .transform((s) => s.trim().toUpperCase()),
      contactName: lineSchema({ min: 1, max: 40 }),
      contactPhone: publicPhoneSchema,
      items: applicationItemsSchema,
      counties: z
        .array(
          regionCodeSchema.refine(
            (code) => options.counties.has(code),
            '请从列表中选择区县 / choose counties from the list',
          ),
        )
        .min(1, '请至少选择一个区县 / choose at least one county')
        .max(500)
        .transform((codes) => [...new Set(codes)]),
    })
    .superRefine((value, ctx) => {
      // 与领域规则一致：志愿者组织只能选择免费社区服务，在表单上就指出，而不是提交后才被拒绝。
      // The domain's rule, told on the form: a volunteer group chooses free community services only.
      if (value.kind === 'volunteer' && !value.items.every((code) => isFreeCommunityService({ code }))) {
        ctx.addIssue({
          code: 'custom',
          path: ['items'],
          message:
            '志愿者组织只能选择免费社区服务 / a volunteer group may offer only free community services',
        });
      }
      if (value.licenceNumber === '') {
        if (value.kind === 'enterprise')
          ctx.addIssue({
            code: 'custom',
            path: ['licenceNumber'],
            message: '企业必须填写 / required for an enterprise',
          });
        return;
      }
      if (!validateCreditCode({ code: value.licenceNumber }).ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['licenceNumber'],
          message: '不是有效的统一社会信用代码 / not a valid unified social credit code',
        });
      }
    });
}
export type EnterpriseApplication = z.infer<ReturnType<typeof enterpriseApplicationSchema>>;
