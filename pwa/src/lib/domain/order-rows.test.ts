import { findItem, type OrderState } from '@jiazheng/sync/domain';
import { describe, expect, test } from 'vitest';
import { filterOrders, listWorkItems, type OrderRow } from './order-rows';

const hour = 3_600_000;

function order(overrides: Partial<OrderState>): OrderState {
  return {
    id: 'order:330106:01JAAAAAAAAAAAAAAAAAAAAAAA',
    countyCode: '330106',
    status: 'received',
    channel: 'call',
    citizenPhone: '+8613812345678',
    citizenName: '王女士',
    itemCode: 'FAM-CLEANING',
    urgency: 'normal',
    address: '文三路 100 号',
    wantedAt: null,
    durationMinutes: null,
    notes: '',
    receivedAt: 0,
    receivedBy: '330106-li',
    awaitingDispatchSince: null,
    dispatch: null,
    attempts: [],
    returnVisits: [],
    reopenCount: 0,
    complaints: [],
    resolution: null,
    informationAnswer: null,
    cancelReason: null,
    closedAt: null,
    updatedAt: 0,
    ...overrides,
  };
}

function row(recordId: string, state: OrderState | null): OrderRow {
  return { recordId, state, accepted: true, pending: [], conflicts: [] };
}

const itemNames = (code: string): string => {
  const item = findItem({ code });
  return item === undefined ? code : `${item.name.zh} ${item.name.en}`;
};

describe('filterOrders', () => {
  const rows = [
    row('a', order({ citizenName: '王女士', citizenPhone: '+8613812345678' })),
    row('b', order({ citizenName: 'Mr Li', citizenPhone: '+8613900001111', address: '滨江区江南大道' })),
    row('c', order({ citizenName: '赵', status: 'awaiting_dispatch', notes: '需要会做饭' })),
    row('d', null),
  ];

  test('an empty filter keeps every row in order, a copy', () => {
    const all = filterOrders({ rows, filter: { text: '', status: '' }, itemNames });
    expect(all.map((r) => r.recordId)).toEqual(['a', 'b', 'c', 'd']);
    expect(all).not.toBe(rows);
  });

  test('matches digits of the phone, the name, the address, the notes and the service', () => {
    const ids = (text: string) =>
      filterOrders({ rows, filter: { text, status: '' }, itemNames }).map((r) => r.recordId);
    expect(ids('0000 1111')).toEqual(['b']);
    expect(ids('mr li')).toEqual(['b']);
    expect(ids('江南')).toEqual(['b']);
    expect(ids('做饭')).toEqual(['c']);
    // Two digits are too few to mean a phone number: nothing matches them.
    expect(ids('13')).toEqual([]);
    const cleaning = findItem({ code: 'FAM-CLEANING' });
    expect(ids(cleaning?.name.zh ?? '?')).toEqual(['a', 'b', 'c']);
  });

  test('filters by status, with text or without', () => {
    expect(
      filterOrders({ rows, filter: { text: '', status: 'awaiting_dispatch' }, itemNames }).map(
        (r) => r.recordId,
      ),
    ).toEqual(['c']);
    expect(filterOrders({ rows, filter: { text: '王', status: 'awaiting_dispatch' }, itemNames })).toEqual(
      [],
    );
  });
});

describe('listWorkItems', () => {
  test('lists what is due, overdue first, then the soonest', () => {
    const now = 100 * hour;
    const rows = [
      // Waiting for dispatch for 30 h: a normal order must be dispatched within 24 h.
      row('late', order({ status: 'awaiting_dispatch', awaitingDispatchSince: now - 30 * hour })),
      row('fresh', order({ status: 'awaiting_dispatch', awaitingDispatchSince: now - hour })),
      row(
        'urgent',
        order({ status: 'awaiting_dispatch', urgency: 'urgent', awaitingDispatchSince: now - hour }),
      ),
      row('closed', order({ status: 'closed' })),
    ];
    const items = listWorkItems({ rows, now, kinds: ['dispatch'] });
    expect(items.map((i) => [i.row.recordId, i.overdue])).toEqual([
      ['late', true],
      ['urgent', false],
      ['fresh', false],
    ]);
    expect(items[0]?.dueAt).toBe(now - 6 * hour);
  });

  test('only the kinds asked for', () => {
    const now = 100 * hour;
    const rows = [row('waiting', order({ status: 'awaiting_dispatch', awaitingDispatchSince: now }))];
    expect(listWorkItems({ rows, now, kinds: ['return_visit'] })).toEqual([]);
    expect(listWorkItems({ rows, now })).toHaveLength(1);
  });
});
