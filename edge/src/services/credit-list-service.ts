import { defaultCreditRules, type CreditRules } from '@jiazheng/sync/domain';
import { computeCreditLists, type CreditEntry, type CreditLists } from '../domain/registry-credit';
import type { CreditFactsSource } from '../ports/registry-records';

/** The lists read every enterprise, worker and inspection: recomputed at most this often. */
export const CREDIT_LISTS_MAX_AGE_MS = 30_000;

/**
 * The credit lists, computed from the hub's records and reused for CREDIT_LISTS_MAX_AGE_MS: the registry's
 * screens, the credit page and the public website's recommendations all read them, and none needs them
 * fresher than half a minute. A staff act on the registry calls `invalidate()`, so the officer who just
 * suspended an enterprise sees it on the punishment list at once.
 */
export class CreditListService {
  readonly #source: CreditFactsSource;
  readonly #rules: CreditRules;
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  #cached: { at: number; value: Promise<CreditLists & { byId: Map<string, CreditEntry> }> } | null = null;

  constructor(options: {
    source: CreditFactsSource;
    rules?: CreditRules;
    now?: () => number;
    maxAgeMs?: number;
  }) {
    this.#source = options.source;
    this.#rules = options.rules ?? defaultCreditRules;
    this.#now = options.now ?? Date.now;
    this.#maxAgeMs = options.maxAgeMs ?? CREDIT_LISTS_MAX_AGE_MS;
  }

  async current(): Promise<CreditLists> {
    const { byId: _byId, ...lists } = await this.#current();
    return lists;
  }

  /** One enterprise's entry (score, list, explained components); null for one not scored (not approved). */
  async entryOf(options: { enterpriseId: string }): Promise<CreditEntry | null> {
    return (await this.#current()).byId.get(options.enterpriseId) ?? null;
  }

  /** Every scored enterprise's entry, by enterprise id. */
  async entries(): Promise<ReadonlyMap<string, CreditEntry>> {
    return (await this.#current()).byId;
  }

  invalidate(): void {
    this.#cached = null;
  }

  #current(): Promise<CreditLists & { byId: Map<string, CreditEntry> }> {
    const now = this.#now();
    if (!this.#cached || now - this.#cached.at > this.#maxAgeMs) {
      const value = this.#source.readCreditFacts({ now }).then((facts) => {
        const lists = computeCreditLists({ facts, now, rules: this.#rules });
        const byId = new Map(
          [...lists.recommended, ...lists.normal, ...lists.punishment].map((e) => [e.enterpriseId, e]),
        );
        return { ...lists, byId };
      });
      const cached = { at: now, value };
      this.#cached = cached;
      // A failed computation is not kept: the next caller tries again.
      value.catch(() => {
        if (this.#cached === cached) this.#cached = null;
      });
    }
    return this.#cached.value;
  }
}
