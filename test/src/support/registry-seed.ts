import { createId, findItem, formatRecordId, maskIdNumber } from '@jiazheng/sync/domain';
import type { SigningDevice } from '@jiazheng/sync/records';
import { proposeToStore, viewStoredRecord } from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';

const dayMs = 86_400_000;

/** A replica of the registry's home side as a test plays it: a registry officer's device and its store. */
export type RegistryDesk = {
  store: RecordStore;
  device: SigningDevice;
  actor: { userId: string; role: string };
  /** Tells the sync client a record was written here. */
  notify: (options: { recordId: string }) => void;
};

/** Waits until the record's home has accepted a state with `status` (the desk's store is kept in sync). */
async function untilAccepted(desk: RegistryDesk, recordId: string, status: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const view = await viewStoredRecord({ store: desk.store, recordId, deviceId: desk.device.deviceId });
    if ((view?.accepted as { status?: string } | null | undefined)?.status === status) return;
    if (view !== null && view.conflicts.length > 0)
      throw new Error(`${recordId}: refused: ${view.conflicts.map((c) => c.entry.message).join('; ')}`);
    if (Date.now() > deadline) throw new Error(`${recordId} was not accepted as ${status} in time`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function propose(desk: RegistryDesk, recordId: string, type: string, payload: unknown): Promise<void> {
  await proposeToStore({ ...desk, recordId, type, payload, at: Date.now() });
  desk.notify({ recordId });
}

/**
 * An enterprise as a registry officer would bring it in: applied, reviewed against the whole checklist,
 * approved with a quality agreement valid for a year, active; with one worker holding every
 * qualification `itemCodes` need (pre-post training passed, certificates), so dispatch can pick it.
 */
export async function seedActiveEnterprise(options: {
  desk: RegistryDesk;
  name: string;
  /** The unified social credit code (统一社会信用代码), checked by the reducer. */
  licenceNumber: string;
  contactPhone: string;
  countyCodes: string[];
  itemCodes: string[];
}): Promise<{ enterpriseId: string; workerId: string }> {
  const { desk } = options;
  const now = Date.now();
  const enterpriseId = formatRecordId({ kind: 'enterprise', scope: 'hub', id: createId() });
  await propose(desk, enterpriseId, 'apply', {
    enterpriseId,
    kind: 'enterprise',
    name: options.name,
    licenceNumber: options.licenceNumber,
    contactName: '张经理',
    contactPhone: options.contactPhone,
    documents: [],
    items: options.itemCodes,
    counties: options.countyCodes,
  });
  await propose(desk, enterpriseId, 'startReview', {});
  const checklist = Object.fromEntries(
    [
      'licence_valid',
      'scope_covers_services',
      'premises_verified',
      'liability_insurance',
      'staff_roster',
      'fee_schedule_published',
      'no_serious_violations',
    ].map((check) => [check, true]),
  );
  await propose(desk, enterpriseId, 'approve', {
    checklist,
    agreement: {
      number: `QA-${createId().slice(-6)}`,
      signedAt: now,
      validFrom: now - dayMs,
      validTo: now + 365 * dayMs,
    },
  });
  await propose(desk, enterpriseId, 'activate', {});
  // The hub checks a new worker against its enterprise: it must be accepted there first.
  await untilAccepted(desk, enterpriseId, 'active');

  const workerId = formatRecordId({ kind: 'worker', scope: 'hub', id: createId() });
  await propose(desk, workerId, 'registerWorker', {
    workerId,
    enterpriseId,
    name: '李阿姨',
    idNumberMasked: maskIdNumber({ idNumber: '11010519491231002X' }),
    phone: null,
  });
  await untilAccepted(desk, workerId, 'active');
  const needed = new Set(
    options.itemCodes.flatMap((code) => findItem({ code })?.standard.qualifications ?? []),
  );
  for (const qualification of needed) {
    if (qualification === 'pre_post_training') {
      await propose(desk, workerId, 'recordTraining', {
        training: {
          courseCode: 'PRE-POST',
          courseName: '家政服务岗前培训',
          grants: 'pre_post_training',
          hours: 40,
          examScore: 92,
          passMark: 60,
          completedAt: now - 30 * dayMs,
          validUntil: now + 700 * dayMs,
        },
      });
    } else {
      await propose(desk, workerId, 'addCertificate', {
        certificate: { qualification, number: `C-${createId().slice(-8)}`, validUntil: now + 365 * dayMs },
      });
    }
  }
  return { enterpriseId, workerId };
}
