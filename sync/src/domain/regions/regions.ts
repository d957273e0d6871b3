import { z } from 'zod';
import { DomainError, DomainErrorCode, fail, ok, parseInput, type Result } from '../errors';
import { REGIONS_DATA } from './regions.generated';

/** A GB/T 2260 administrative division code, always six digits (province 330000, city 330100, county 330106). */
export const regionCodeSchema = z.string().regex(/^\d{6}$/, 'must be a six-digit GB/T 2260 region code');
export type RegionCode = z.infer<typeof regionCodeSchema>;

export const RegionLevel = { province: 'province', city: 'city', county: 'county' } as const;
export type RegionLevel = (typeof RegionLevel)[keyof typeof RegionLevel];

/**
 * One region. `provinceCode` / `cityCode` are the province and prefecture-level city at or above this region
 * (a city's `cityCode` is its own code), so "which city is this in" needs no branching on level.
 */
export const regionSchema = z
  .object({
    code: regionCodeSchema,
    name: z.string(),
    level: z.enum(RegionLevel),
    parentCode: regionCodeSchema.optional(),
    provinceCode: regionCodeSchema,
    cityCode: regionCodeSchema.optional(),
  })
  .readonly();
export type Region = z.infer<typeof regionSchema>;

const searchQuerySchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters');
const searchLimitSchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(500, 'must be at most 500');
const DEFAULT_SEARCH_LIMIT = 20;

/**
 * City-level placeholders in the statistical codes (municipal districts, Chongqing's counties, counties
 * directly under a province). They are real codes, but nobody writes them in an address.
 */
const PSEUDO_CITY_NAMES: ReadonlySet<string> = new Set([
  '市辖区',
  '县',
  '省直辖县级行政区划',
  '自治区直辖县级行政区划',
]);

const LEVEL_ORDER: Record<RegionLevel, number> = { province: 0, city: 1, county: 2 };

function levelOf(code: string): RegionLevel {
  if (code.endsWith('0000')) return RegionLevel.province;
  if (code.endsWith('00')) return RegionLevel.city;
  return RegionLevel.county;
}

function buildRegion(code: string, name: string): Region {
  const level = levelOf(code);
  const provinceCode = `${code.slice(0, 2)}0000`;
  const cityCode = `${code.slice(0, 4)}00`;
  if (level === RegionLevel.province) return Object.freeze({ code, name, level, provinceCode });
  if (level === RegionLevel.city) {
    return Object.freeze({ code, name, level, parentCode: provinceCode, provinceCode, cityCode: code });
  }
  return Object.freeze({ code, name, level, parentCode: cityCode, provinceCode, cityCode });
}

// Built once at module load (~3,300 rows, a few milliseconds) so every lookup afterwards is a Map hit.
const regionsByCode = new Map<string, Region>();
const childrenByCode = new Map<string, Region[]>();
const provinces: Region[] = [];
const fullNameByCode = new Map<string, string>();

for (const line of REGIONS_DATA.split('\n')) {
  if (line.length === 0) continue;
  const region = buildRegion(line.slice(0, 6), line.slice(6));
  regionsByCode.set(region.code, region);
  if (region.parentCode === undefined) {
    provinces.push(region);
  } else {
    const siblings = childrenByCode.get(region.parentCode);
    if (siblings) siblings.push(region);
    else childrenByCode.set(region.parentCode, [region]);
  }
}
for (const region of regionsByCode.values()) {
  fullNameByCode.set(region.code, joinNames(pathOf(region)));
}

function pathOf(region: Region): Region[] {
  const path: Region[] = [];
  for (const code of [region.provinceCode, region.cityCode]) {
    if (code === undefined || code === region.code) continue;
    const ancestor = regionsByCode.get(code);
    if (ancestor) path.push(ancestor);
  }
  path.push(region);
  return path;
}

function joinNames(path: readonly Region[]): string {
  const names: string[] = [];
  for (const region of path) {
    if (region.level === RegionLevel.city && PSEUDO_CITY_NAMES.has(region.name)) continue;
    // 嘉峪关市's only county is also called 嘉峪关市; saying it twice reads as a mistake.
    if (names.at(-1) === region.name) continue;
    names.push(region.name);
  }
  return names.join('');
}

