import { ApiError, type ApiClient } from '../api/client';
import type { ScreenPopMessage, StoredCall } from '../api/types';
import { cacheCaller, cachedCaller, mergeLookedUpCalls, type ConsoleDb } from '../db/console-db';
import type { CallerHistory } from '../api/types';
import { maskNumber } from '../domain/phone-display';

/**
 * Keeps the pop's history for a repeat caller, or, when the appliance sent none (its lookup failed), returns
 * the one cached on this device.
 */
export async function rememberPop(options: {
  db: ConsoleDb;
  pop: ScreenPopMessage;
  now?: string;
}): Promise<CallerHistory | undefined> {
  const { db, pop } = options;
  const phone = pop.caller.phone;
  if (phone === null) return undefined;
  if (pop.history === null) return (await cachedCaller({ db, phone }))?.history;
  await cacheCaller({
    db,
    caller: {
      phone,
      masked: pop.caller.masked,
      name: pop.caller.name ?? pop.history.knownName,
      history: pop.history,
      updatedAt: options.now ?? new Date().toISOString(),
    },
  });
  return undefined;
}

/** The keys a typed number may be cached under, without the appliance's normaliser (for offline use). */
export function cacheKeysFor(options: { input: string }): string[] {
  const digits = options.input.replace(/[\s\-().]/g, '');
  if (/^\+\d{6,15}$/.test(digits)) return [digits];
  if (/^1\d{10}$/.test(digits)) return [`+86${digits}`];
  if (/^0\d{9,11}$/.test(digits)) return [`+86${digits.slice(1)}`];
  if (/^86\d{8,13}$/.test(digits)) return [`+${digits}`];
  return [];
}

export type LookupResult = {
  phone: string;
  masked: string;
  calls: StoredCall[];
  /** The appliance could not be reached: these are this device's cached calls. */
  fromCache: boolean;
};

/** GET /api/calls?phone=… (then cached); when the appliance is unreachable, the cached calls if any. */
export async function lookUpCaller(options: {
  api: ApiClient;
  db: ConsoleDb;
  input: string;
  now?: string;
}): Promise<LookupResult> {
  const { api, db, input } = options;
  try {
    const answer = await api.callsByPhone({ phone: input.trim() });
    const masked = maskNumber({ phone: answer.phone });
    const cached = await cachedCaller({ db, phone: answer.phone });
    if (answer.calls.length > 0 || cached !== undefined) {
      await cacheCaller({
        db,
        caller: mergeLookedUpCalls({
          cached,
          phone: answer.phone,
          masked,
          calls: answer.calls,
          now: options.now ?? new Date().toISOString(),
        }),
      });
    }
    return { phone: answer.phone, masked, calls: answer.calls, fromCache: false };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 0) throw error;
    for (const key of cacheKeysFor({ input })) {
      const cached = await cachedCaller({ db, phone: key });
      if (cached !== undefined)
        return { phone: key, masked: cached.masked, calls: cached.history.calls, fromCache: true };
    }
    throw error;
  }
}
