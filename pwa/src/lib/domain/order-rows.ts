import {
  defaultOrderDeadlineRules,
  listOrderDeadlines,
  type OrderDeadlineRules,
  type OrderState,
} from '@jiazheng/sync/domain';

/** A proposal this device made that the order's home refused, with its reason: to be redone or set aside. */
export type RecordConflict = {
  recordId: string;
  proposalId: string;
  type: string;
  payload: unknown;
  at: number;
  code: string;
  field: string;
  message: string;
};

/** An order as the console lists it. */
export type OrderRow = {
  recordId: string;
  /** Accepted state plus this device's pending proposals; null while even `receive` is undecided and invalid. */
  state: OrderState | null;
  /** Whether the home has accepted anything yet (false: the order exists only here so far). */
  accepted: boolean;
  pending: { id: string; type: string; at: number }[];
  conflicts: RecordConflict[];
};

export type OrderFilter = {
  /** Matched against the phone's digits, the name, the address, the notes and the item's names. */
  text: string;
  /** '' for any. */
  status: string;
};

/**
 * The rows matching a filter, in their given order. One pass with plain string tests: 50,000 orders
 * filter well inside a keystroke (pwa/BENCH.md). `itemNames` gives the searchable names of an item code.
 */
export function filterOrders(options: {
  rows: readonly OrderRow[];
  filter: OrderFilter;
  itemNames: (code: string) => string;
}): OrderRow[] {
  const text = options.filter.text.trim().toLowerCase();
  const digits = text.replace(/\D/g, '');
  const { status } = options.filter;
  if (text === '' && status === '') return options.rows.slice();
  const names = new Map<string, string>();
  const nameOf = (code: string): string => {
    let name = names.get(code);
    if (name === undefined) names.set(code, (name = options.itemNames(code).toLowerCase()));
    return name;
  };
  return options.rows.filter((row) => {
    const order = row.state;
    if (order === null) return false;
    if (status !== '' && order.status !== status) return false;
    if (text === '') return true;
    if (digits.length >= 3 && order.citizenPhone?.includes(digits)) return true;
    return (
      order.citizenName.toLowerCase().includes(text) ||
      order.address.toLowerCase().includes(text) ||
      order.notes.toLowerCase().includes(text) ||
      nameOf(order.itemCode).includes(text)
    );
  });
}

export type WorkItem = {
  row: OrderRow;
  kind: 'dispatch' | 'acceptance' | 'return_visit' | 'complaint';
  dueAt: number;
  overdue: boolean;
};

/**
 * What is waiting on the centre: orders to dispatch, acceptances to chase, return visits and complaints
 * due, overdue first then soonest due. The rules only say what is late; they never change an order.
 */
export function listWorkItems(options: {
  rows: readonly OrderRow[];
  now: number;
  kinds?: readonly WorkItem['kind'][];
  rules?: OrderDeadlineRules;
}): WorkItem[] {
  const rules = options.rules ?? defaultOrderDeadlineRules;
  const kinds = new Set(options.kinds ?? ['dispatch', 'acceptance', 'return_visit', 'complaint']);
  const items: WorkItem[] = [];
  for (const row of options.rows) {
    if (row.state === null) continue;
    for (const deadline of listOrderDeadlines({ order: row.state, rules })) {
      if (!kinds.has(deadline.kind)) continue;
      items.push({ row, kind: deadline.kind, dueAt: deadline.dueAt, overdue: deadline.dueAt < options.now });
    }
  }
  return items.sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt - b.dueAt);
}

/**
 * What the book keeps of a record between sessions: valid while the record's seq is the one it was made
 * from, so a login decodes only what changed since the last one, not the county's whole history.
 */
export type CachedRecordView = {
  recordId: string;
  seq: number;
  /** The state the home accepted (orders, enterprises, workers); null before it accepted anything. */
  accepted: unknown;
  /** Orders only: the row as shown, accepted state plus this device's pending proposals. */
  row: OrderRow | null;
};

/** Where the cached views live (IndexedDB in the browser, per device). */
export type RecordViewCache = {
  load(): Promise<ReadonlyMap<string, CachedRecordView>>;
  save(options: { views: readonly CachedRecordView[] }): Promise<void>;
};
