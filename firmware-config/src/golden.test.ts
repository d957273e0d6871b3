import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { renderFreeswitchConfig } from './domain/render';
import { exampleProvisioning, type exampleInputs } from './domain/test-support';

/**
 * Golden files: the rendered configuration of each example, committed under golden/<county>/. Any change to
 * the output shows up as a diff in review. `UPDATE_GOLDEN=1` rewrites them instead of comparing.
 */
const goldenRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../golden');
const update = process.env.UPDATE_GOLDEN === '1';

async function readTree(dir: string, prefix = ''): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) Object.assign(files, await readTree(join(dir, entry.name), path));
    else files[path] = await readFile(join(dir, entry.name), 'utf8');
  }
  return files;
}

const counties: (keyof typeof exampleInputs)[] = ['330106', '110101'];

for (const county of counties) {
  test(`examples/${county}.json renders byte for byte as golden/${county}/`, async () => {
    const rendered = renderFreeswitchConfig({ provisioning: exampleProvisioning({ county }) });
    const dir = join(goldenRoot, county);
    if (update) {
      await rm(dir, { recursive: true, force: true });
      for (const [path, text] of Object.entries(rendered)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
    }
    const golden = await readTree(dir);
    expect(Object.keys(golden).sort()).toEqual(Object.keys(rendered));
    for (const [path, text] of Object.entries(rendered)) {
      expect(
        golden[path],
        `golden/${county}/${path} differs; run with UPDATE_GOLDEN=1 if the change is meant`,
      ).toBe(text);
    }
  });
}
