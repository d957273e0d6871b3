// Before Dexie loads: it takes indexedDB and IDBKeyRange from the globals, which this fills in memory.
import 'fake-indexeddb/auto';
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { describeRecordStoreContract } from '../../ports/record-store.contract';
import { DexieRecordStore } from './dexie-record-store';

// A new database name per test gives each test an empty store; reopening by name is what a reloaded
// PWA does.
let databases = 0;
let lastName = '';

describeRecordStoreContract({
  name: 'Dexie (fake-indexeddb)',
  open: () => {
    databases += 1;
    lastName = `records-${databases}`;
    return DexieRecordStore.open({ name: lastName });
  },
  reopen: () => DexieRecordStore.open({ name: lastName }),
});

describe('DexieRecordStore in the browser', () => {
  test('imports nothing from Node, directly or through the modules it uses', async () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = async (path: string): Promise<void> => {
      if (seen.has(path)) return;
      seen.add(path);
      const source = await readFile(path, 'utf8');
      for (const [, specifier] of source.matchAll(/(?:from|import)\s+'([^']+)'/g)) {
        if (!specifier) continue;
        if (specifier.startsWith('.')) await visit(`${resolve(dirname(path), specifier)}.ts`);
        else external.add(specifier);
      }
    };
    await visit(fileURLToPath(new URL('./dexie-record-store.ts', import.meta.url)));
    expect([...external].filter((specifier) => isBuiltin(specifier))).toEqual([]);
    expect([...external].sort()).toEqual(['dexie', 'yjs', 'zod']);
  });
});
