import type { StoredCall } from './call-store';

export type CallerOrder = {
  recordId: string;
  countyCode: string;
  status: string;
  itemCode: string;
  /** The item's names from the catalogue, so a console shows them without carrying the catalogue. */
  itemName: { zh: string; en: string };
  categoryCode: string;
  citizenName: string;
  receivedAt: string;
  lastSatisfaction: number | null;
  openComplaints: number;
};

/** Everything the call-taker should see about a caller before answering. */
export type CallerHistory = {
  callsTotal: number;
  calls: StoredCall[];
  orders: CallerOrder[];
  /** The name the citizen gave on their latest order, if any. */
  knownName: string | null;
  openCallbacks: number;
};

export interface CallerLookup {
  lookup(options: { caller: string }): Promise<CallerHistory>;
}