function parseCode(code: unknown): RegionCode {
  return parseInput({ schema: regionCodeSchema, input: code, what: 'code' });
}

function notFound(code: string): DomainError {
  return new DomainError({
    code: DomainErrorCode.notFound,
    field: 'code',
    message: `code: no region has code ${code}`,
  });
}

/** The region with this code, or undefined if the code is well-formed but unknown. */
export function findRegion(options: { code: RegionCode }): Region | undefined {
  return regionsByCode.get(parseCode(options.code));
}

/** The region with this code; throws a `not_found` DomainError (field `code`) if there is none. */
export function getRegion(options: { code: RegionCode }): Region {
  const code = parseCode(options.code);
  const region = regionsByCode.get(code);
  if (!region) throw notFound(code);
  return region;
}

/** The regions directly under `code` (sorted by code); without a code, the 31 provinces. */
export function listChildren(options: { code?: RegionCode | undefined }): Region[] {
  if (options.code === undefined) return [...provinces];
  const region = getRegion({ code: options.code });
  return [...(childrenByCode.get(region.code) ?? [])];
}

/** Province → city → county down to and including `code` (pseudo-cities such as 市辖区 included). */
export function getRegionPath(options: { code: RegionCode }): Region[] {
  return pathOf(getRegion(options));
}

/** The name as written in an address, e.g. 浙江省杭州市西湖区 or 北京市东城区 (no 市辖区). */
export function formatRegionName(options: { code: RegionCode }): string {
  const region = getRegion(options);
  return fullNameByCode.get(region.code) ?? region.name;
}

/** Whether `code` is a known county-level region (区/县/县级市/旗). */
export function isCountyCode(options: { code: RegionCode }): boolean {
  return findRegion(options)?.level === RegionLevel.county;
}

/**
 * Checks that `code` names a county-level region, the unit calls are routed by. Never throws: malformed
 * and non-county codes are `invalid_input`, unknown codes `not_found`, all with field `code`.
 */
export function validateCountyCode(options: { code: RegionCode }): Result<Region> {
  const parsed = regionCodeSchema.safeParse(options.code);
  if (!parsed.success) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'code',
      message: `code: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    });
  }
  const region = regionsByCode.get(parsed.data);
  if (!region) return { ok: false, error: notFound(parsed.data) };
  if (region.level !== RegionLevel.county) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'code',
      message: `code: ${region.code} (${fullNameByCode.get(region.code) ?? region.name}) is a ${region.level}, not a county`,
    });
  }
  return ok(region);
}

/**
 * Regions whose name contains `query`, best first: exact name, then name prefix, then name substring,
 * then matches on the full name (so 杭州 also finds 杭州's districts); ties go province → city → county.
 */
export function searchRegions(options: { query: string; limit?: number | undefined }): Region[] {
  const query = parseInput({ schema: searchQuerySchema, input: options.query, what: 'query' });
  const limit =
    options.limit === undefined
      ? DEFAULT_SEARCH_LIMIT
      : parseInput({ schema: searchLimitSchema, input: options.limit, what: 'limit' });

  const hits: { region: Region; rank: number }[] = [];
  for (const region of regionsByCode.values()) {
    const rank = rankMatch(region, query);
    if (rank !== undefined) hits.push({ region, rank });
  }
  hits.sort(
    (a, b) =>
      a.rank - b.rank ||
      LEVEL_ORDER[a.region.level] - LEVEL_ORDER[b.region.level] ||
      a.region.code.localeCompare(b.region.code),
  );
  return hits.slice(0, limit).map((hit) => hit.region);
}

function rankMatch(region: Region, query: string): number | undefined {
  if (region.name === query) return 0;
  if (region.name.startsWith(query)) return 1;
  if (region.name.includes(query)) return 2;
  if (fullNameByCode.get(region.code)?.includes(query)) return 3;
  return undefined;
}
