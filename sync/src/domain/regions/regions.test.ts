import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DomainError } from '../errors';
import {
  findRegion,
  formatRegionName,
  getRegion,
  getRegionPath,
  isCountyCode,
  listChildren,
  regionCodeSchema,
  RegionLevel,
  regionSchema,
  REGIONS_EDITION,
  searchRegions,
  validateCountyCode,
  type Region,
} from './index';
import { REGIONS_DATA } from './regions.generated';

function allRegions(): Region[] {
  return listChildren({}).flatMap((province) => [
    province,
    ...listChildren({ code: province.code }).flatMap((city) => [city, ...listChildren({ code: city.code })]),
  ]);
}

function expectDomainError(run: () => unknown, expected: { code: string; field: string; message?: RegExp }) {
  try {
    run();
    expect.unreachable('expected a DomainError');
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: expected.code, field: expected.field });
    if (expected.message) expect((e as DomainError).message).toMatch(expected.message);
  }
}

test('the shipped data covers the whole country: 31 provinces, 342 cities, ~2,975 counties', () => {
  const regions = allRegions();
  const count = (level: RegionLevel) => regions.filter((r) => r.level === level).length;
  expect(count(RegionLevel.province)).toBe(31);
  expect(count(RegionLevel.city)).toBe(342);
  expect(count(RegionLevel.county)).toBeGreaterThanOrEqual(2970);
  expect(count(RegionLevel.county)).toBeLessThan(3000);
  // Every row of the data is reachable from the provinces, so the tree has no orphans.
  expect(regions).toHaveLength(REGIONS_DATA.trim().split('\n').length);
  expect(REGIONS_EDITION).toMatch(/2023/);
});

test('330106 is 西湖区 in 杭州市, 浙江省', () => {
  expect(getRegion({ code: '330106' })).toEqual({
    code: '330106',
    name: '西湖区',
    level: 'county',
    parentCode: '330100',
    provinceCode: '330000',
    cityCode: '330100',
  });
  expect(getRegionPath({ code: '330106' }).map((r) => r.name)).toEqual(['浙江省', '杭州市', '西湖区']);
  expect(formatRegionName({ code: '330106' })).toBe('浙江省杭州市西湖区');
  expect(isCountyCode({ code: '330106' })).toBe(true);
});

test('provinces and cities carry their own level and ancestry', () => {
  expect(getRegion({ code: '330000' })).toEqual({
    code: '330000',
    name: '浙江省',
    level: 'province',
    provinceCode: '330000',
  });
  expect(getRegion({ code: '330100' })).toMatchObject({
    level: 'city',
    parentCode: '330000',
    provinceCode: '330000',
    cityCode: '330100',
  });
  expect(getRegionPath({ code: '330000' }).map((r) => r.code)).toEqual(['330000']);
  expect(getRegionPath({ code: '330100' }).map((r) => r.code)).toEqual(['330000', '330100']);
  expect(formatRegionName({ code: '330000' })).toBe('浙江省');
  expect(formatRegionName({ code: '330100' })).toBe('浙江省杭州市');
  expect(isCountyCode({ code: '330100' })).toBe(false);
  expect(isCountyCode({ code: '330000' })).toBe(false);
});

test('municipalities keep their 市辖区 pseudo-city but do not print it', () => {
  expect(getRegion({ code: '110100' })).toMatchObject({ name: '市辖区', level: 'city' });
  expect(getRegionPath({ code: '110105' }).map((r) => r.name)).toEqual(['北京市', '市辖区', '朝阳区']);
  expect(formatRegionName({ code: '110105' })).toBe('北京市朝阳区');
  expect(formatRegionName({ code: '110100' })).toBe('北京市');
  expect(formatRegionName({ code: '310115' })).toBe('上海市浦东新区');
  expect(formatRegionName({ code: '500229' })).toBe('重庆市城口县');
  expect(formatRegionName({ code: '469002' })).toBe('海南省琼海市');
  expect(formatRegionName({ code: '659001' })).toBe('新疆维吾尔自治区石河子市');
  // The single county of 嘉峪关市 has the same name as the city.
  expect(formatRegionName({ code: '620201' })).toBe('甘肃省嘉峪关市');
});

test('cities without districts (东莞, 中山, 儋州) exist as cities with no county children', () => {
  for (const code of ['441900', '442000', '460400']) {
    expect(getRegion({ code }).level).toBe('city');
    expect(listChildren({ code })).toEqual([]);
  }
  expect(formatRegionName({ code: '441900' })).toBe('广东省东莞市');
});

test('listChildren walks the tree and returns copies', () => {
  const provinces = listChildren({});
  expect(provinces[0]?.name).toBe('北京市');
  expect(provinces.map((p) => p.code)).toContain('650000');
  provinces.pop();
  expect(listChildren({})).toHaveLength(31);

  const hangzhou = listChildren({ code: '330100' }).map((r) => r.name);
  expect(hangzhou).toContain('西湖区');
  expect(hangzhou).toContain('建德市');
  expect(listChildren({ code: '330000' })).toHaveLength(11);
  expect(listChildren({ code: '330106' })).toEqual([]);
  expect(listChildren({ code: undefined })).toHaveLength(31);
});

test('returned regions are frozen so the shared index cannot be corrupted', () => {
  const region = getRegion({ code: '330106' });
  expect(Object.isFrozen(region)).toBe(true);
  expect(() => regionSchema.parse(region)).not.toThrow();
});

