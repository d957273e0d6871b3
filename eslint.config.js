// @ts-check
import js from '@eslint/js';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layer order (docs/architecture.md) is enforced here, not by review:
 *   sync ◀ firmware-config ◀ appliance;  sync ◀ edge, pwa;  all ◀ test (test drives the apps as processes,
 *   never imports them);  sync, firmware-config ◀ centre (`npm start`: runs the hub and the appliances as
 *   child processes and talks to them over HTTP and sync, never imports them or test)
 * and every file under a `domain/` folder is pure: no Node built-ins, databases, network, Dexie or ESL.
 */
const appPackages = ['@jiazheng/appliance', '@jiazheng/edge', '@jiazheng/pwa'];
const otherPackages = ['@jiazheng/firmware-config', '@jiazheng/test'];

/** Modules that do IO; a domain file importing any of them is a layering error. */
const ioModules = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'net',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'tls',
  'child_process',
  'worker_threads',
  'crypto',
  'stream',
  'pg',
  'pg-*',
  'postgres',
  '@electric-sql/*',
  'drizzle-orm',
  'drizzle-orm/*',
  'dexie',
  'dexie-*',
  'fake-indexeddb',
  'fake-indexeddb/*',
  'esl',
  'modesl',
  'ws',
  'y-websocket',
  '@y/websocket-server',
  '@y/websocket-server/*',
  'hono',
  'hono/*',
  '@hono/*',
  'nodemailer',
  'ioredis',
  'redis',
];

/** Builds the no-restricted-imports rule for one part of the tree. */
function restrict(/** @type {{ packages?: string[]; io?: boolean; message: string }} */ options) {
  const patterns = [];
  if (options.packages?.length) {
    patterns.push({
      group: options.packages.flatMap((p) => [p, `${p}/*`]),
      message: options.message,
    });
  }
  if (options.io) {
    patterns.push({
      group: ioModules,
      message: 'domain/ is pure: IO belongs in adapters/, wired in the composition root.',
    });
    patterns.push({
      group: ['**/adapters/*', '**/adapters', '**/ports/*', '**/ports'],
      message: 'domain/ must not reach into ports/ or adapters/.',
    });
  }
  return ['error', { patterns }];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/coverage/**',
      '**/dist/**',
      '**/build/**',
      '**/.svelte-kit/**',
      'data/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      // TypeScript sources import each other without extensions; the resolver must find them for no-cycle.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSEnumDeclaration',
          message: 'No TypeScript enum: use a const object and a union type.',
        },
      ],
      'no-restricted-imports': restrict({
        packages: appPackages,
        message: 'Nothing imports appliance, edge or pwa: talk to them over their protocols.',
      }),
    },
  },
  {
    files: ['sync/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [...appPackages, ...otherPackages],
        message: 'sync is the bottom layer: it imports none of the other packages.',
      }),
    },
  },
  {
    files: ['centre/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [...appPackages, '@jiazheng/test'],
        message:
          'centre runs appliance and edge as processes and imports none of appliance, edge, pwa or test.',
      }),
    },
  },
  {
    files: ['**/domain/**'],
    rules: {
      'no-restricted-imports': restrict({
        packages: [...appPackages, ...otherPackages],
        io: true,
        message: 'domain/ imports only sync and pure libraries.',
      }),
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
