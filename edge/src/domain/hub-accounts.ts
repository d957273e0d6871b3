import { findRegion, Role, RegionLevel, type Region } from '@jiazheng/sync/domain';
import { z } from 'zod';

/**
 * The hub's staff roles, named as the issue names them, mapped onto the product's roles
 * (`sync/src/domain/roles.ts`) so a hub account and a directory user speak the same vocabulary.
 */
export const HUB_STAFF_ROLES = {
  'central-office analyst': Role.centralOffice,
  'registry officer': Role.registryOfficer,
  'quality inspector': Role.qualityInspector,
  'legal consultant': Role.legalConsultant,
  'county supervisor': Role.supervisor,
  'call-taker': Role.callTaker,
  technician: Role.technician,
  administrator: Role.administrator,
} as const;
export type HubRole = (typeof HUB_STAFF_ROLES)[keyof typeof HUB_STAFF_ROLES];

const hubRoles = Object.values(HUB_STAFF_ROLES) as [HubRole, ...HubRole[]];
export const hubRoleSchema = z.enum(hubRoles);

/** Where an account may act: the whole country, or one province, city or county (GB/T 2260). */
export const accountScopeSchema = z
  .discriminatedUnion('level', [
    z.strictObject({ level: z.literal('country') }),
    z.strictObject({
      level: z.enum([RegionLevel.province, RegionLevel.city, RegionLevel.county]),
      code: z.string().regex(/^\d{6}$/, 'must be a six-digit GB/T 2260 region code'),
    }),
  ])
  .superRefine((scope, ctx) => {
    if (scope.level === 'country') return;
    const region = findRegion({ code: scope.code });
    if (region === undefined) {
      ctx.addIssue({ code: 'custom', path: ['code'], message: `no region has code ${scope.code}` });
    } else if (region.level !== scope.level) {
      ctx.addIssue({
        code: 'custom',
        path: ['code'],
        message: `${scope.code} (${region.name}) is a ${region.level}, not a ${scope.level}`,
      });
    }
  });
export type AccountScope = z.infer<typeof accountScopeSchema>;

export const COUNTRY_SCOPE: AccountScope = { level: 'country' };

/** Same rule as the appliance's accounts: short, lowercase, safe in logs and URLs. */
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9_.-]{2,32}$/, 'must be 2–32 lowercase letters, digits, dot, dash or underscore');
export const MIN_PASSWORD_LENGTH = 10;
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  // scrypt takes any length; the cap only stops a megabyte "password" from costing a hash of it.
  .max(200, 'must be at most 200 characters');

export const loginRequestSchema = z.strictObject({
  username: z.string().min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  password: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const createAccountRequestSchema = z.strictObject({
  username: usernameSchema,
  password: passwordSchema,
  displayName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(40, 'must be at most 40 characters')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters'),
  role: hubRoleSchema,
  scope: accountScopeSchema,
});
export type CreateAccountRequest = z.infer<typeof createAccountRequestSchema>;

export const revokeRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

/** The regions a scope's code stands for, province → city → county (none for the country). */
function pathCodes(scope: AccountScope): {
  province?: string | undefined;
  city?: string | undefined;
  county?: string | undefined;
} {
  if (scope.level === 'country') return {};
  const region: Region | undefined = findRegion({ code: scope.code });
  if (region === undefined) return {};
  return {
    province: region.provinceCode,
    city: region.level === RegionLevel.province ? undefined : region.cityCode,
    county: region.level === RegionLevel.county ? region.code : undefined,
  };
}

/**
 * Whether everything `inner` covers lies within `outer`: the country contains every scope, a province its
 * cities and counties, a city its counties, each scope itself. Decided on the region table, not on the
 * codes' digits, so a county directly under a province (省直辖县级行政区划) still belongs to that province.
 */
export function scopeContains(options: { outer: AccountScope; inner: AccountScope }): boolean {
  const { outer, inner } = options;
  if (outer.level === 'country') return true;
  if (inner.level === 'country') return false;
  const path = pathCodes(inner);
  if (outer.level === 'province') return path.province === outer.code;
  if (outer.level === 'city') return path.city === outer.code;
  return path.county === outer.code;
}

/** The scope of one county, as the appliance of that county is scoped. */
export function countyScope(options: { countyCode: string }): AccountScope {
  return { level: 'county', code: options.countyCode };
}
