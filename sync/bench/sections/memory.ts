// Target 5: runs memory-probe.ts in a process of its own (it needs --expose-gc and a quiet heap).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryProbeResult } from '../memory-probe';
import { log } from '../lib/util';

export async function memorySection(options: { records: number }): Promise<MemoryProbeResult> {
  log(`memory: ${options.records.toLocaleString('en-US')} orders held as bytes, then as live Y.Docs…`);
  const probe = fileURLToPath(new URL('../memory-probe.ts', import.meta.url));
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', probe, String(options.records)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`memory probe failed (${code}): ${output}`);
  return JSON.parse(line) as MemoryProbeResult;
}
