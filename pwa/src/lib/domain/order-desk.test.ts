import {
  applyOrderCommand,
  createId,
  type EnterpriseState,
  type OrderCommandType,
  type OrderState,
  type WorkerState,
} from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import {
  detailActions,
  enterpriseName,
  isOrderCommandType,
  itemName,
  itemSearchNames,
  listWorkerChoices,
  mayPropose,
  ORDER_STATUSES,
} from './order-desk';

const orderId = 'order:330106:01JBQ5M8X00000000000000001';
const enterpriseId = 'enterprise:hub:01JBQ5M8X00000000000000002';

/** An order taken through the given commands by the reducer itself (replay: no registry needed). */
function orderThrough(steps: readonly { type: OrderCommandType; payload: unknown }[]): OrderState {
  let state: OrderState | null = null;
  let at = Date.UTC(2026, 10, 1, 1);
  const all = [
    {
      type: 'receive' as const,
      payload: {
        orderId,
        channel: 'call',
        citizenPhone: '+8613812345678',
        citizenName: '王女士',
        itemCode: 'FAM-CLEANING',
        urgency: 'normal',
        address: '西湖区文三路 1 号',
        wantedAt: null,
        durationMinutes: 120,
        notes: '',
      },
    },
    ...steps,
  ];
  for (const step of all) {
    const result = applyOrderCommand({
      state,
      command: { id: createId(), actor: { userId: 'ct', role: 'call_taker' }, at: at++, ...step },
      context: { mode: 'replay' },
    });
    if (!result.ok) throw result.error;
    state = result.value;
  }
  if (state === null) throw new Error('no order');
  return state;
}

const dispatched = [
  { type: 'awaitDispatch' as const, payload: {} },
  { type: 'dispatch' as const, payload: { enterpriseId } },
];

describe('order desk helpers', () => {
  test('isOrderCommandType knows the reducer’s commands and nothing else', () => {
    expect(isOrderCommandType('recordReturnVisit')).toBe(true);
    expect(isOrderCommandType('openComplaint')).toBe(true);
    expect(isOrderCommandType('approve')).toBe(false);
    expect(isOrderCommandType('toString')).toBe(false);
  });

  test('mayPropose follows the transition table: status and role', () => {
    expect(mayPropose({ type: 'cancel', status: 'received', role: 'call_taker' })).toBe(true);
    expect(mayPropose({ type: 'cancel', status: 'in_service', role: 'call_taker' })).toBe(false);
    expect(mayPropose({ type: 'cancel', status: 'received', role: 'enterprise' })).toBe(false);
    expect(mayPropose({ type: 'resolveComplaint', status: 'closed', role: 'call_taker' })).toBe(false);
    expect(mayPropose({ type: 'receive', status: 'received', role: 'call_taker' })).toBe(false);
  });

  test('what the detail offers at each step of an order, for a call-taker', () => {
    const role = 'call_taker';
    expect(detailActions({ order: orderThrough([]), role })).toEqual(['cancel']);
    expect(detailActions({ order: orderThrough(dispatched), role })).toEqual([
      'cancel',
      'accept',
      'decline',
      'openComplaint',
    ]);
    const inService = orderThrough([
      ...dispatched,
      { type: 'accept', payload: { enterpriseId, workerId: null } },
      { type: 'assignWorker', payload: { workerId: 'w-1' } },
      { type: 'startService', payload: {} },
    ]);
    expect(detailActions({ order: inService, role })).toEqual(['markServed', 'openComplaint']);
    // Accepted: a worker is named first, then service starts.
    const accepted = orderThrough([
      ...dispatched,
      { type: 'accept', payload: { enterpriseId, workerId: null } },
    ]);
    expect(detailActions({ order: accepted, role })).toEqual(['cancel', 'assignWorker', 'openComplaint']);
    const assigned = orderThrough([
      ...dispatched,
      { type: 'accept', payload: { enterpriseId, workerId: null } },
      { type: 'assignWorker', payload: { workerId: 'w-1' } },
    ]);
    expect(detailActions({ order: assigned, role })).toEqual([
      'cancel',
      'assignWorker',
      'startService',
      'openComplaint',
    ]);
    const cancelled = orderThrough([{ type: 'cancel', payload: { reason: '市民取消' } }]);
    expect(detailActions({ order: cancelled, role })).toEqual([]);
  });

  test('a declined order back in the queue can still be complained about, not accepted', () => {
    const declined = orderThrough([
      ...dispatched,
      { type: 'decline', payload: { enterpriseId, reason: '人手不足' } },
    ]);
    // awaiting_dispatch is not a complaint status: nothing but cancel.
    expect(detailActions({ order: declined, role: 'call_taker' })).toEqual(['cancel']);
  });

  test('a quality inspector may only complain; a supervisor what a call-taker may', () => {
    const order = orderThrough(dispatched);
    expect(detailActions({ order, role: 'quality_inspector' })).toEqual(['openComplaint']);
    expect(detailActions({ order, role: 'supervisor' })).toEqual(
      detailActions({ order, role: 'call_taker' }),
    );
  });

  test('the statuses in lifecycle order', () => {
    expect(ORDER_STATUSES).toEqual([
      'received',
      'awaiting_dispatch',
      'dispatched',
      'accepted',
      'in_service',
      'served',
      'closed',
      'cancelled',
    ]);
  });

  test('item names in either language, for the filter and the list', () => {
    expect(itemSearchNames('FAM-NANNY')).toMatch(/保姆|育儿/);
    expect(itemSearchNames('FAM-NANNY')).toMatch(/[a-z]/i);
    expect(itemSearchNames('XXX-UNKNOWN')).toBe('XXX-UNKNOWN');
    expect(itemName({ code: 'MED-CONSULT', language: 'zh-CN' })).toBe('医疗咨询');
    expect(itemName({ code: 'MED-CONSULT', language: 'en' })).toBe('Medical enquiries');
    expect(itemName({ code: 'XXX-UNKNOWN', language: 'en' })).toBe('XXX-UNKNOWN');
  });

  test('enterprise names by record id, by the state’s id, or the bare id when unknown', () => {
    const enterprise = { id: enterpriseId, name: '杭州好帮手家政' } as EnterpriseState;
    expect(enterpriseName({ enterprises: new Map([[enterpriseId, enterprise]]), id: enterpriseId })).toBe(
      '杭州好帮手家政',
    );
    expect(enterpriseName({ enterprises: new Map([['other-key', enterprise]]), id: enterpriseId })).toBe(
      '杭州好帮手家政',
    );
    expect(enterpriseName({ enterprises: new Map(), id: enterpriseId })).toBe(enterpriseId);
  });
});

