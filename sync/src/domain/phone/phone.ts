// The /max metadata is the only build that tells mobile, fixed-line and 400/800 numbers apart for CN
// (/min has no types at all; /mobile knows only mobiles).
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import { DomainError, DomainErrorCode, ok, parseInput, type Result } from '../errors';
import { regionCodeSchema } from '../regions';
import { areaCodeCity, areaCodeSchema, type AreaCode } from './area-codes';

export const PhoneKind = { mobile: 'mobile', landline: 'landline', service: 'service' } as const;
export type PhoneKind = (typeof PhoneKind)[keyof typeof PhoneKind];

/** Caller IDs are attacker-controlled; nothing legitimate is longer than this. */
const MAX_INPUT_LENGTH = 40;

export const phoneInputSchema = z
  .string()
  .max(MAX_INPUT_LENGTH, `must be at most ${MAX_INPUT_LENGTH} characters`);

export const normalisedPhoneSchema = z.object({
  /** `+8613812345678`; short service codes keep their digits: `+8695588`. */
  e164: z.string().regex(/^\+86\d{3,14}$/),
  /** As dialled inside mainland China: `13812345678`, `057188888888`, `4008108888`. */
  national: z.string().regex(/^\d{3,15}$/),
  /** `e164`, plus `;ext=123` (RFC 3966) when there is an extension: one string to store and compare. */
  canonical: z.string(),
  kind: z.enum(PhoneKind),
  /** With the trunk 0, e.g. `0571`; present when the number is dialled with an area code. */
  areaCode: z.string().optional(),
  /** GB/T 2260 city of `areaCode`, when the area-code table knows it. */
  cityCode: regionCodeSchema.optional(),
  extension: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional(),
});
export type NormalisedPhone = z.infer<typeof normalisedPhoneSchema>;

export type NormalisePhoneOptions = {
  input: string;
  /** The appliance's own area code, used only for a bare 7–8 digit local number. */
  defaultAreaCode?: string | undefined;
};

/** What switches and people put where a caller ID is missing; matched after trimming and lower-casing. */
const WITHHELD = new Set([
  'anonymous',
  'unknown',
  'private',
  'restricted',
  'unavailable',
  'withheld',
  'blocked',
  'null',
  'undefined',
  'none',
  'n/a',
  '未知',
  '未知号码',
  '匿名',
  '隐藏号码',
  '私人号码',
  '无主叫号码',
  '无号码',
]);

/**
 * Separators seen in numbers typed by people or copied from documents, after NFKC has already folded the
 * full-width forms (－（）．, the ideographic space) to ASCII. They carry no meaning, so all become spaces.
 */
const SEPARATORS = /[\s\-‐‑‒–—―−~.·・、。,/\\()[\]【】〔〕_]/gu;

