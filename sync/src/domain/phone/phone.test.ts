import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DomainError } from '../errors';
import { formatRegionName, getRegion, listChildren } from '../regions';
import {
  AREA_CODES,
  areaCodeCity,
  maskPhone,
  normalisedPhoneSchema,
  normalisePhone,
  regionAreaCode,
  tryNormalisePhone,
} from './index';

const MOBILE = {
  e164: '+8613812345678',
  national: '13812345678',
  canonical: '+8613812345678',
  kind: 'mobile',
};
const HANGZHOU = {
  e164: '+8657188888888',
  national: '057188888888',
  canonical: '+8657188888888',
  kind: 'landline',
  areaCode: '0571',
  cityCode: '330100',
};

function errorOf(input: string, defaultAreaCode?: string): DomainError {
  const result = tryNormalisePhone({ input, defaultAreaCode });
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

test.each([
  '13812345678',
  '+86 138 1234 5678',
  '+8613812345678',
  '0086-138-1234-5678',
  '86 13812345678',
  '8613812345678',
  '(+86) 138-1234-5678',
  '138.1234.5678',
  '１３８１２３４５６７８',
  '＋８６　１３８－１２３４－５６７８',
  '138—1234—5678',
  '138·1234·5678',
  '138、1234、5678',
  '【138】1234 5678',
  '  13812345678  ',
  // PBXs prefix out-of-area mobiles with the trunk 0; IP-dialling prefixes survive in some caller IDs.
  '013812345678',
  '17951 13812345678',
])('mobile %j normalises to +8613812345678', (input) => {
  expect(normalisePhone({ input })).toEqual(MOBILE);
});

test.each([
  '0571-88888888',
  '057188888888',
  '571 8888 8888',
  '(0571) 8888-8888',
  '（０５７１）８８８８－８８８８',
  '+86 571 88888888',
  '+86 0571 88888888',
  '+86 (0)571 8888 8888',
  '0086 571 8888 8888',
  '86 571 8888 8888',
  '0571 8888 8888',
])('Hangzhou landline %j normalises with area code and city', (input) => {
  expect(normalisePhone({ input })).toEqual(HANGZHOU);
});

test('two-digit area codes and other cities', () => {
  expect(normalisePhone({ input: '010-12345678' })).toEqual({
    e164: '+861012345678',
    national: '01012345678',
    canonical: '+861012345678',
    kind: 'landline',
    areaCode: '010',
    cityCode: '110100',
  });
  expect(normalisePhone({ input: '+86 10 1234 5678' }).national).toBe('01012345678');
  expect(normalisePhone({ input: '021 6123 4567' })).toMatchObject({ areaCode: '021', cityCode: '310100' });
  expect(normalisePhone({ input: '0755-2345 6789' })).toMatchObject({ areaCode: '0755', cityCode: '440300' });
  expect(normalisePhone({ input: '0931-8888888' })).toMatchObject({
    national: '09318888888',
    areaCode: '0931',
    cityCode: '620100',
  });
  // A live area code missing from the table still normalises; only the city is unknown.
  const unmapped = normalisePhone({ input: '0833 2345678' });
  expect(unmapped).toMatchObject({ kind: 'landline', areaCode: '0833' });
  const guizhou = normalisePhone({ input: '0854 2345678' });
  expect(guizhou.areaCode).toBe('0854');
  expect(guizhou.cityCode).toBeUndefined();
});

test.each([
  ['0571-88888888-123', '123'],
  ['0571 88888888 ext 123', '123'],
  ['0571 88888888 ext. 123', '123'],
  ['0571 88888888 extension 123', '123'],
  ['0571-88888888 x123', '123'],
  ['0571-88888888转123', '123'],
  ['0571-88888888 转 123', '123'],
  ['０５７１－８８８８８８８８转１２３', '123'],
  ['0571-88888888 分机 123', '123'],
  ['0571-88888888分机号：123', '123'],
  ['0571-88888888#123', '123'],
  ['0571-88888888#123#', '123'],
  ['+8657188888888;ext=123', '123'],
  ['(0571) 8888-8888, ext 9', '9'],
])('extension in %j is %s', (input, extension) => {
  expect(normalisePhone({ input })).toEqual({
    ...HANGZHOU,
    canonical: `+8657188888888;ext=${extension}`,
    extension,
  });
});

test('a trailing dash group is an extension only when the number needs it to be valid', () => {
  expect(normalisePhone({ input: '010-12345678-12' })).toMatchObject({
    national: '01012345678',
    extension: '12',
  });
  // Split into groups but valid as a whole: no extension.
  expect(normalisePhone({ input: '0571-8888-8888' })).toEqual(HANGZHOU);
  // Mobiles have no extensions, so a stray digit is an error rather than an extension.
  expect(errorOf('138 1234 5678 9').message).toBe('input: is not a valid mainland China phone number');
});

test('service numbers: 400/800, 95xxx and other short codes, local 96xxx', () => {
  expect(normalisePhone({ input: '400-810-8888' })).toEqual({
    e164: '+864008108888',
    national: '4008108888',
    canonical: '+864008108888',
    kind: 'service',
  });
  expect(normalisePhone({ input: '400 810 8888 转 2' })).toMatchObject({
    canonical: '+864008108888;ext=2',
    extension: '2',
  });
  expect(normalisePhone({ input: '800-810-1818' })).toMatchObject({
    kind: 'service',
    national: '8008101818',
  });
  for (const input of ['95588', '+86 95588', '0086 95588']) {
    expect(normalisePhone({ input })).toEqual({
      e164: '+8695588',
      national: '95588',
      canonical: '+8695588',
      kind: 'service',
    });
  }
  expect(normalisePhone({ input: '95105888' })).toMatchObject({ kind: 'service', e164: '+8695105888' });
  expect(normalisePhone({ input: '12345' })).toMatchObject({ kind: 'service', national: '12345' });
  expect(normalisePhone({ input: '10086' })).toMatchObject({ kind: 'service', national: '10086' });
  expect(normalisePhone({ input: '110' })).toMatchObject({ kind: 'service', national: '110' });
  expect(normalisePhone({ input: '0571 96345' })).toMatchObject({
    kind: 'service',
    national: '057196345',
    areaCode: '0571',
    cityCode: '330100',
  });
});

test('a bare local number needs the appliance area code', () => {
  expect(normalisePhone({ input: '88888888', defaultAreaCode: '0571' })).toEqual(HANGZHOU);
  expect(normalisePhone({ input: '8888-8888', defaultAreaCode: '571' })).toEqual(HANGZHOU);
  expect(normalisePhone({ input: '8888 8888 转 5', defaultAreaCode: '0571' })).toMatchObject({
    extension: '5',
  });
  expect(normalisePhone({ input: '8888888', defaultAreaCode: '0931' })).toMatchObject({
    national: '09318888888',
    cityCode: '620100',
  });
  // The default is not applied to numbers that already carry an area code or a country code.
  expect(normalisePhone({ input: '010-12345678', defaultAreaCode: '0571' }).areaCode).toBe('010');
  expect(normalisePhone({ input: '13812345678', defaultAreaCode: '0571' })).toEqual(MOBILE);

  expect(errorOf('88888888').message).toBe(
    'input: is a local number without an area code (区号); pass defaultAreaCode',
  );
  // Hangzhou numbers have eight digits.
  expect(errorOf('8888888', '0571').message).toBe('input: is not a valid mainland China phone number');
});

test('defaultAreaCode is validated and named', () => {
  for (const defaultAreaCode of ['5', '05711', 'abc', '+86571']) {
    expect(() => normalisePhone({ input: '88888888', defaultAreaCode })).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'defaultAreaCode' }),
    );
  }
});