const day = 86_400_000;

function workerState(options: {
  id: string;
  name: string;
  enterprise?: string;
  trained?: boolean;
  status?: WorkerState['status'];
}): WorkerState {
  const now = Date.UTC(2026, 10, 1);
  return {
    id: options.id,
    enterpriseId: options.enterprise ?? enterpriseId,
    name: options.name,
    idNumberMasked: '330106********1234',
    status: options.status ?? 'active',
    healthCertificateValidUntil: now + 180 * day,
    backgroundCheckedAt: now - 30 * day,
    certificates: [
      { qualification: 'health_certificate', number: 'H-1', validUntil: now + 180 * day },
      { qualification: 'domestic_service_cert', number: 'D-1', validUntil: null },
    ],
    trainings:
      options.trained === false
        ? []
        : [
            {
              courseCode: 'PPT-2026',
              courseName: '岗前培训',
              grants: 'pre_post_training',
              hours: 40,
              examScore: 88,
              passMark: 60,
              completedAt: now - 10 * day,
              validUntil: now + 700 * day,
            },
          ],
    phone: null,
    backgroundCheckReference: null,
    statusChanges: [],
    registeredAt: now - 60 * day,
    registeredBy: 'officer',
    updatedAt: now - day,
  };
}

test('the worker picker lists the dispatched enterprise’s workers, eligible first, each refusal with its reason', () => {
  const order = orderThrough([...dispatched, { type: 'accept', payload: { enterpriseId, workerId: null } }]);
  const choices = listWorkerChoices({
    order,
    workers: [
      workerState({ id: 'w-untrained', name: '张阿姨', trained: false }),
      workerState({ id: 'w-ok', name: '李阿姨' }),
      workerState({ id: 'w-other', name: '王阿姨', enterprise: 'enterprise:hub:other' }),
      workerState({ id: 'w-left', name: '赵阿姨', status: 'left' }),
      workerState({ id: 'w-suspended', name: '钱阿姨', status: 'suspended' }),
    ],
    now: Date.UTC(2026, 10, 2),
  });
  expect(choices.map((c) => [c.id, c.eligible])).toEqual([
    ['w-ok', true],
    ['w-suspended', false],
    ['w-untrained', false],
  ]);
  expect(choices.find((c) => c.id === 'w-untrained')?.reasons).toEqual([
    { code: 'no_pre_post_training', qualification: null },
  ]);
  expect(choices.find((c) => c.id === 'w-suspended')?.reasons).toEqual([
    { code: 'worker_not_active', qualification: null },
  ]);
  // No dispatch, no enterprise to pick from.
  expect(
    listWorkerChoices({ order: orderThrough([]), workers: [workerState({ id: 'w', name: '李' })], now: 0 }),
  ).toEqual([]);
});
