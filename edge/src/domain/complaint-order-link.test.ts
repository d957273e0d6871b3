import {
  applyOrderCommand,
  createId,
  replayComplaintLog,
  replayOrderLog,
  type ComplaintDecision,
  type ComplaintState,
  type OrderState,
} from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import {
  complaintUlidOf,
  orderComplaintOutcomeOf,
  orderComplaintResolutionOf,
  planComplaintOrderLink,
  type OrderComplaintProposal,
} from './complaint-order-link';

const at = Date.UTC(2026, 10, 20);
const county = '330106';
const orderId = `order:${county}:${createId({ now: at })}`;
const enterpriseId = `enterprise:hub:${createId({ now: at })}`;
const hub = { userId: 'hub', role: 'system' } as const;
const desk = { userId: 'ct-1', role: 'call_taker' } as const;

function command(type: string, payload: unknown, actor: { userId: string; role: string }, offset: number) {
  return { id: createId({ now: at + offset }), type, payload, actor, at: at + offset };
}

/** An order served for `feeFen`, replayed as its home accepted it. */
function servedOrder(options: { feeFen: number }): OrderState {
  const state = replayOrderLog({
    log: [
      command(
        'receive',
        {
          orderId,
          channel: 'call',
          citizenPhone: null,
          citizenName: '王女士',
          itemCode: 'FAM-CLEAN-DAILY',
          urgency: 'normal',
          address: '文三路 100 号',
          wantedAt: null,
          durationMinutes: null,
          notes: '',
        },
        desk,
        0,
      ),
      command('awaitDispatch', {}, desk, 1),
      command('dispatch', { enterpriseId }, desk, 2),
      command('accept', { enterpriseId, workerId: `worker:hub:${createId({ now: at })}` }, desk, 3),
      command('startService', {}, desk, 4),
      command('markServed', { feeFen: options.feeFen }, desk, 5),
    ],
  });
  if (!state) throw new Error('the order did not replay');
  return state;
}

function complaintOf(options: {
  recordId?: string;
  decide?: ComplaintDecision;
  withdraw?: boolean;
  orderId?: string | null;
}) {
  const recordId = options.recordId ?? `complaint:hub:${createId({ now: at + 100 })}`;
  const log: unknown[] = [
    command(
      'file',
      {
        complaintId: recordId,
        source: 'call',
        countyCode: county,
        orderId: options.orderId === undefined ? orderId : options.orderId,
        enterpriseId,
        enterpriseName: '',
        kind: 'price',
        description: '多收了上门费',
        citizenName: '王女士',
        citizenPhone: null,
        evidence: [],
        dueAt: at + 7 * 86_400_000,
      },
      hub,
      100,
    ),
    command(
      'assign',
      { userId: 'hub:qi', role: 'quality_inspector' },
      { userId: 'hub:admin', role: 'administrator' },
      101,
    ),
  ];
  if (options.decide) {
    log.push(
      command(
        'decide',
        { outcome: options.decide, reason: '收费超出公示价' },
        { userId: 'hub:qi', role: 'quality_inspector' },
        102,
      ),
    );
  }
  if (options.withdraw) log.push(command('withdraw', { reason: '已与企业协商' }, desk, 102));
  const state = replayComplaintLog({ log });
  if (!state) throw new Error('the complaint did not replay');
  return state;
}

/** Applies planned commands as the hub's system user would have them decided by the county. */
function applyPlanned(options: {
  state: OrderState;
  commands: ReadonlyArray<{ type: string; payload: unknown }>;
}) {
  let state = options.state;
  for (const [i, c] of options.commands.entries()) {
    const r = applyOrderCommand({
      state,
      command: command(c.type, c.payload, hub, 200 + i),
      context: { mode: 'replay' },
    });
    if (!r.ok) throw new Error(`${c.type} refused: ${r.error.message}`);
    state = r.value;
  }
  return state;
}

test('outcomes map onto the order’s schema: suspension days become the credit points it costs', () => {
  expect(orderComplaintOutcomeOf({ outcome: { kind: 'dismissed' } })).toEqual({ kind: 'dismissed' });
  expect(orderComplaintOutcomeOf({ outcome: { kind: 'refund', amountFen: 5000 } })).toEqual({
    kind: 'refund',
    amountFen: 5000,
  });
  expect(orderComplaintOutcomeOf({ outcome: { kind: 'penalty', points: 8 } })).toEqual({
    kind: 'penalty',
    points: 8,
  });
  expect(orderComplaintOutcomeOf({ outcome: { kind: 'suspension', days: 30 } })).toEqual({
    kind: 'suspension',
    points: 25,
  });
});

test('a withdrawal ends the order’s complaint dismissed; a refund beyond the fee is capped or becomes points', () => {
  const withdrawn = orderComplaintResolutionOf({
    complaint: complaintOf({ withdraw: true }),
    refundableFen: 0,
  });
  expect(withdrawn?.outcome).toEqual({ kind: 'dismissed' });
  expect(withdrawn?.reason).toContain('已与企业协商');
  expect(withdrawn?.reason).toContain('ct-1');

  const refund = complaintOf({ decide: { kind: 'refund', amountFen: 30_000 } });
  expect(orderComplaintResolutionOf({ complaint: refund, refundableFen: 50_000 })).toEqual({
    outcome: { kind: 'refund', amountFen: 30_000 },
    reason: '中心裁决 decided (hub:qi): 收费超出公示价',
  });
  const capped = orderComplaintResolutionOf({ complaint: refund, refundableFen: 12_000 });
  expect(capped?.outcome).toEqual({ kind: 'refund', amountFen: 12_000 });
  expect(capped?.reason).toContain('¥300.00');
  expect(orderComplaintResolutionOf({ complaint: refund, refundableFen: 0 })?.outcome).toEqual({
    kind: 'penalty',
    points: 5,
  });
  expect(orderComplaintResolutionOf({ complaint: complaintOf({}), refundableFen: 0 })).toBeNull();
  const long = { ...refund, reason: '长'.repeat(500) };
  expect(orderComplaintResolutionOf({ complaint: long, refundableFen: 50_000 })?.reason).toHaveLength(500);
});