test.each([
  ['', 'input: is empty (no caller ID)'],
  ['   ', 'input: is empty (no caller ID)'],
  ['anonymous', 'input: caller ID is withheld or unknown'],
  ['Anonymous', 'input: caller ID is withheld or unknown'],
  ['UNKNOWN', 'input: caller ID is withheld or unknown'],
  ['private', 'input: caller ID is withheld or unknown'],
  ['未知号码', 'input: caller ID is withheld or unknown'],
  ['1'.repeat(41), 'input: must be at most 40 characters'],
  [
    'sip:13812345678@pbx',
    'input: contains letters; only digits, separators and an extension marker (ext, x, 转, 分机, #) are allowed',
  ],
  [
    '138abc12345678',
    'input: contains letters; only digits, separators and an extension marker (ext, x, 转, 分机, #) are allowed',
  ],
  ['138*1234*5678', 'input: contains a character that is not part of a phone number (U+002A)'],
  ['\u202e13812345678', 'input: contains a character that is not part of a phone number (U+202E)'],
  ['138\u200b12345678', 'input: contains a character that is not part of a phone number (U+200B)'],
  ['电话13812345678', 'input: contains a character that is not part of a phone number (U+7535)'],
  ['138 1234 5678 ext', 'input: has an extension marker but no extension number'],
  ['0571-88888888转', 'input: has an extension marker but no extension number'],
  ['138+1234+5678', 'input: has a "+" that is not at the start'],
  ['++8613812345678', 'input: has a "+" that is not at the start'],
  ['- ( ) -', 'input: contains no digits'],
  ['1234567890123456789012', 'input: has too many digits for a phone number'],
  ['+852 2123 4567', 'input: is not a mainland China number (only +86 is accepted)'],
  ['+1 650 253 0000', 'input: is not a mainland China number (only +86 is accepted)'],
  ['00852 2123 4567', 'input: is not a mainland China number (only +86 is accepted)'],
  ['+886 2 2345 6789', 'input: is not a mainland China number (only +86 is accepted)'],
  ['12345678901', 'input: is not a valid mainland China phone number'],
  ['0571 8888 888', 'input: is not a valid mainland China phone number'],
  ['1234', 'input: is not a valid mainland China phone number'],
])('rejects %j: %s', (input, message) => {
  const error = errorOf(input);
  expect(error).toBeInstanceOf(DomainError);
  expect(error).toMatchObject({ code: 'invalid_input', field: 'input', message });
  expect(() => normalisePhone({ input })).toThrow(error.message);
});

