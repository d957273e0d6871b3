import type * as Y from 'yjs';
import { createId } from '../domain';
import { signBytes, type CryptoKey } from './device-keys';
import { encodeProposalBody, signedBytes, type ProposalBody } from './record-codec';
import { captureUpdate, proposalsOf } from './record-doc';

export type SigningDevice = { deviceId: string; privateKey: CryptoKey };

/**
 * Signs a command as this device and appends it to the record's proposals, online or offline. Returns
 * the proposal's id (to follow it to accepted or rejected) and the Yjs update to store and send.
 */
export async function proposeCommand(options: {
  doc: Y.Doc;
  recordId: string;
  device: SigningDevice;
  actor: { userId: string; role: string };
  type: string;
  payload: unknown;
  at: number;
  id?: string;
}): Promise<{ proposalId: string; update: Uint8Array }> {
  const body: ProposalBody = {
    id: options.id ?? createId({ now: options.at }),
    type: options.type,
    actor: options.actor,
    device: options.device.deviceId,
    at: options.at,
    payload: options.payload,
  };
  const encoded = encodeProposalBody(body);
  const signature = await signBytes({
    privateKey: options.device.privateKey,
    bytes: signedBytes({ recordId: options.recordId, body: encoded }),
  });
  const stored = new Uint8Array(encoded.length + signature.length);
  stored.set(encoded);
  stored.set(signature, encoded.length);
  const update = captureUpdate({
    doc: options.doc,
    origin: 'local',
    change: () => proposalsOf(options.doc).push([stored]),
  });
  return { proposalId: body.id, update };
}
