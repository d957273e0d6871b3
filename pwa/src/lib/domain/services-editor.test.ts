import { isFreeCommunityService } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import { mayUpdateServices } from './registry-review';
import {
  buildServicesCommand,
  countyChoices,
  offeredItems,
  toggle,
  type ServicesError,
} from './services-editor';

const current = { items: ['FAM-CLEANING'], counties: ['330106'] };

test('an enterprise is offered every dispatched item; a volunteer group only the free community services', () => {
  const all = offeredItems({ kind: 'enterprise' }).flatMap((g) => g.items);
  expect(all.length).toBeGreaterThan(50);
  expect(all.every((item) => item.handling === 'dispatch')).toBe(true);
  const free = offeredItems({ kind: 'volunteer' }).flatMap((g) => g.items.map((i) => i.code));
  expect(free.sort()).toEqual(['ELD-ESCORT', 'ELD-VISIT']);
  expect(free.every((code) => isFreeCommunityService({ code }))).toBe(true);
});

test('counties are found by name, a city finding its districts, without those already chosen', () => {
  const found = countyChoices({ query: '杭州', chosen: ['330106'], limit: 20 });
  expect(found.length).toBeGreaterThan(5);
  expect(found.every((c) => c.code.startsWith('3301'))).toBe(true);
  expect(found.map((c) => c.code)).not.toContain('330106');
  expect(found.find((c) => c.code === '330102')?.label).toContain('上城区');
  expect(countyChoices({ query: '  ', chosen: [] })).toEqual([]);
});

test('the command carries the items and counties sorted and once each', () => {
  expect(
    buildServicesCommand({
      kind: 'enterprise',
      form: { items: ['FAM-NANNY', 'FAM-CLEANING', 'FAM-NANNY'], counties: ['330102', '330106'] },
      current,
    }),
  ).toEqual({
    ok: true,
    value: {
      type: 'updateServices',
      payload: { items: ['FAM-CLEANING', 'FAM-NANNY'], counties: ['330102', '330106'] },
    },
  });
  expect(toggle({ values: ['a', 'b'], value: 'a' })).toEqual(['b']);
  expect(toggle({ values: ['b'], value: 'a' })).toEqual(['b', 'a']);
});

test('nothing to serve, nowhere to serve, a paid item for volunteers, or no change: refused before sending', () => {
  expect(buildServicesCommand({ kind: 'enterprise', form: { items: [], counties: [] }, current })).toEqual({
    ok: false,
    errors: { items: 'noItems', counties: 'noCounties' },
  });
  expect(
    buildServicesCommand({
      kind: 'volunteer',
      form: { items: ['ELD-VISIT', 'FAM-CLEANING'], counties: ['330106'] },
      current,
    }),
  ).toEqual({ ok: false, errors: { items: 'volunteerPaidItem' } });
  expect(
    buildServicesCommand({
      kind: 'enterprise',
      form: { items: ['FAM-CLEANING'], counties: ['330106'] },
      current,
    }),
  ).toEqual({
    ok: false,
    errors: { form: 'unchanged' },
  });
});

test('every error has its words in both languages', () => {
  const errors: ServicesError[] = ['noItems', 'noCounties', 'volunteerPaidItem', 'unchanged'];
  for (const language of [zhCN, en])
    for (const e of errors) expect(language.registry.services.errors[e]).toMatch(/\S/);
});

test("the editor is offered by the domain's rule: registry staff, an approved enterprise still taking orders", () => {
  expect(mayUpdateServices({ status: 'active', role: 'registry_officer' })).toBe(true);
  expect(mayUpdateServices({ status: 'warned', role: 'administrator' })).toBe(true);
  expect(mayUpdateServices({ status: 'applied', role: 'registry_officer' })).toBe(false);
  expect(mayUpdateServices({ status: 'active', role: 'central_office' })).toBe(false);
});
