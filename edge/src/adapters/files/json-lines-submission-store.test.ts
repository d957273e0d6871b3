import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { JsonLinesSubmissionStore } from './json-lines-submission-store';

test('a torn last line (a crash mid-append) is skipped, and the next entry starts a line of its own', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'jz-jsonl-'));
  try {
    const announcement = (id: string, publishedAt: number) => ({
      id,
      title: id,
      body: 'b',
      publishedAt,
      createdAt: 0,
    });
    const first = new JsonLinesSubmissionStore({ dir });
    await first.appendAnnouncement({ announcement: announcement('a', 1) });
    await appendFile(join(dir, 'announcements.jsonl'), '{"id":"torn","ti');
    const errors: unknown[] = [];
    const second = new JsonLinesSubmissionStore({ dir, logger: { error: (...args) => errors.push(args) } });
    expect((await second.listAnnouncements({ limit: 10 })).map((a) => a.id)).toEqual(['a']);
    expect(errors).toHaveLength(1);
    await second.appendAnnouncement({ announcement: announcement('b', 3) });
    await second.appendAnnouncement({ announcement: announcement('c', 2) });
    const third = new JsonLinesSubmissionStore({ dir, logger: { error: () => {} } });
    expect((await third.listAnnouncements({ limit: 10 })).map((a) => a.id)).toEqual(['b', 'c', 'a']);
    expect((await third.listAnnouncements({ limit: 10, now: 2 })).map((a) => a.id)).toEqual(['c', 'a']);
    expect((await readFile(join(dir, 'announcements.jsonl'), 'utf8')).split('\n')).toHaveLength(5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