test('non-string input from an untyped caller is rejected, not crashed on', () => {
  const inputs: unknown[] = [undefined, null, 13812345678, {}];
  for (const input of inputs) {
    const result = tryNormalisePhone({ input: input as string });
    expect(result.ok || result.error).toMatchObject({ code: 'invalid_input', field: 'input' });
  }
});

test('tryNormalisePhone returns the same value as normalisePhone', () => {
  expect(tryNormalisePhone({ input: '0571-88888888-123' })).toEqual({
    ok: true,
    value: normalisePhone({ input: '0571-88888888-123' }),
  });
});

test('the output matches its schema', () => {
  for (const input of ['13812345678', '0571-88888888-123', '95588', '400-810-8888']) {
    expect(normalisedPhoneSchema.parse(normalisePhone({ input }))).toEqual(normalisePhone({ input }));
  }
});

test('maskPhone hides the middle of mobiles and landlines', () => {
  expect(maskPhone({ input: '+86 138 1234 5678' })).toBe('138****5678');
  expect(maskPhone({ input: '0571-88881234' })).toBe('0571-****1234');
  expect(maskPhone({ input: '010-12345678-12' })).toBe('010-****5678');
  // Seven-digit local numbers get the same four stars, so the mask does not reveal the length.
  expect(maskPhone({ input: '0931 2345678' })).toBe('0931-****5678');
  expect(maskPhone({ input: '23456789', defaultAreaCode: '0571' })).toBe('0571-****6789');
  expect(maskPhone({ input: '95588' })).toBe('95588');
  expect(maskPhone({ input: '400-810-8888' })).toBe('4008108888');
  expect(() => maskPhone({ input: 'anonymous' })).toThrow(expect.objectContaining({ field: 'input' }));
});

