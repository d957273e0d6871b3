import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Binary forms of proposals and log entries, as stored in a record's Yjs arrays. Binary, not JSON,
 * because every byte is replicated to every replica forever: a signed lifecycle change with its log
 * entry averages about 245 bytes on the wire (BENCH.md has the figures per command). Layouts (lib0):
 *
 *   proposal = body ‖ signature(64)
 *   body     = varuint version(1) ‖ ulid(16) id ‖ varstring type ‖ varstring userId ‖ varstring role
 *              ‖ varstring deviceId ‖ varuint at(ms) ‖ varstring payloadJson
 *   signed   = varstring recordId ‖ body       (binds the signature to one record: no replay elsewhere)
 *   logEntry = varuint version(1) ‖ ulid(16) proposalId ‖ varuint outcome (0 accepted, 1 rejected)
 *              [ ‖ varstring code ‖ varstring field ‖ varstring message ]   (when rejected)
 */
export const recordCodecVersion = 1;

export type ProposalBody = {
  id: string;
  type: string;
  actor: { userId: string; role: string };
  device: string;
  at: number;
  payload: unknown;
};
export type Proposal = ProposalBody & { signature: Uint8Array; body: Uint8Array };

export type LogEntry =
  | { proposalId: string; outcome: 'accepted' }
  | { proposalId: string; outcome: 'rejected'; code: string; field: string; message: string };

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID's 26 Crockford characters as its 16 bytes. */
export function ulidToBytes(id: string): Uint8Array {
  if (!/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(id)) throw new Error(`not a ULID: ${id.slice(0, 40)}`);
  let n = 0n;
  for (const ch of id) n = (n << 5n) | BigInt(crockford.indexOf(ch));
  const bytes = new Uint8Array(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return bytes;
}

export function bytesToUlid(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 26; i++) {
    out = (crockford[Number(n & 31n)] ?? '0') + out;
    n >>= 5n;
  }
  return out;
}

export function encodeProposalBody(body: ProposalBody): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, recordCodecVersion);
  encoding.writeUint8Array(e, ulidToBytes(body.id));
  encoding.writeVarString(e, body.type);
  encoding.writeVarString(e, body.actor.userId);
  encoding.writeVarString(e, body.actor.role);
  encoding.writeVarString(e, body.device);
  encoding.writeVarUint(e, body.at);
  encoding.writeVarString(e, JSON.stringify(body.payload));
  return encoding.toUint8Array(e);
}

export function signedBytes(options: { recordId: string; body: Uint8Array }): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, options.recordId);
  encoding.writeUint8Array(e, options.body);
  return encoding.toUint8Array(e);
}

/** Decodes a stored proposal; null when the bytes are not one (a hostile or corrupt entry is skipped, not fatal). */
export function decodeProposal(bytes: Uint8Array): Proposal | null {
  try {
    if (bytes.length < 64 + 20) return null;
    const body = bytes.subarray(0, bytes.length - 64);
    const d = decoding.createDecoder(body);
    if (decoding.readVarUint(d) !== recordCodecVersion) return null;
    const id = bytesToUlid(decoding.readUint8Array(d, 16));
    const type = decoding.readVarString(d);
    const userId = decoding.readVarString(d);
    const role = decoding.readVarString(d);
    const device = decoding.readVarString(d);
    const at = decoding.readVarUint(d);
    const payload: unknown = JSON.parse(decoding.readVarString(d));
    if (decoding.hasContent(d)) return null;
    return {
      id,
      type,
      actor: { userId, role },
      device,
      at,
      payload,
      body,
      signature: bytes.slice(bytes.length - 64),
    };
  } catch {
    return null;
  }
}

export function encodeLogEntry(entry: LogEntry): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, recordCodecVersion);
  encoding.writeUint8Array(e, ulidToBytes(entry.proposalId));
  encoding.writeVarUint(e, entry.outcome === 'accepted' ? 0 : 1);
  if (entry.outcome === 'rejected') {
    encoding.writeVarString(e, entry.code);
    encoding.writeVarString(e, entry.field);
    encoding.writeVarString(e, entry.message);
  }
  return encoding.toUint8Array(e);
}

export function decodeLogEntry(bytes: Uint8Array): LogEntry | null {
  try {
    const d = decoding.createDecoder(bytes);
    if (decoding.readVarUint(d) !== recordCodecVersion) return null;
    const proposalId = bytesToUlid(decoding.readUint8Array(d, 16));
    const outcome = decoding.readVarUint(d);
    let entry: LogEntry | null = null;
    if (outcome === 0) entry = { proposalId, outcome: 'accepted' };
    if (outcome === 1) {
      const code = decoding.readVarString(d);
      const field = decoding.readVarString(d);
      const message = decoding.readVarString(d);
      entry = { proposalId, outcome: 'rejected', code, field, message };
    }
    return entry && !decoding.hasContent(d) ? entry : null;
  } catch {
    return null;
  }
}
