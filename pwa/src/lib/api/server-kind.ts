/**
 * Which server serves the app: a county appliance (the call-takers' console, at `/`) or the central hub (the
 * central office's screens, at `/console/`). Both answer `GET /health` without a login: the hub says
 * `server: "hub"`, an appliance names its county. Offline, the last answer (remembered) or the base path
 * decides, so an appliance's console still opens from the service worker's cache.
 */
export type ServerKind = 'hub' | 'appliance';

export const SERVER_STORAGE_KEY = 'jz.server';

/** The kind a `/health` answer stands for; undefined when it is no health answer at all. */
export function serverKindOf(health: unknown): ServerKind | undefined {
  if (typeof health !== 'object' || health === null || !('ok' in health)) return undefined;
  return (health as { server?: unknown }).server === 'hub' ? 'hub' : 'appliance';
}

export async function detectServer(options: {
  /** SvelteKit's base path: `''` at an appliance, `/console` at the hub. */
  base: string;
  fetch?: typeof fetch;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}): Promise<ServerKind> {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const { storage } = options;
  try {
    const response = await doFetch('/health', { headers: { accept: 'application/json' }, cache: 'no-store' });
    const kind = response.ok ? serverKindOf(await response.json()) : undefined;
    if (kind !== undefined) {
      try {
        storage?.setItem(SERVER_STORAGE_KEY, kind);
      } catch {
        // Storage full or denied: the next start asks again.
      }
      return kind;
    }
  } catch {
    // Unreachable, or not JSON: decided below.
  }
  let remembered: string | null;
  try {
    remembered = storage?.getItem(SERVER_STORAGE_KEY) ?? null;
  } catch {
    remembered = null;
  }
  if (remembered === 'hub' || remembered === 'appliance') return remembered;
  return options.base === '' ? 'appliance' : 'hub';
}
