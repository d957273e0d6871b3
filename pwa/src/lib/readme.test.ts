import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { SHORTCUTS } from './domain/shortcuts';

test('pwa/README.md documents every keyboard shortcut', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const { key } of SHORTCUTS) expect(readme).toContain(`\`${key === 'Escape' ? 'Esc' : key}\``);
});
