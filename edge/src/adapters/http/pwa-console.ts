import { createHash } from 'node:crypto';
import { access, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

/** Where the hub serves the PWA: `/` is the centre's public website. */
export const CONSOLE_BASE = '/console';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The app shell (adapter-static's fallback `index.html`) is built for `/`, where the appliance serves it: its
 * links and its boot script name `/_app/…` and `/icons/…`, and SvelteKit reads its base path from the boot
 * script's `base: ""`. Under a sub-path the same build works once those are prefixed; everything else in the
 * build (chunks, the service worker `./sw.js` with scope `./`, the manifest's `./` start and scope) is
 * relative already. Pure, so it is tested without files.
 */
export function rewriteShell(options: { html: string; base: string }): string {
  const { base } = options;
  return options.html
    .replace(/(\s(?:href|src)=")\/(?!\/)/g, `$1${base}/`)
    .replace(/import\("\/(?!\/)/g, `import("${base}/`)
    .replace(/(\bbase:\s*)""/g, `$1${JSON.stringify(base)}`);
}

/** The `'sha256-…'` sources of the shell's inline scripts (SvelteKit's boot script), for the CSP. */
export function inlineScriptHashes(options: { html: string }): string[] {
  const hashes: string[] = [];
  for (const match of options.html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
    if (/\ssrc=/.test(match[1] ?? '')) continue;
    hashes.push(
      `'sha256-${createHash('sha256')
        .update(match[2] ?? '')
        .digest('base64')}'`,
    );
  }
  return hashes;
}

/** The console's CSP: the app's own files, its boot script by hash, and its API on the same origin. */
export function consoleContentSecurityPolicy(options: { scriptHashes: readonly string[] }): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${options.scriptHashes.join(' ')}`.trim(),
    // Svelte sets `style="…"` attributes (and the shell has one); styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * JZ_HUB_PWA_DIR, else this repository's pwa/build when the PWA has been built; undefined when there is none
 * (the hub then serves no console). A configured directory without index.html is an error.
 */
export async function findConsoleDir(options: {
  configured: string | undefined;
}): Promise<string | undefined> {
  const configured = options.configured === '' ? undefined : options.configured;
  const dir = configured ?? fileURLToPath(new URL('../../../../pwa/build', import.meta.url));
  try {
    await access(join(dir, 'index.html'));
    return resolve(dir);
  } catch {
    if (configured !== undefined)
      throw new Error(`JZ_HUB_PWA_DIR=${dir} holds no index.html (build the PWA first)`);
    return undefined;
  }
}

/**
 * Serves the built PWA under `/console/` (the central office's screens; the same build the appliances serve
 * at `/`): files as they are, the rewritten shell for `/console/`, `/console/index.html` and any other page
 * path, `/console` redirected to `/console/`. Hashed assets are cached for a year, the rest revalidated.
 * Its own CSP replaces the website's script-free one (http-app.ts leaves `/console` to it).
 */
export function mountPwaConsole(options: { app: Hono; dir: string; base?: string }): void {
  const base = options.base ?? CONSOLE_BASE;
  const root = resolve(options.dir);
  let shell: Promise<{ html: string; csp: string }> | undefined;
  // Read once: the build does not change under a running hub (a new build needs a restart, as at the appliance).
  const loadShell = (): Promise<{ html: string; csp: string }> =>
    (shell ??= readFile(join(root, 'index.html'), 'utf8').then((raw) => {
      const html = rewriteShell({ html: raw, base });
      return { html, csp: consoleContentSecurityPolicy({ scriptHashes: inlineScriptHashes({ html }) }) };
    }));

  const serveShell = async (c: Context): Promise<Response> => {
    const { html, csp } = await loadShell();
    c.header('content-security-policy', csp);
    c.header('cache-control', 'no-cache');
    return c.html(html);
  };

  const { app } = options;
  app.get(base, (c) => c.redirect(`${base}/`, 301));
  app.get(`${base}/*`, async (c) => {
    const relative = safeDecode(c.req.path.slice(base.length + 1));
    if (relative === undefined) return c.notFound();
    if (relative === '' || relative === 'index.html') return serveShell(c);
    const file = resolve(root, relative);
    // Nothing outside the build, and no dot-files.
    if (!file.startsWith(root + sep) || relative.split('/').some((part) => part.startsWith('.'))) {
      return c.notFound();
    }
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) {
      c.header('content-type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
      c.header(
        'cache-control',
        relative.startsWith('_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      c.header('content-security-policy', (await loadShell()).csp);
      if (relative === 'sw.js') c.header('service-worker-allowed', `${base}/`);
      return c.body(new Uint8Array(await readFile(file)));
    }
    // No such file: a page of the app (no extension) gets the shell; a missing asset stays a 404.
    if (/\.[A-Za-z0-9]+$/.test(relative)) return c.notFound();
    return serveShell(c);
  });
}

function safeDecode(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
