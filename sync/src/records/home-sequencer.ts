import type * as Y from 'yjs';
import { findActiveSigner, type DirectoryState } from '../domain';
import { importPublicKey, verifyBytes, type CryptoKey } from './device-keys';
import { encodeLogEntry, signedBytes, type LogEntry, type Proposal } from './record-codec';
import { captureUpdate, logOf } from './record-doc';
import { findKindHandler, type HomeRegistry } from './record-kinds';
import { commandOf, readRecordSnapshot } from './record-state';

/** A signer the home trusts without the directory: its own device, to bootstrap the directory itself. */
export type TrustedSigner = {
  deviceId: string;
  publicKey: string;
  userId: string;
  role: string;
  countyCode: string | null;
};

export type SequenceResult = { decisions: LogEntry[]; update: Uint8Array };

type Verified = { ok: true; countyCode: string | null } | { ok: false; code: string; message: string };

/**
 * The home's part: take the proposals not yet decided, in document order, check each one's signature,
 * device, user, role and county, run it through the kind's reducer against the registry as the home
 * knows it, and append `accepted` or `rejected: reason` to the log. A proposal already decided (or sent
 * twice) is decided once. Returns the Yjs update to store and broadcast.
 */
export async function sequenceRecord(options: {
  doc: Y.Doc;
  recordId: string;
  directory: DirectoryState | null;
  registry: HomeRegistry;
  trusted?: readonly TrustedSigner[];
  keyCache?: Map<string, CryptoKey>;
}): Promise<SequenceResult> {
  const { doc, recordId, directory, registry } = options;
  const keyCache = options.keyCache ?? new Map<string, CryptoKey>();
  const before = readRecordSnapshot({ doc, recordId });
  const undecided = before.proposals.filter((p) => !before.decided.has(p.id));
  if (undecided.length === 0) return { decisions: [], update: new Uint8Array() };

  // Signatures are checked before the synchronous part, so the log is written in one transaction.
  const verified = new Map<string, Verified>();
  for (const p of undecided) {
    verified.set(
      p.id,
      await verifyProposal({
        proposal: p,
        recordId,
        scope: before.scope,
        kind: before.kind,
        directory,
        trusted: options.trusted ?? [],
        keyCache,
      }),
    );
  }

  const snapshot = readRecordSnapshot({ doc, recordId });
  const handler = findKindHandler({ kind: snapshot.kind });
  let state = snapshot.state;
  const decisions: LogEntry[] = [];
  for (const p of snapshot.proposals) {
    if (snapshot.decided.has(p.id)) continue;
    const check = verified.get(p.id);
    if (!check) continue; // arrived during verification: the next round decides it
    let entry: LogEntry;
    if (!check.ok) {
      entry = {
        proposalId: p.id,
        outcome: 'rejected',
        code: check.code,
        field: 'signature',
        message: check.message,
      };
    } else if (!handler) {
      entry = {
        proposalId: p.id,
        outcome: 'rejected',
        code: 'invalid_input',
        field: 'recordId',
        message: `records of kind ${snapshot.kind} have no lifecycle yet`,
      };
    } else {
      const r = handler({
        state,
        command: commandOf(p),
        context: { mode: 'home', registry, actorCountyCode: check.countyCode },
      });
      if (r.ok) {
        state = r.value;
        entry = { proposalId: p.id, outcome: 'accepted' };
      } else {
        entry = {
          proposalId: p.id,
          outcome: 'rejected',
          code: r.error.code,
          field: r.error.field ?? '',
          message: r.error.message,
        };
      }
    }
    decisions.push(entry);
  }
  const update = captureUpdate({
    doc,
    origin: 'home',
    change: () => logOf(doc).push(decisions.map((d) => encodeLogEntry(d))),
  });
  return { decisions, update };
}

async function verifyProposal(options: {
  proposal: Proposal;
  recordId: string;
  scope: string;
  kind: string;
  directory: DirectoryState | null;
  trusted: readonly TrustedSigner[];
  keyCache: Map<string, CryptoKey>;
}): Promise<Verified> {
  const { proposal: p, recordId, scope, kind } = options;
  let signer: { publicKey: string; userId: string; role: string; countyCode: string | null };
  const trusted = options.trusted.find((t) => t.deviceId === p.device);
  if (trusted) {
    signer = trusted;
  } else {
    const found = findActiveSigner({ directory: options.directory, deviceId: p.device });
    if ('refused' in found) return { ok: false, code: 'forbidden', message: found.refused };
    signer = {
      publicKey: found.device.publicKey,
      userId: found.user.userId,
      role: found.user.role,
      countyCode: found.user.countyCode,
    };
  }
  if (signer.userId !== p.actor.userId || signer.role !== p.actor.role) {
    return {
      ok: false,
      code: 'forbidden',
      message: `device ${p.device} signs for ${signer.userId} (${signer.role}), not ${p.actor.userId} (${p.actor.role})`,
    };
  }
  // A county's people act only on their county's orders and closings; central users (no county) on any.
  if ((kind === 'order' || kind === 'closing') && signer.countyCode !== null && signer.countyCode !== scope) {
    return {
      ok: false,
      code: 'forbidden',
      message: `a user of county ${signer.countyCode} may not act on ${kind}s of ${scope}`,
    };
  }
  let key = options.keyCache.get(signer.publicKey);
  if (!key) {
    try {
      key = await importPublicKey({ publicKey: signer.publicKey });
    } catch {
      return { ok: false, code: 'forbidden', message: `device ${p.device} has an unusable public key` };
    }
    options.keyCache.set(signer.publicKey, key);
  }
  const good = await verifyBytes({
    publicKey: key,
    bytes: signedBytes({ recordId, body: p.body }),
    signature: p.signature,
  });
  return good
    ? { ok: true, countyCode: signer.countyCode }
    : { ok: false, code: 'forbidden', message: `bad signature from device ${p.device}` };
}
