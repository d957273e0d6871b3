import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  directoryTransitionList,
  enterpriseTransitionList,
  inspectionTransitionList,
  orderTransitionList,
  workerTransitionList,
} from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';

/** Documentation that states facts about the code is checked against the code, so it stays true. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFile(resolve(root, path), 'utf8');

/** The rows `| \`command\` | from | roles |` of the table that follows `heading`. */
function tableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(heading);
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of markdown.slice(start).split('\n').slice(1)) {
    if (line.startsWith('### ') || line.startsWith('## ')) break;
    const m = /^\|\s*`(\w+)`\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|$/.exec(line);
    if (m) rows.push([m[1] ?? '', m[2] ?? '', m[3] ?? '']);
  }
  return rows;
}

function fromCode(list: typeof orderTransitionList): string[][] {
  return list.map((t) => [t.type, t.from === 'create' ? '(new)' : t.from.join(', '), t.roles.join(', ')]);
}

test('docs/architecture.md lists every order command with its states and roles', async () => {
  const doc = await read('docs/architecture.md');
  expect(tableAfter(doc, '### The order lifecycle')).toEqual(fromCode(orderTransitionList));
});

test('docs/architecture.md lists every enterprise command with its states and roles', async () => {
  const doc = await read('docs/architecture.md');
  expect(tableAfter(doc, '### The enterprise lifecycle')).toEqual(fromCode(enterpriseTransitionList));
});

test('docs/architecture.md lists every worker command with its states and roles', async () => {
  const doc = await read('docs/architecture.md');
  expect(tableAfter(doc, '### The worker lifecycle')).toEqual(fromCode(workerTransitionList));
});

test('docs/architecture.md lists every inspection command with its states and roles', async () => {
  const doc = await read('docs/architecture.md');
  expect(tableAfter(doc, '### The inspection lifecycle')).toEqual(fromCode(inspectionTransitionList));
});

test('docs/architecture.md lists every directory command with its states and roles', async () => {
  const doc = await read('docs/architecture.md');
  expect(tableAfter(doc, 'Who may sign is itself a record')).toEqual(fromCode(directoryTransitionList));
});

test('the README gives the two commands, and every package has a README', async () => {
  const readme = await read('README.md');
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toContain('npm ci && npm test');
  const pkg = JSON.parse(await read('package.json')) as { workspaces: string[] };
  expect(pkg.workspaces.sort()).toEqual([
    'appliance',
    'centre',
    'edge',
    'firmware-config',
    'pwa',
    'sync',
    'test',
  ]);
  for (const name of pkg.workspaces) {
    const text = await read(`${name}/README.md`);
    expect(text.length, `${name}/README.md`).toBeGreaterThan(200);
  }
});