test('areaCodeCity maps area codes to GB/T 2260 cities', () => {
  expect(areaCodeCity({ areaCode: '0571' })).toBe('330100');
  expect(areaCodeCity({ areaCode: '571' })).toBe('330100');
  expect(areaCodeCity({ areaCode: '010' })).toBe('110100');
  expect(areaCodeCity({ areaCode: '021' })).toBe('310100');
  expect(areaCodeCity({ areaCode: '022' })).toBe('120100');
  expect(areaCodeCity({ areaCode: '023' })).toBe('500100');
  expect(areaCodeCity({ areaCode: '0755' })).toBe('440300');
  expect(areaCodeCity({ areaCode: '0512' })).toBe('320500');
  expect(areaCodeCity({ areaCode: '0731' })).toBe('430100');
  expect(areaCodeCity({ areaCode: '0300' })).toBeUndefined();
  expect(() => areaCodeCity({ areaCode: '12' })).toThrow(
    expect.objectContaining({ code: 'invalid_input', field: 'areaCode' }),
  );
});

test('regionAreaCode finds the code dialled in a county, city or shared-code region', () => {
  expect(regionAreaCode({ code: '330106' })).toBe('0571');
  expect(regionAreaCode({ code: '330100' })).toBe('0571');
  expect(regionAreaCode({ code: '110105' })).toBe('010');
  expect(regionAreaCode({ code: '500229' })).toBe('023');
  expect(regionAreaCode({ code: '430211' })).toBe('0731'); // 株洲 shares 长沙's code
  expect(regionAreaCode({ code: '469002' })).toBe('0898');
  expect(regionAreaCode({ code: '429004' })).toBe('0728'); // 仙桃
  expect(regionAreaCode({ code: '659001' })).toBe('0993'); // 石河子
  expect(regionAreaCode({ code: '632800' })).toBe('0977'); // 海西 has 0977 and 0979
  expect(regionAreaCode({ code: '429021' })).toBeUndefined(); // 神农架 dials 0719, not 0728
  expect(regionAreaCode({ code: '659002' })).toBeUndefined();
  expect(regionAreaCode({ code: '330000' })).toBeUndefined();
  expect(regionAreaCode({ code: '999999' })).toBeUndefined();
  expect(() => regionAreaCode({ code: '3301' })).toThrow(expect.objectContaining({ field: 'code' }));
});

test('every region in the area-code table exists and is a city (or municipality pseudo-city)', () => {
  const seen = new Set<string>();
  for (const entry of AREA_CODES) {
    expect(seen.has(entry.areaCode), entry.areaCode).toBe(false);
    seen.add(entry.areaCode);
    expect(getRegion({ code: entry.cityCode }).level, entry.areaCode).toBe('city');
    expect(formatRegionName({ code: entry.cityCode }), entry.areaCode).toMatch(
      new RegExp(`${entry.cityName}$`),
    );
    for (const code of entry.alsoServes) {
      expect(getRegion({ code }).level, `${entry.areaCode} ${code}`).not.toBe('province');
    }
  }
  expect(AREA_CODES.length).toBeGreaterThan(300);
});

test('every area code in the table is live in the libphonenumber metadata and maps back to its city', () => {
  for (const entry of AREA_CODES) {
    const candidates = [`${entry.areaCode}23456789`, `${entry.areaCode}2345678`];
    const phone = candidates.map((input) => tryNormalisePhone({ input })).find((result) => result.ok)?.value;
    expect(phone, entry.areaCode).toMatchObject({
      kind: 'landline',
      areaCode: entry.areaCode,
      cityCode: entry.cityCode,
    });
  }
});

test('the table covers Zhejiang, Jiangsu, Guangdong, the municipalities and every provincial capital', () => {
  const covered = new Set(AREA_CODES.flatMap((entry) => [entry.cityCode, ...entry.alsoServes]));
  const required = [
    ...['330000', '320000', '440000'].flatMap((province) =>
      listChildren({ code: province }).map((city) => city.code),
    ),
    '110100',
    '120100',
    '310100',
    '500100',
    ...listChildren({})
      .map((province) => `${province.code.slice(0, 2)}0100`)
      .filter((code) => !['110100', '120100', '310100', '500100'].includes(code)),
  ];
  expect(required).toHaveLength(11 + 13 + 21 + 4 + 27);
  expect(required.filter((code) => !covered.has(code))).toEqual([]);
});

