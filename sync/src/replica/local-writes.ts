import type { RecordStore } from '../ports/record-store';
import { proposeCommand, type SigningDevice } from '../records/propose';
import { captureUpdate, fieldsOf, loadRecordDoc } from '../records/record-doc';
import { viewRecord, type RecordView } from '../records/record-view';

/**
 * What a replica's app does to its own store: sign a command as this device and store the proposal,
 * or edit a free field; then tell the sync client (the returned update is what changed).
 */
export async function proposeToStore(options: {
  store: RecordStore;
  recordId: string;
  device: SigningDevice;
  actor: { userId: string; role: string };
  type: string;
  payload: unknown;
  at: number;
  id?: string;
}): Promise<{ proposalId: string; update: Uint8Array }> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  const doc = loadRecordDoc({ recordId: options.recordId, update: record?.update ?? null });
  try {
    const result = await proposeCommand({ ...options, doc });
    await options.store.appendUpdate({ recordId: options.recordId, update: result.update });
    return result;
  } finally {
    doc.destroy();
  }
}

export async function setFieldInStore(options: {
  store: RecordStore;
  recordId: string;
  key: string;
  value: string;
}): Promise<Uint8Array> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  const doc = loadRecordDoc({ recordId: options.recordId, update: record?.update ?? null });
  try {
    const update = captureUpdate({
      doc,
      origin: 'local',
      change: () => fieldsOf(doc).set(options.key, options.value),
    });
    if (update.length > 0) await options.store.appendUpdate({ recordId: options.recordId, update });
    return update;
  } finally {
    doc.destroy();
  }
}

export async function viewStoredRecord(options: {
  store: RecordStore;
  recordId: string;
  deviceId: string | null;
}): Promise<RecordView | null> {
  const record = await options.store.readRecord({ recordId: options.recordId });
  if (!record) return null;
  const doc = loadRecordDoc({ recordId: options.recordId, update: record.update });
  try {
    return viewRecord({ doc, recordId: options.recordId, deviceId: options.deviceId });
  } finally {
    doc.destroy();
  }
}
