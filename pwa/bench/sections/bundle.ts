// Target 1: the JavaScript of the first load, gzip -9. The first load is the static import closure of
// SvelteKit's entries (`entry/*.js`), the root layout (`nodes/0`) and the node of the `/` route, as the
// router's dictionary names it. `import("…")` calls (and the `__vite__mapDeps` preload lists that go
// with them) are lazy: they are followed only to size what loads after login.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export type SizedSet = { files: string[]; raw: number; gzip: number };

export type LazyChunk = SizedSet & {
  /** What the chunk is, from its importer's code (`RecordsSession`, the Workspace stylesheet). */
  label: string;
  /** When the app asks for it: at start (the service worker's registration) or once someone is logged in. */
  when: 'start' | 'login' | 'other';
  importer: string;
  target: string;
};

export type BundleResult = {
  rootNode: string;
  firstLoad: SizedSet;
  firstLoadCss: SizedSet;
  lazy: LazyChunk[];
  /** What the lazy imports made once someone is logged in add to the first load, each file once. */
  afterLogin: SizedSet;
  precache: SizedSet & { entries: number };
  serviceWorker: SizedSet;
};

const STATIC_IMPORT = /(?:\bimport|\bfrom)\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g;
const DYNAMIC_IMPORT = /\bimport\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g;

export function measureBundle(buildDir: string): BundleResult {
  const immutable = join(buildDir, '_app', 'immutable');
  const rel = (file: string) => relative(immutable, file);
  const list = (dir: string) => readdirSync(join(immutable, dir)).map((f) => join(immutable, dir, f));
  const text = new Map<string, string>();
  const read = (file: string): string => {
    let t = text.get(file);
    if (t === undefined) text.set(file, (t = readFileSync(file, 'utf8')));
    return t;
  };
  const gzip = new Map<string, number>();
  const size = (files: Iterable<string>): SizedSet => {
    const sorted = [...files].sort();
    let raw = 0;
    let gz = 0;
    for (const file of sorted) {
      raw += statSync(file).size;
      let g = gzip.get(file);
      if (g === undefined) gzip.set(file, (g = gzipSync(readFileSync(file), { level: 9 }).length));
      gz += g;
    }
    return { files: sorted.map((f) => relative(buildDir, f)), raw, gzip: gz };
  };
  const imports = (file: string, pattern: RegExp): string[] =>
    [...read(file).matchAll(pattern)].map((m) => resolve(dirname(file), m[1] ?? ''));
  const closure = (starts: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const queue = [...starts];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (seen.has(file) || !file.endsWith('.js')) continue;
      seen.add(file);
      queue.push(...imports(file, STATIC_IMPORT));
    }
    return seen;
  };

  const entries = list('entry').filter((f) => f.endsWith('.js'));
  const app = entries.find((f) => /[\\/]app\.[^/\\]*\.js$/.test(f));
  if (app === undefined) throw new Error(`no entry/app.*.js in ${immutable}`);
  // SvelteKit's route dictionary: `"/":[2]` (a `~` marks a node with a server load).
  const leaf = /"\/":\[~?(\d+)/.exec(read(app))?.[1];
  if (leaf === undefined) throw new Error(`${rel(app)} has no dictionary entry for "/"`);
  const nodes = list('nodes');
  const nodeFile = (n: string) => {
    const file = nodes.find((f) => new RegExp(`[\\\\/]${n}\\.[^/\\\\]*\\.js$`).test(f));
    if (file === undefined) throw new Error(`no nodes/${n}.*.js`);
    return file;
  };
  const rootNode = nodeFile(leaf);
  const first = closure([...entries, nodeFile('0'), rootNode]);
  const firstLoad = size(first);

  // The stylesheets the first load links: the entries' and the nodes' own (`assets/0.*.css`, `assets/2.*.css`).
  const assets = list('assets');
  const firstLoadCss = size(
    assets.filter((f) => f.endsWith('.css') && new RegExp(`[\\\\/](?:0|${leaf})\\.`).test(f)),
  );

  // Lazy imports made by first-load code, except the router's own (the nodes and its error page).
  const lazy: LazyChunk[] = [];
  for (const importer of first) {
    if (importer === app) continue;
    const code = read(importer);
    const seen = new Set<string>();
    for (const match of code.matchAll(DYNAMIC_IMPORT)) {
      const target = resolve(dirname(importer), match[1] ?? '');
      if (seen.has(target)) continue;
      seen.add(target);
      const added = [...closure([target])].filter((f) => !first.has(f));
      const around = code.slice(Math.max(0, match.index - 200), match.index + 300);
      const preload = /__vite__mapDeps=[^;]*?\[([^\]]*)\]/.exec(code)?.[1] ?? '';
      lazy.push({
        ...size(added),
        ...labelOf({ around, preload, target: rel(target) }),
        importer: rel(importer),
        target: rel(target),
      });
    }
  }
  const afterLogin = new Set(
    lazy.filter((l) => l.when === 'login').flatMap((l) => l.files.map((f) => join(buildDir, f))),
  );

  // What the generated service worker precaches (`precacheAndRoute([{url:"…",revision:…},…])`).
  const sw = readFileSync(join(buildDir, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => join(buildDir, m[1] ?? ''));
  const workbox = readdirSync(buildDir)
    .filter((f) => /^workbox-.*\.js$/.test(f))
    .map((f) => join(buildDir, f));
  return {
    rootNode: rel(rootNode),
    firstLoad,
    firstLoadCss,
    lazy,
    afterLogin: size(afterLogin),
    precache: { ...size(urls), entries: urls.length },
    serviceWorker: size([join(buildDir, 'sw.js'), ...workbox]),
  };
}

/** A name for a lazy chunk, from the code around its `import()` and its importer's preload list. */
function labelOf(options: { around: string; preload: string; target: string }): {
  label: string;
  when: LazyChunk['when'];
} {
  if (/RecordsSession/.test(options.around))
    return { label: 'the records session (`records-session.ts`)', when: 'login' };
  if (/\bWorkbox\b/.test(options.around))
    return { label: 'workbox-window (registers the service worker)', when: 'start' };
  if (/Workspace\.[^"]*\.css/.test(options.preload))
    return { label: 'the workspace (`Workspace.svelte`)', when: 'login' };
  return { label: options.target, when: 'other' };
}
