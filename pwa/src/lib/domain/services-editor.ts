import {
  formatRegionName,
  isFreeCommunityService,
  listCategories,
  listItems,
  RegionLevel,
  searchRegions,
  type ServiceCategory,
  type ServiceItem,
} from '@jiazheng/sync/domain';
import type { EnterpriseCommandRequest } from '../api/hub-types';

/*
 * The registry officer changes what an enterprise serves and where (`updateServices`): the catalogue's
 * dispatched items, grouped by category, and the counties, found by name. A volunteer group may serve only
 * free community services (the domain refuses the rest); the editor offers only those.
 */

export type ServicesForm = { items: string[]; counties: string[] };
/** Keys under `registry.services.errors`. */
export type ServicesError = 'noItems' | 'noCounties' | 'volunteerPaidItem' | 'unchanged';

/** The items an enterprise of this kind may serve, by category (information items are never dispatched). */
export function offeredItems(options: {
  kind: 'enterprise' | 'volunteer';
}): Array<{ category: ServiceCategory; items: ServiceItem[] }> {
  return listCategories()
    .map((category) => ({
      category,
      items: listItems({ categoryCode: category.code }).filter(
        (item) =>
          item.handling === 'dispatch' &&
          (options.kind === 'enterprise' || isFreeCommunityService({ code: item.code })),
      ),
    }))
    .filter((group) => group.items.length > 0);
}

/** Counties whose name matches what was typed (a city's name finds its districts), not yet chosen. */
export function countyChoices(options: {
  query: string;
  chosen: readonly string[];
  limit?: number;
}): Array<{ code: string; label: string }> {
  const query = options.query.trim();
  if (query === '') return [];
  return searchRegions({ query, limit: 50 })
    .filter((region) => region.level === RegionLevel.county && !options.chosen.includes(region.code))
    .slice(0, options.limit ?? 8)
    .map((region) => ({ code: region.code, label: formatRegionName({ code: region.code }) }));
}

export function toggle(options: { values: readonly string[]; value: string }): string[] {
  return options.values.includes(options.value)
    ? options.values.filter((v) => v !== options.value)
    : [...options.values, options.value];
}

export function buildServicesCommand(options: {
  kind: 'enterprise' | 'volunteer';
  form: ServicesForm;
  current: ServicesForm;
}):
  | { ok: true; value: EnterpriseCommandRequest }
  | { ok: false; errors: Partial<Record<'items' | 'counties' | 'form', ServicesError>> } {
  const { kind, form, current } = options;
  const items = [...new Set(form.items)].sort();
  const counties = [...new Set(form.counties)].sort();
  const errors: Partial<Record<'items' | 'counties' | 'form', ServicesError>> = {};
  if (items.length === 0) errors.items = 'noItems';
  else if (kind === 'volunteer' && items.some((code) => !isFreeCommunityService({ code })))
    errors.items = 'volunteerPaidItem';
  if (counties.length === 0) errors.counties = 'noCounties';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const same = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && [...b].sort().every((v, i) => v === a[i]);
  if (same(items, current.items) && same(counties, current.counties))
    return { ok: false, errors: { form: 'unchanged' } };
  return { ok: true, value: { type: 'updateServices', payload: { items, counties } } };
}
