import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import type { RecordStore } from '../../ports/record-store';

/**
 * TEST SUPPORT ONLY: runs kill9-writer.ts as a real child process, kills it with SIGKILL when the test
 * says so, and checks a reopened store against what the child acknowledged.
 */

export const kill9RecordIds = ['order:330106:kill9-a', 'order:330106:kill9-b', 'enterprise:kill9-c'] as const;

export type Kill9Ack = { recordId: string; key: string; seq: number };

const writerPath = fileURLToPath(new URL('./kill9-writer.ts', import.meta.url));

/**
 * Starts the writer with `args` and kills it (SIGKILL) as soon as `killWhen` answers true for a line it
 * printed; resolves once the process is gone and all its output is read.
 */
export async function runKill9Writer(options: {
  args: readonly string[];
  killWhen: (event: { line: string; acks: number }) => boolean;
  timeoutMs?: number;
}): Promise<{ acks: Kill9Ack[]; lines: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writerPath, ...options.args], {
    cwd: dirname(writerPath),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks: Kill9Ack[] = [];
  const lines: string[] = [];
  let stderr = '';
  let killed = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const kill = (): void => {
    if (killed) return;
    killed = true;
    child.kill('SIGKILL');
  };
  const timer = setTimeout(kill, options.timeoutMs ?? 30_000);
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  for await (const line of createInterface({ input: child.stdout })) {
    lines.push(line);
    const [word, recordId, key, seq] = line.split(' ');
    if (word === 'ack' && recordId && key && seq) acks.push({ recordId, key, seq: Number(seq) });
    if (!killed && options.killWhen({ line, acks: acks.length })) kill();
  }
  const { code, signal } = await closed;
  clearTimeout(timer);
  if (signal !== 'SIGKILL') {
    throw new Error(
      `the writer ended by itself (code ${code}, signal ${signal}): ${stderr || lines.join('\n')}`,
    );
  }
  if (!lines.includes('ready')) throw new Error(`the writer was killed before it was ready: ${stderr}`);
  return { acks, lines };
}

/** The acknowledged keys a store does not hold, as `recordId key` strings (empty when all are there). */
export async function findMissingAcks(options: {
  store: RecordStore;
  acks: readonly Kill9Ack[];
}): Promise<string[]> {
  const missing: string[] = [];
  for (const recordId of new Set(options.acks.map((ack) => ack.recordId))) {
    const stored = await options.store.readRecord({ recordId });
    const doc = new Y.Doc();
    if (stored) Y.applyUpdate(doc, stored.update);
    const keys = doc.getMap('acks');
    for (const ack of options.acks) {
      if (ack.recordId === recordId && !keys.has(ack.key)) missing.push(`${recordId} ${ack.key}`);
    }
  }
  return missing;
}
