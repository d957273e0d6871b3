import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, expect, test } from 'vitest';

/**
 * The layer rules of docs/architecture.md are enforced by the linter. This suite proves it: it writes
 * small probe files into the real tree, where the real configuration applies to them, lints them with
 * the project's own ESLint setup, and checks that each breach is reported (and that legal code is not).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tag = `zz-lint-probe-${randomUUID().slice(0, 8)}`;

type Probe = {
  name: string;
  path: string;
  code: string;
  expect: { rule: string; message?: RegExp } | 'clean';
};

const probes: Probe[] = [
  {
    name: 'a domain file importing a Node built-in',
    path: `sync/src/domain/${tag}-node.ts`,
    code: `import { readFileSync } from 'node:fs';\nexport const read = (p: string): string => readFileSync(p, 'utf8');\n`,
    expect: { rule: 'no-restricted-imports', message: /domain\/ is pure/ },
  },
  {
    name: 'a domain file importing Dexie',
    path: `sync/src/domain/${tag}-dexie.ts`,
    code: `import Dexie from 'dexie';\nexport const db = Dexie;\n`,
    expect: { rule: 'no-restricted-imports', message: /domain\/ is pure/ },
  },
  {
    name: 'a domain file importing the ESL client',
    path: `appliance/src/domain/${tag}-esl.ts`,
    code: `import * as esl from 'esl';\nexport const client = esl;\n`,
    expect: { rule: 'no-restricted-imports', message: /domain\/ is pure/ },
  },
  {
    name: 'a domain file reaching into adapters',
    path: `appliance/src/domain/${tag}-adapter.ts`,
    code: `import { x } from '../adapters/whatever';\nexport const y = x as unknown;\n`,
    expect: { rule: 'no-restricted-imports', message: /must not reach into ports\/ or adapters\// },
  },
  {
    name: 'sync importing another package',
    path: `sync/src/${tag}-up.ts`,
    code: `import { x } from '@jiazheng/firmware-config';\nexport const y = x as unknown;\n`,
    expect: { rule: 'no-restricted-imports', message: /sync is the bottom layer/ },
  },
  {
    name: 'a package importing the appliance',
    path: `test/src/${tag}-app.ts`,
    code: `import { x } from '@jiazheng/appliance/src/main';\nexport const y = x as unknown;\n`,
    expect: { rule: 'no-restricted-imports', message: /Nothing imports appliance, edge or pwa/ },
  },
  {
    name: 'a package importing the PWA',
    path: `appliance/src/${tag}-pwa.ts`,
    code: `import { x } from '@jiazheng/pwa';\nexport const y = x as unknown;\n`,
    expect: { rule: 'no-restricted-imports', message: /Nothing imports appliance, edge or pwa/ },
  },
  {
    name: 'a TypeScript enum',
    path: `sync/src/domain/${tag}-enum.ts`,
    code: `export enum Colour {\n  Red,\n}\n`,
    expect: { rule: 'no-restricted-syntax', message: /No TypeScript enum/ },
  },
  {
    name: 'a floating promise',
    path: `appliance/src/${tag}-float.ts`,
    code: `async function save(): Promise<void> {}\nexport function run(): void {\n  save();\n}\n`,
    expect: { rule: '@typescript-eslint/no-floating-promises' },
  },
  {
    name: 'an explicit any',
    path: `sync/src/domain/${tag}-any.ts`,
    code: `export const f = (x: any): string => String(x);\n`,
    expect: { rule: '@typescript-eslint/no-explicit-any' },
  },
  {
    name: 'an import cycle',
    path: `sync/src/domain/${tag}-cycle-a.ts`,
    code: `import { b } from './${tag}-cycle-b';\nexport const a = (): unknown => b;\n`,
    expect: { rule: 'import-x/no-cycle' },
  },
  {
    name: 'the other half of the cycle',
    path: `sync/src/domain/${tag}-cycle-b.ts`,
    code: `import { a } from './${tag}-cycle-a';\nexport const b = (): unknown => a;\n`,
    expect: { rule: 'import-x/no-cycle' },
  },
  {
    name: 'a legal domain file (pure library and sibling imports)',
    path: `sync/src/domain/${tag}-clean.ts`,
    code: `import { z } from 'zod';\nimport { parseInput } from './errors';\nexport const n = (v: unknown): number => parseInput({ schema: z.number(), input: v, what: 'v' });\n`,
    expect: 'clean',
  },
  {
    name: 'an adapter doing IO',
    path: `appliance/src/adapters/${tag}-io.ts`,
    code: `import { readFile } from 'node:fs/promises';\nexport const read = (p: string): Promise<string> => readFile(p, 'utf8');\n`,
    expect: 'clean',
  },
];

let results = new Map<string, ESLint.LintResult>();

beforeAll(async () => {
  for (const p of probes) {
    await mkdir(dirname(join(root, p.path)), { recursive: true });
    await writeFile(join(root, p.path), p.code);
  }
  try {
    const eslint = new ESLint({ cwd: root });
    const linted = await eslint.lintFiles(probes.map((p) => p.path));
    results = new Map(linted.map((r) => [r.filePath, r]));
  } finally {
    await Promise.all(probes.map((p) => rm(join(root, p.path), { force: true })));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(probes.map((p) => rm(join(root, p.path), { force: true })));
});

test.each(probes)('the linter judges $name', (probe) => {
  const result = results.get(join(root, probe.path));
  expect(result, `no lint result for ${probe.path}`).toBeDefined();
  const messages = result?.messages ?? [];
  if (probe.expect === 'clean') {
    expect(messages).toEqual([]);
    return;
  }
  const { rule, message } = probe.expect;
  const hit = messages.find((m) => m.ruleId === rule && (!message || message.test(m.message)));
  expect(
    hit,
    `expected ${rule} in ${JSON.stringify(messages.map((m) => [m.ruleId, m.message]))}`,
  ).toBeDefined();
  expect(hit?.severity).toBe(2);
});