/** Fragments a hostile or sloppy caller ID is made of, so random strings reach the deep code paths. */
const phoneishText = fc
  .array(
    fc.constantFrom(
      ...'0123456789'.split(''),
      ' ',
      '-',
      '+',
      '(',
      ')',
      '#',
      '.',
      '86',
      '0086',
      '0571',
      '138',
      'ext',
      'x',
      '转',
      '分机',
      ';ext=',
      '１',
      '－',
      '　',
      'a',
      '\u202e',
      '﷽',
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

test('property: normalisePhone throws nothing but DomainError on arbitrary strings', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), phoneishText),
      fc.option(fc.constantFrom('0571', '010', '931'), { nil: undefined }),
      (input, defaultAreaCode) => {
        try {
          const phone = normalisePhone({ input, defaultAreaCode });
          expect(normalisedPhoneSchema.safeParse(phone).success).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          expect(e).toMatchObject({ code: 'invalid_input', field: 'input' });
        }
      },
    ),
    { numRuns: 1000 },
  );
});

const validMobile = fc.stringMatching(/^1(?:[38]\d|5[0-35-9]|9[0-35-9]|7[0-35-8])\d{8}$/);
const separator = fc.constantFrom('', '', '', ' ', '-', '.', '　', '－', '—', '·', '、');
const countryPrefix = fc.constantFrom(
  '',
  '+86',
  '+86 ',
  '+86-',
  '(+86) ',
  '0086',
  '0086 ',
  '86 ',
  '＋８６ ',
  '0',
);

/** Writes `digits` the way people and switches do: random separators, sometimes full-width digits. */
function scribble(digits: string) {
  return fc
    .tuple(fc.array(separator, { minLength: digits.length, maxLength: digits.length }), fc.boolean())
    .map(([seps, wide]) =>
      digits
        .split('')
        .map((d, i) => (wide ? String.fromCharCode(0xff10 + Number(d)) : d) + (seps[i] ?? ''))
        .join(''),
    );
}

test('property: any valid mobile written with random separators and prefixes gives the same e164', () => {
  fc.assert(
    fc.property(
      validMobile.chain((mobile) => fc.tuple(fc.constant(mobile), countryPrefix, scribble(mobile))),
      ([mobile, prefix, written]) => {
        const phone = normalisePhone({ input: `${prefix}${written}` });
        expect(phone.e164).toBe(`+86${mobile}`);
        expect(phone.national).toBe(mobile);
        expect(phone.kind).toBe('mobile');
      },
    ),
    { numRuns: 1000 },
  );
});

const landline = fc
  .tuple(fc.constantFrom(...AREA_CODES.map((entry) => entry.areaCode)), fc.stringMatching(/^[2-8]\d{6,7}$/))
  .map(([areaCode, local]) => `${areaCode}${local}`);
const anyNumber = fc
  .tuple(
    fc.oneof(validMobile, landline, fc.constantFrom('95588', '4008108888', '12345', '057196345')),
    countryPrefix,
    fc.option(fc.constantFrom(' ext ', '转', '#', '-', ';ext=', ' x'), { nil: undefined }),
    fc.stringMatching(/^\d{1,4}$/),
  )
  .chain(([digits, prefix, marker, ext]) =>
    scribble(digits).map((written) => `${prefix}${written}${marker === undefined ? '' : marker + ext}`),
  );

test('property: normalising the canonical form again gives the same result', () => {
  let normalised = 0;
  fc.assert(
    fc.property(fc.oneof(anyNumber, phoneishText), (input) => {
      const first = tryNormalisePhone({ input });
      if (!first.ok) return;
      normalised += 1;
      const again = normalisePhone({ input: first.value.canonical });
      expect(again.canonical).toBe(first.value.canonical);
      expect(again).toEqual(first.value);
    }),
    { numRuns: 2000 },
  );
  // Guards against a generator that silently stopped producing valid numbers.
  expect(normalised).toBeGreaterThan(200);
});
