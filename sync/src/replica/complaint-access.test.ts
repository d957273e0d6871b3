import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryRecordStore } from '../adapters/storage/memory-record-store';
import { createId, defaultComplaintDueAt, formatRecordId, type ComplaintState } from '../domain';
import { t0, type TestDevice } from '../records/test-support';
import { viewStoredRecord } from './local-writes';
import { readAccessOf, writeRightsOf } from './replica-policy';
import { createTestDirectory, createTestHub, peerOf, type RelayReplica } from './test-support';

const enterpriseId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId({ now: t0 }) });

type Devices = Record<'hub' | 'seatA' | 'seatB' | 'inspector' | 'lawyer' | 'firm', TestDevice>;
let devices: Devices;
let directoryUpdate: Uint8Array;

beforeAll(async () => {
  ({ devices, directoryUpdate } = await createTestDirectory({
    devices: {
      hub: ['hub-1', 'hub', 'system', null],
      seatA: ['pwa-seat-a', 'ct-a', 'call_taker', '330106'],
      seatB: ['pwa-seat-b', 'ct-b', 'call_taker', '330102'],
      inspector: ['pwa-inspector', 'inspector-q', 'quality_inspector', null],
      lawyer: ['pwa-lawyer', 'lawyer-l', 'legal_consultant', null],
      firm: ['pwa-firm', 'firm-f', 'enterprise', '330106'],
    },
  }));
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const newComplaintId = () => formatRecordId({ kind: 'complaint', scope: 'hub', id: createId() });

function filePayload(complaintId: string, countyCode: string) {
  return {
    complaintId,
    source: 'call',
    countyCode,
    orderId: null,
    enterpriseId,
    enterpriseName: '',
    kind: 'price',
    description: '多收了上门费',
    citizenName: '李先生',
    citizenPhone: '+8613900139000',
    evidence: [],
    dueAt: defaultComplaintDueAt({ kind: 'price', filedAt: t0 + 3_600_000 }),
  };
}

/** The hub (relay and home of complaints) and PWAs linked to it in memory from the start. */
async function createHub() {
  const hub = await createTestHub({ directoryUpdate, hubDevice: devices.hub, enterpriseId });
  cleanups.push(() => hub.stop());
  return {
    ...hub,
    async replica(device: TestDevice): Promise<RelayReplica> {
      const r = await hub.replica(device);
      hub.connect(r);
      return r;
    },
  };
}

async function complaintIds(store: MemoryRecordStore): Promise<string[]> {
  const changes = await store.listChanges({ after: 0, limit: 1000 });
  return changes
    .map((c) => c.recordId)
    .filter((id) => id.startsWith('complaint:'))
    .sort();
}

describe('the replica policy for complaints', () => {
  it('reads a county by content, the centre (inspectors too) plainly, an enterprise never', () => {
    const complaint = newComplaintId();
    const access = (device: TestDevice) => readAccessOf({ peer: peerOf(device), recordId: complaint });
    expect(access(devices.seatA)).toBe('content');
    expect(access(devices.inspector)).toBe(true);
    expect(access(devices.lawyer)).toBe(true);
    expect(writeRightsOf({ peer: peerOf(devices.seatA), recordId: complaint }).mayPropose).toBe(true);
    expect(writeRightsOf({ peer: peerOf(devices.firm), recordId: complaint }).mayPropose).toBe(false);
    expect(writeRightsOf({ peer: peerOf(devices.seatA), recordId: complaint }).isHome).toBe(false);
  });
});

describe('complaints over the relay', () => {
  it("a county files and reads its own county's complaints only; the centre reads them all", async () => {
    const hub = await createHub();
    const a = await hub.replica(devices.seatA);
    const b = await hub.replica(devices.seatB);
    const inspector = await hub.replica(devices.inspector);
    const firm = await hub.replica(devices.firm);
    await hub.settle();

    const ofA = newComplaintId();
    await hub.propose(a, ofA, 'file', filePayload(ofA, '330106'));
    expect(((await hub.view(ofA))?.accepted as ComplaintState | null)?.status).toBe('filed');
    const ofB = newComplaintId();
    await hub.propose(b, ofB, 'file', filePayload(ofB, '330102'));

    expect(await complaintIds(a.store)).toEqual([ofA]);
    expect(await complaintIds(b.store)).toEqual([ofB]);
    expect(await complaintIds(inspector.store)).toEqual([ofA, ofB].sort());
    expect(await complaintIds(firm.store)).toEqual([]);
    const seenByA = await viewStoredRecord({ store: a.store, recordId: ofA, deviceId: null });
    expect(seenByA?.accepted).toMatchObject({ status: 'filed', countyCode: '330106' });

    // The centre assigns; the county's desk adds evidence and sees the assignment.
    await hub.propose(inspector, ofA, 'assign', { userId: 'inspector-q', role: 'quality_inspector' });
    await hub.propose(a, ofA, 'attachEvidence', {
      kind: 'recording',
      countyCode: '330106',
      callId: 'call-7',
    });
    const afterEvidence = (await hub.view(ofA))?.accepted as ComplaintState;
    expect(afterEvidence.status).toBe('assigned');
    expect(afterEvidence.evidence).toHaveLength(1);
    const seenAgain = await viewStoredRecord({ store: a.store, recordId: ofA, deviceId: null });
    expect((seenAgain?.accepted as ComplaintState).assignee?.userId).toBe('inspector-q');
  });

  it('a county filing for another county is refused by the home, and that county never sees it', async () => {
    const hub = await createHub();
    const a = await hub.replica(devices.seatA);
    const b = await hub.replica(devices.seatB);
    await hub.settle();
    const forged = newComplaintId();
    await hub.propose(b, forged, 'file', filePayload(forged, '330106'));
    const atHub = await viewStoredRecord({
      store: hub.store,
      recordId: forged,
      deviceId: devices.seatB.deviceId,
    });
    expect(atHub?.accepted).toBeNull();
    expect(atHub?.conflicts.map((c) => c.entry)).toEqual([
      expect.objectContaining({ code: 'forbidden', field: 'payload.countyCode' }),
    ]);
    expect(await complaintIds(a.store)).toEqual([]);
  });
});
