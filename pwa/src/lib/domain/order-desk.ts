import {
  checkWorkerEligibility,
  findItem,
  OrderStatus,
  orderTransitions,
  toWorker,
  WorkerStatus,
  type EnterpriseState,
  type OrderCommandType,
  type OrderState,
  type WorkerState,
} from '@jiazheng/sync/domain';

/** The order statuses in lifecycle order: the status filter lists them so. */
export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);

const commandTypes = new Set<string>(Object.keys(orderTransitions));

/** Whether a stored proposal's type (a plain string once it has been through a record) is an order command. */
export function isOrderCommandType(type: string): type is OrderCommandType {
  return commandTypes.has(type);
}

/**
 * Whether `role` may propose `type` on an order in `status`, by the reducer's own transition table: the
 * console offers only what the home would accept, and the rules live in one place.
 */
export function mayPropose(options: { type: OrderCommandType; status: string; role: string }): boolean {
  const rule = orderTransitions[options.type];
  if (rule.from === 'create') return false;
  return rule.from.includes(options.status) && (rule.roles as readonly string[]).includes(options.role);
}

/** The actions the order detail offers; dispatching is the dispatch panel's. */
export const DETAIL_ACTIONS = [
  'cancel',
  'accept',
  'decline',
  'assignWorker',
  'startService',
  'markServed',
  'openComplaint',
] as const;
export type DetailAction = (typeof DETAIL_ACTIONS)[number];

export function detailActions(options: { order: OrderState; role: string }): DetailAction[] {
  const { order, role } = options;
  return DETAIL_ACTIONS.filter((type) => {
    if (!mayPropose({ type, status: order.status, role })) return false;
    // Accept and decline answer for the enterprise the order went to: without a dispatch there is none.
    if ((type === 'accept' || type === 'decline') && order.dispatch === null) return false;
    // Service starts with a worker named: the reducer refuses it before assignWorker.
    if (type === 'startService') return (order.dispatch?.workerId ?? null) !== null;
    // A complaint is against a service: the reducer refuses one when no enterprise ever had the order.
    if (type === 'openComplaint') return order.dispatch !== null || order.attempts.length > 0;
    return true;
  });
}

/** Every name an item goes by, for the text filter: a call-taker may type either language. */
export function itemSearchNames(code: string): string {
  const item = findItem({ code });
  return item === undefined ? code : `${item.name.zh} ${item.name.en}`;
}

/** An item's name in the UI language, or its code when the catalogue does not know it. */
export function itemName(options: { code: string; language: string }): string {
  const item = findItem({ code: options.code });
  if (item === undefined) return options.code;
  return options.language.startsWith('zh') ? item.name.zh : item.name.en;
}

/**
 * An enterprise's name from the registry as this browser holds it. The book keys enterprises by record id,
 * which is also the id orders carry; a lookup by the state's own id covers a registry that differs.
 */
export function enterpriseName(options: {
  enterprises: ReadonlyMap<string, EnterpriseState>;
  id: string;
}): string {
  const direct = options.enterprises.get(options.id);
  if (direct !== undefined) return direct.name;
  for (const enterprise of options.enterprises.values())
    if (enterprise.id === options.id) return enterprise.name;
  return options.id;
}

/** Epoch ms as the ISO string `formatDateTime` takes; records keep epoch ms, the appliance's API ISO. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** A worker of the dispatched enterprise as the worker picker shows them: eligible or why not. */
export type WorkerChoice = {
  id: string;
  name: string;
  eligible: boolean;
  /** Why the home would refuse them: a code (`WorkerIneligibility`) and the qualification missing, if any. */
  reasons: { code: string; qualification: string | null }[];
};

/**
 * The dispatched enterprise's workers for an order, eligible first (active, trained before service, holding
 * the item's qualifications now), each with the reasons the home would refuse them. Workers who left are
 * not listed. The home checks again when it decides, against the registry it holds then.
 */
export function listWorkerChoices(options: {
  order: OrderState;
  workers: readonly WorkerState[];
  now: number;
}): WorkerChoice[] {
  const { order, now } = options;
  const enterpriseId = order.dispatch?.enterpriseId;
  if (enterpriseId === undefined) return [];
  const required = findItem({ code: order.itemCode })?.standard.qualifications ?? [];
  const choices = options.workers
    .filter((w) => w.enterpriseId === enterpriseId && w.status !== WorkerStatus.left)
    .map((state) => {
      const eligibility = checkWorkerEligibility({ worker: toWorker({ state }), required, at: now });
      const reasons = eligibility.reasons.map((r) => ({
        code: r.code,
        qualification: r.qualification ?? null,
      }));
      return { id: state.id, name: state.name, eligible: reasons.length === 0, reasons };
    });
  return choices.sort(
    (a, b) => Number(b.eligible) - Number(a.eligible) || a.name.localeCompare(b.name, 'zh'),
  );
}
