// The bench measures pwa/build: rebuilt first when any source that goes into it is newer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './appliance';
import { log } from './report';

export const pwaDir = join(root, 'pwa', 'build');

/** The newest modification time under `path` (test files left out: they are not built). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return /\.test\.ts$/.test(path) ? 0 : stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** Runs `npm run build -w @jiazheng/pwa` when pwa/build is missing or older than what it is built from. */
export function ensureFreshBuild(options: { skip: boolean }): void {
  const index = join(pwaDir, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = ['pwa/src', 'pwa/static', 'pwa/vite.config.ts', 'pwa/svelte.config.js', 'sync/src'];
  const source = Math.max(...sources.map((s) => newest(join(root, s))));
  if (built !== 0 && (options.skip || built >= source)) {
    log(`build: pwa/build is ${built >= source ? 'up to date' : 'older than its sources (--no-build)'}`);
    return;
  }
  log('build: npm run build -w @jiazheng/pwa …');
  const build = spawnSync('npm', ['run', 'build', '-w', '@jiazheng/pwa'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the PWA build failed:\n${build.stdout}\n${build.stderr}`);
}