/** An extension at the end: `;ext=123`, `ext 123`, `ext.123`, `x123`, `转123`, `分机123`, `#123`. */
// The letter markers must stand alone, so `sip:…@pbx` reads as letters rather than a dangling `x`.
const EXTENSION =
  /^(.*?)[\s,;-]*(?:;ext=|(?<![a-z])(?:ext(?:ension)?\.?|x)|转|分机号?|#)[\s:=-]*(\d{1,6})#?\s*$/iu;
const DANGLING_EXTENSION_MARKER = /(?:(?<![a-z])(?:ext(?:ension)?\.?|x)|转|分机号?|#)[\s:=-]*$/iu;

/**
 * National short codes libphonenumber does not model: 11x/12x emergency and public lines, 10xxx carriers,
 * 12xxx government hotlines (12345), 95xxx/96xxx service lines (95588, 95105888).
 */
const SHORT_CODE = /^(?:1(?:1\d|2\d(?:\d{2})?|0\d{3})|9[56]\d{3,6})$/;

function invalid(message: string): DomainError {
  return new DomainError({
    code: DomainErrorCode.invalidInput,
    field: 'input',
    message: `input: ${message}`,
  });
}

function describeChar(char: string): string {
  const hex = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  // Printing the raw character could smuggle control or bidi characters into logs; the code point cannot.
  return `U+${hex}`;
}

/**
 * Normalises any caller ID or hand-typed mainland China number: mobiles, landlines with or without the
 * trunk 0 or parentheses, +86/0086/86 prefixes, extensions, full-width digits, and (with `defaultAreaCode`)
 * bare local numbers. Throws a DomainError (`invalid_input`, field `input`) saying what is wrong otherwise.
 */
export function normalisePhone(options: NormalisePhoneOptions): NormalisedPhone {
  const input = parseInput({ schema: phoneInputSchema, input: options.input, what: 'input' });
  const defaultAreaCode = parseInput({
    schema: areaCodeSchema.optional(),
    input: options.defaultAreaCode,
    what: 'defaultAreaCode',
  });

  const text = input.normalize('NFKC').trim();
  if (text.length === 0) throw invalid('is empty (no caller ID)');
  if (WITHHELD.has(text.toLowerCase())) throw invalid('caller ID is withheld or unknown');

  const explicit = EXTENSION.exec(text);
  const main = explicit?.[1] ?? text;
  const extension = explicit?.[2];
  if (DANGLING_EXTENSION_MARKER.test(main)) throw invalid('has an extension marker but no extension number');

  const spaced = main.replace(SEPARATORS, ' ');
  const stray = /[^\d +]/u.exec(spaced)?.[0];
  if (stray !== undefined) {
    throw invalid(
      /[a-z]/i.test(stray)
        ? 'contains letters; only digits, separators and an extension marker (ext, x, 转, 分机, #) are allowed'
        : `contains a character that is not part of a phone number (${describeChar(stray)})`,
    );
  }
  if (!/^ *(?:\+[\d ]*)?[\d ]*$/.test(spaced)) throw invalid('has a "+" that is not at the start');

  const hasPlus = spaced.includes('+');
  const groups = spaced.match(/\d+/g) ?? [];
  const digits = groups.join('');
  if (digits.length === 0) throw invalid('contains no digits');
  if (digits.length > 20) throw invalid('has too many digits for a phone number');

  let resolved = resolveNumber({ digits, hasPlus, defaultAreaCode });
  let trailingExtension: string | undefined;
  // `0571-88888888-123`: a last dash group is an extension only when the number is invalid with it and a
  // landline or service number without it (mobiles have no extensions).
  const last = groups.at(-1);
  if (
    !resolved.ok &&
    extension === undefined &&
    groups.length > 1 &&
    last !== undefined &&
    last.length <= 6
  ) {
    const shorter = resolveNumber({ digits: digits.slice(0, -last.length), hasPlus, defaultAreaCode });
    if (shorter.ok && shorter.value.kind !== PhoneKind.mobile) {
      resolved = shorter;
      trailingExtension = last;
    }
  }
  if (!resolved.ok) throw resolved.error;

  const ext = extension ?? trailingExtension;
  const { e164, national, kind, areaCode } = resolved.value;
  const cityCode = areaCode === undefined ? undefined : areaCodeCity({ areaCode });
  return {
    e164,
    national,
    canonical: ext === undefined ? e164 : `${e164};ext=${ext}`,
    kind,
    ...(areaCode === undefined ? {} : { areaCode }),
    ...(cityCode === undefined ? {} : { cityCode }),
    ...(ext === undefined ? {} : { extension: ext }),
  };
}

type Resolved = { e164: string; national: string; kind: PhoneKind; areaCode: string | undefined };

function resolveNumber(options: {
  digits: string;
  hasPlus: boolean;
  defaultAreaCode: AreaCode | undefined;
}): Result<Resolved> {
  const { digits, hasPlus, defaultAreaCode } = options;
  const notChina = invalid('is not a mainland China number (only +86 is accepted)');
  let nsn = digits;
  let international = false;
  if (hasPlus || digits.startsWith('00')) {
    const countryCode = hasPlus ? '86' : '0086';
    if (!digits.startsWith(countryCode)) return { ok: false, error: notChina };
    international = true;
    nsn = digits.slice(countryCode.length);
    // `+86 (0)571 …` and `+86 0571 …` are common; the trunk 0 does not belong after the country code.
    if (nsn.startsWith('0')) nsn = nsn.slice(1);
  }

  if (SHORT_CODE.test(nsn)) {
    return ok({ e164: `+86${nsn}`, national: nsn, kind: PhoneKind.service, areaCode: undefined });
  }
  if (!international && /^[2-8]\d{6,7}$/.test(nsn)) {
    if (defaultAreaCode === undefined) {
      return {
        ok: false,
        error: invalid('is a local number without an area code (区号); pass defaultAreaCode'),
      };
    }
    nsn = `${defaultAreaCode}${nsn}`;
  }

  // Without "+", libphonenumber still recognises a leading 86 country code, the trunk 0 before mobiles
  // that some PBXs add, and IP-dialling prefixes such as 17951.
  const parsed = parsePhoneNumberFromString(international ? `+86${nsn}` : nsn, 'CN');
  if (!parsed?.isValid() || parsed.countryCallingCode !== '86') {
    return { ok: false, error: invalid('is not a valid mainland China phone number') };
  }
  const type = parsed.getType();
  const kind =
    type === 'MOBILE' ? PhoneKind.mobile : type === 'FIXED_LINE' ? PhoneKind.landline : PhoneKind.service;
  const national = parsed.formatNational().replace(/\D/g, '');
  return ok({
    e164: parsed.number,
    national,
    kind,
    areaCode: national.startsWith('0') ? areaCodeOf(national) : undefined,
  });
}

/** 010 and 02x are the only two-digit area codes; every other one is three digits after the 0. */
function areaCodeOf(national: string): string {
  return /^0(?:10|2)/.test(national) ? national.slice(0, 3) : national.slice(0, 4);
}

/** `normalisePhone` without throwing: bad input comes back as `{ ok: false, error }`. */
export function tryNormalisePhone(options: NormalisePhoneOptions): Result<NormalisedPhone> {
  try {
    return ok(normalisePhone(options));
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error };
    throw error;
  }
}

/**
 * A number safe to show to call-centre staff and write to logs: `138****5678`, `0571-****8888`. Landlines
 * always get four stars so the mask does not leak the local number's length; extensions are dropped.
 * Service numbers are published business lines and stay readable.
 */
export function maskPhone(options: NormalisePhoneOptions): string {
  const phone = normalisePhone(options);
  const { national, areaCode } = phone;
  if (phone.kind === PhoneKind.mobile) return `${national.slice(0, 3)}****${national.slice(-4)}`;
  if (phone.kind === PhoneKind.landline && areaCode !== undefined) {
    return `${areaCode}-****${national.slice(-4)}`;
  }
  return national;
}