test('findRegion returns undefined for a well-formed unknown code; getRegion throws not_found', () => {
  expect(findRegion({ code: '999999' })).toBeUndefined();
  expect(findRegion({ code: '330106' })?.name).toBe('西湖区');
  expectDomainError(() => getRegion({ code: '999999' }), {
    code: 'not_found',
    field: 'code',
    message: /999999/,
  });
  expectDomainError(() => listChildren({ code: '330199' }), { code: 'not_found', field: 'code' });
  expect(isCountyCode({ code: '330199' })).toBe(false);
});

test('malformed codes throw invalid_input naming the field', () => {
  for (const code of ['33010', '3301066', 'abcdef', '', ' 330106', '３３０１０６']) {
    expectDomainError(() => getRegion({ code }), {
      code: 'invalid_input',
      field: 'code',
      message: /six-digit/,
    });
  }
  expectDomainError(() => findRegion({ code: 330106 as unknown as string }), {
    code: 'invalid_input',
    field: 'code',
  });
  expectDomainError(() => isCountyCode({ code: 'x' }), { code: 'invalid_input', field: 'code' });
  expectDomainError(() => formatRegionName({ code: '1' }), { code: 'invalid_input', field: 'code' });
  expectDomainError(() => getRegionPath({ code: '1' }), { code: 'invalid_input', field: 'code' });
  expect(regionCodeSchema.safeParse('330106').success).toBe(true);
});

test('validateCountyCode reports instead of throwing', () => {
  const good = validateCountyCode({ code: '330106' });
  expect(good).toEqual({ ok: true, value: getRegion({ code: '330106' }) });

  const city = validateCountyCode({ code: '330100' });
  expect(city.ok).toBe(false);
  if (!city.ok) {
    expect(city.error).toMatchObject({ code: 'invalid_input', field: 'code' });
    expect(city.error.message).toBe('code: 330100 (浙江省杭州市) is a city, not a county');
  }

  const unknown = validateCountyCode({ code: '330199' });
  expect(unknown.ok || unknown.error).toMatchObject({ code: 'not_found', field: 'code' });

  const malformed = validateCountyCode({ code: '33' });
  expect(malformed.ok || malformed.error).toMatchObject({ code: 'invalid_input', field: 'code' });
  expect(malformed.ok || malformed.error.message).toMatch(/^code: must be a six-digit/);
});

test('searchRegions ranks exact, prefix, substring, then full-name matches', () => {
  const xihu = searchRegions({ query: '西湖' });
  expect(xihu.map((r) => r.code).slice(0, 2)).toEqual(['330106', '360103']);

  const hangzhou = searchRegions({ query: '杭州', limit: 50 });
  expect(hangzhou[0]?.code).toBe('330100');
  expect(hangzhou.map((r) => r.code)).toContain('330106');

  expect(searchRegions({ query: '浙江省' })[0]?.code).toBe('330000');
  expect(searchRegions({ query: '朝阳区' }).map((r) => r.code)).toEqual(['110105', '220104']);
  // 武汉's 东西湖区 contains the query, so it ranks after the two exact 西湖区.
  expect(searchRegions({ query: '  西湖区 ' }).map((r) => r.code)).toEqual(['330106', '360103', '420112']);
  expect(searchRegions({ query: '区', limit: 3 })).toHaveLength(3);
  expect(searchRegions({ query: '区' })).toHaveLength(20);
  expect(searchRegions({ query: '不存在的地方' })).toEqual([]);
  // Full-name matches let a user type the city and district together.
  expect(searchRegions({ query: '杭州市西湖' }).map((r) => r.code)).toEqual(['330106']);
});

test('searchRegions validates its inputs', () => {
  expectDomainError(() => searchRegions({ query: '   ' }), { code: 'invalid_input', field: 'query' });
  expectDomainError(() => searchRegions({ query: 'x'.repeat(41) }), {
    code: 'invalid_input',
    field: 'query',
  });
  expectDomainError(() => searchRegions({ query: '西湖', limit: 0 }), {
    code: 'invalid_input',
    field: 'limit',
  });
  expectDomainError(() => searchRegions({ query: '西湖', limit: 1.5 }), {
    code: 'invalid_input',
    field: 'limit',
  });
});

test('property: every region is consistent with its code and its path', () => {
  const regions = allRegions();
  fc.assert(
    fc.property(fc.constantFrom(...regions), (region) => {
      expect(getRegion({ code: region.code })).toBe(region);
      const path = getRegionPath({ code: region.code });
      expect(path.at(-1)).toBe(region);
      expect(path[0]?.level).toBe('province');
      expect(path.every((r) => region.code.startsWith(r.code.replace(/0+$/, '')))).toBe(true);
      if (region.parentCode) {
        expect(listChildren({ code: region.parentCode })).toContain(region);
      }
      expect(isCountyCode({ code: region.code })).toBe(region.level === 'county');
      expect(validateCountyCode({ code: region.code }).ok).toBe(region.level === 'county');
      const pseudoCity = ['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'].includes(
        region.name,
      );
      expect(pseudoCity || formatRegionName({ code: region.code }).endsWith(region.name)).toBe(true);
    }),
    { numRuns: 500 },
  );
});

test('property: arbitrary codes either resolve or fail with a DomainError on field code', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{6}$/)), (code) => {
      try {
        getRegion({ code });
      } catch (e) {
        expect(e).toBeInstanceOf(DomainError);
        expect((e as DomainError).field).toBe('code');
      }
      expect(validateCountyCode({ code }).ok).toBe(isCountyCodeSafe(code));
    }),
  );
});

function isCountyCodeSafe(code: string): boolean {
  try {
    return isCountyCode({ code });
  } catch {
    return false;
  }
}
