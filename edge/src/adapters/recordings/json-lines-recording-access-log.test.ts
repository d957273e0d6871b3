import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RecordingAccessEntry } from '../../domain/recording-relay-access';
import { JsonLinesRecordingAccessLog } from './json-lines-recording-access-log';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jz-recording-log-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entry(countyCode: string, callId: string): RecordingAccessEntry {
  return {
    at: '2026-11-30T01:00:00.000Z',
    username: 'inspector',
    displayName: '质检员',
    role: 'quality_inspector',
    countyCode,
    callId,
    purpose: '投诉\u2028核查',
    range: null,
    status: 200,
    outcome: 'served',
    bytes: 44,
    durationMs: 3,
  };
}

test('appends one line per listen, lists newest first within the filter, and skips a line it cannot read', async () => {
  const errors: string[] = [];
  const path = join(dir, 'sub', 'recording-access.jsonl');
  const log = new JsonLinesRecordingAccessLog({
    path,
    logger: { info: () => {}, error: (m: string) => errors.push(m) },
  });
  expect(await log.list({ include: () => true, limit: 10 })).toEqual([]);
  await Promise.all([
    log.append({ entry: entry('330106', 'a') }),
    log.append({ entry: entry('330102', 'b') }),
  ]);
  await appendFile(path, '{"not":"an entry"}\nnot json\n');
  await log.append({ entry: entry('330106', 'c') });
  expect((await stat(path)).mode & 0o777).toBe(0o600);
  expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(6);
  const listed = await log.list({ include: (county) => county === '330106', limit: 10 });
  expect(listed.map((e) => e.callId)).toEqual(['c', 'a']);
  expect(listed[0]?.purpose).toBe('投诉\u2028核查');
  expect(errors).toHaveLength(2);
  expect((await log.list({ include: () => true, limit: 2 })).map((e) => e.callId)).toEqual(['c', 'b']);
  await expect(
    log.append({ entry: { ...entry('330106', 'd'), outcome: 'deleted' as 'served' } }),
  ).rejects.toThrow();
});
