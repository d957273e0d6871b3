/** The central office's screens at the hub, and who sees which (the hub's own role checks have the last word). */
export type HubScreen =
  'dashboard' | 'registry' | 'credit' | 'complaints' | 'training' | 'appliances' | 'users';

/** The hub's staff roles, as `POST /api/users` takes them (edge/src/domain/hub-accounts.ts). */
export const HUB_ROLES = [
  'central_office',
  'registry_officer',
  'quality_inspector',
  'legal_consultant',
  'supervisor',
  'call_taker',
  'technician',
  'administrator',
] as const;

/** GET /api/reports/orders: administrator, central-office analyst, county supervisor. */
const DASHBOARD_ROLES: ReadonlySet<string> = new Set(['administrator', 'central_office', 'supervisor']);
/** GET /api/registry/…: the registry officer and the administrator. */
const REGISTRY_ROLES: ReadonlySet<string> = new Set(['administrator', 'registry_officer']);
/** GET /api/complaints: arbitration (quality inspectors, legal consultants), administrators, analysts (read only). */
const COMPLAINT_ROLES: ReadonlySet<string> = new Set([
  'quality_inspector',
  'legal_consultant',
  'administrator',
  'central_office',
]);
/** GET /api/training/courses: the registry officer and the administrator, analysts (read only). */
const TRAINING_ROLES: ReadonlySet<string> = new Set(['administrator', 'registry_officer', 'central_office']);
/** GET /api/appliances: technician, administrator. */
const APPLIANCE_ROLES: ReadonlySet<string> = new Set(['administrator', 'technician']);

export function hubScreensFor(role: string): HubScreen[] {
  const screens: HubScreen[] = [];
  if (DASHBOARD_ROLES.has(role)) screens.push('dashboard');
  if (REGISTRY_ROLES.has(role)) screens.push('registry', 'credit');
  if (COMPLAINT_ROLES.has(role)) screens.push('complaints');
  if (TRAINING_ROLES.has(role)) screens.push('training');
  if (APPLIANCE_ROLES.has(role)) screens.push('appliances');
  // GET/POST /api/users: administrators.
  if (role === 'administrator') screens.push('users');
  return screens;
}