test('plans the open, then the resolution, and what it plans the order accepts from the hub', () => {
  const order = servedOrder({ feeFen: 20_000 });
  const filed = complaintOf({});
  const id = complaintUlidOf({ recordId: filed.id });

  const open = planComplaintOrderLink({ complaint: filed, order: { state: order, proposals: [] } });
  expect(open).toEqual({
    kind: 'propose',
    commands: [
      { type: 'openComplaint', payload: { complaintId: id, kind: 'price', description: '多收了上门费' } },
    ],
  });
  const opened = applyPlanned({ state: order, commands: open.kind === 'propose' ? open.commands : [] });
  expect(opened.complaints).toMatchObject([{ id, status: 'open', openedBy: 'hub', feeFen: 20_000 }]);
  expect(planComplaintOrderLink({ complaint: filed, order: { state: opened, proposals: [] } }).kind).toBe(
    'none',
  );

  const decided = complaintOf({ recordId: filed.id, decide: { kind: 'refund', amountFen: 30_000 } });
  const resolve = planComplaintOrderLink({ complaint: decided, order: { state: opened, proposals: [] } });
  expect(resolve.kind === 'propose' && resolve.commands.map((c) => c.type)).toEqual(['resolveComplaint']);
  const resolved = applyPlanned({
    state: opened,
    commands: resolve.kind === 'propose' ? resolve.commands : [],
  });
  expect(resolved.complaints).toMatchObject([
    { id, status: 'resolved', outcome: { kind: 'refund', amountFen: 20_000 }, resolvedBy: 'hub' },
  ]);
  expect(planComplaintOrderLink({ complaint: decided, order: { state: resolved, proposals: [] } })).toEqual({
    kind: 'none',
    why: 'resolved on the order',
  });
});

test('a complaint ended before it reached the order gets both commands at once', () => {
  const order = servedOrder({ feeFen: 20_000 });
  const decided = complaintOf({ decide: { kind: 'suspension', days: 10 } });
  const plan = planComplaintOrderLink({ complaint: decided, order: { state: order, proposals: [] } });
  expect(plan.kind === 'propose' && plan.commands.map((c) => c.type)).toEqual([
    'openComplaint',
    'resolveComplaint',
  ]);
  const state = applyPlanned({ state: order, commands: plan.kind === 'propose' ? plan.commands : [] });
  expect(state.complaints[0]).toMatchObject({
    status: 'resolved',
    outcome: { kind: 'suspension', points: 25 },
  });
});

test('never proposes what is already proposed; waits for the order, the dispatch or the county', () => {
  const order = servedOrder({ feeFen: 20_000 });
  const filed = complaintOf({});
  const complaintId = complaintUlidOf({ recordId: filed.id });
  const proposal = (type: string, decision: OrderComplaintProposal['decision']): OrderComplaintProposal => ({
    type,
    complaintId,
    decision,
    message: decision === 'rejected' ? 'no' : null,
  });

  expect(planComplaintOrderLink({ complaint: filed, order: { state: null, proposals: [] } }).kind).toBe(
    'wait',
  );
  expect(
    planComplaintOrderLink({
      complaint: filed,
      order: { state: order, proposals: [proposal('openComplaint', 'pending')] },
    }).kind,
  ).toBe('wait');
  expect(
    planComplaintOrderLink({
      complaint: filed,
      order: { state: order, proposals: [proposal('openComplaint', 'rejected')] },
    }),
  ).toEqual({ kind: 'refused', why: 'the county refused openComplaint: no' });

  const received = { ...order, status: 'awaiting_dispatch', dispatch: null } as OrderState;
  expect(planComplaintOrderLink({ complaint: filed, order: { state: received, proposals: [] } }).kind).toBe(
    'wait',
  );
  const cancelled = { ...received, status: 'cancelled' } as OrderState;
  expect(planComplaintOrderLink({ complaint: filed, order: { state: cancelled, proposals: [] } }).kind).toBe(
    'none',
  );

  const opened = applyPlanned({
    state: order,
    commands: [{ type: 'openComplaint', payload: { complaintId, kind: 'price', description: 'd' } }],
  });
  const decided = complaintOf({ decide: { kind: 'dismissed' } });
  const decidedId = complaintUlidOf({ recordId: decided.id });
  const pendingResolve = { ...proposal('resolveComplaint', 'pending'), complaintId: decidedId };
  const openedForDecided = applyPlanned({
    state: order,
    commands: [
      { type: 'openComplaint', payload: { complaintId: decidedId, kind: 'price', description: 'd' } },
    ],
  });
  expect(
    planComplaintOrderLink({
      complaint: decided,
      order: { state: openedForDecided, proposals: [pendingResolve] },
    }).kind,
  ).toBe('wait');
  expect(opened.complaints).toHaveLength(1);
  const unlinked: ComplaintState = complaintOf({ orderId: null });
  expect(planComplaintOrderLink({ complaint: unlinked, order: { state: order, proposals: [] } }).kind).toBe(
    'none',
  );
});
