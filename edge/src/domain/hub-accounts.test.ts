import { expect, test } from 'vitest';
import {
  accountScopeSchema,
  createAccountRequestSchema,
  HUB_STAFF_ROLES,
  scopeContains,
  type AccountScope,
} from './hub-accounts';

const country: AccountScope = { level: 'country' };
const zhejiang: AccountScope = { level: 'province', code: '330000' };
const hangzhou: AccountScope = { level: 'city', code: '330100' };
const xihu: AccountScope = { level: 'county', code: '330106' };
const ningbo: AccountScope = { level: 'city', code: '330200' };
const guangdong: AccountScope = { level: 'province', code: '440000' };

test('scopeContains: the country holds all, each level its descendants and itself, nothing holds a wider scope', () => {
  for (const inner of [country, zhejiang, hangzhou, xihu, ningbo, guangdong]) {
    expect(scopeContains({ outer: country, inner })).toBe(true);
    expect(scopeContains({ outer: inner, inner })).toBe(true);
  }
  expect(scopeContains({ outer: zhejiang, inner: hangzhou })).toBe(true);
  expect(scopeContains({ outer: zhejiang, inner: xihu })).toBe(true);
  expect(scopeContains({ outer: hangzhou, inner: xihu })).toBe(true);
  expect(scopeContains({ outer: zhejiang, inner: country })).toBe(false);
  expect(scopeContains({ outer: hangzhou, inner: zhejiang })).toBe(false);
  expect(scopeContains({ outer: xihu, inner: hangzhou })).toBe(false);
  expect(scopeContains({ outer: ningbo, inner: xihu })).toBe(false);
  expect(scopeContains({ outer: guangdong, inner: xihu })).toBe(false);
  expect(scopeContains({ outer: { level: 'county', code: '330108' }, inner: xihu })).toBe(false);
});

test('scopeContains follows the region table: a county directly under a province (仙桃市) is in its province', () => {
  const xiantao: AccountScope = { level: 'county', code: '429004' };
  expect(scopeContains({ outer: { level: 'province', code: '420000' }, inner: xiantao })).toBe(true);
  expect(scopeContains({ outer: { level: 'city', code: '420100' }, inner: xiantao })).toBe(false);
});

test('a scope names a real region of its level', () => {
  expect(accountScopeSchema.parse(hangzhou)).toEqual(hangzhou);
  expect(accountScopeSchema.safeParse({ level: 'city', code: '330106' }).success).toBe(false);
  expect(accountScopeSchema.safeParse({ level: 'county', code: '330199' }).success).toBe(false);
  expect(accountScopeSchema.safeParse({ level: 'country', code: '330000' }).success).toBe(false);
  expect(accountScopeSchema.safeParse({ level: 'planet' }).success).toBe(false);
});

test("the issue's roles map onto the product's roles; an account request is checked whole", () => {
  expect(HUB_STAFF_ROLES['central-office analyst']).toBe('central_office');
  expect(HUB_STAFF_ROLES['county supervisor']).toBe('supervisor');
  expect(Object.values(HUB_STAFF_ROLES)).toHaveLength(8);
  const request = {
    username: 'li.tech',
    password: 'long-enough-1',
    displayName: '李工',
    role: 'technician',
    scope: xihu,
  };
  expect(createAccountRequestSchema.parse(request)).toEqual(request);
  expect(createAccountRequestSchema.safeParse({ ...request, role: 'system' }).success).toBe(false);
  expect(createAccountRequestSchema.safeParse({ ...request, password: 'short' }).success).toBe(false);
  expect(createAccountRequestSchema.safeParse({ ...request, username: 'Li Tech' }).success).toBe(false);
  expect(createAccountRequestSchema.safeParse({ ...request, admin: true }).success).toBe(false);
});
