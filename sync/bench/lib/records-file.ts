// Records handed from the bench to a hub process: a file of (record id, update) pairs, appended in order.
import { readFileSync, writeFileSync } from 'node:fs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

export type RecordUpdate = { recordId: string; update: Uint8Array };

export function writeRecordsFile(options: { path: string; records: Iterable<RecordUpdate> }): void {
  const e = encoding.createEncoder();
  for (const { recordId, update } of options.records) {
    encoding.writeVarString(e, recordId);
    encoding.writeVarUint8Array(e, update);
  }
  writeFileSync(options.path, encoding.toUint8Array(e));
}

export function readRecordsFile(options: { path: string }): RecordUpdate[] {
  const d = decoding.createDecoder(new Uint8Array(readFileSync(options.path)));
  const records: RecordUpdate[] = [];
  while (decoding.hasContent(d)) {
    const recordId = decoding.readVarString(d);
    records.push({ recordId, update: decoding.readVarUint8Array(d).slice() });
  }
  return records;
}
