import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';

/** Paths that belong to the appliance itself, never to the app's files or its client-side routes. */
const OWN_PATHS = /^\/(?:api|ws|sync|yjs|healthz|health|metrics|ca\.crt)(?:\/|$)/;

/**
 * Serves the built PWA (SvelteKit static output) for the county: files as they are, and index.html for any
 * other page path, so a deep link or a reload of a client-side route opens the app. Hashed assets under
 * `_app/immutable` are cached for a year; the shell and the service worker are revalidated every time, so an
 * update reaches the seats (the app offers it; it never forces it mid-call).
 */
export function mountPwa(options: { app: Hono; dir: string }): void {
  const { app, dir } = options;
  const files = serveStatic({ root: dir });
  const shell = serveStatic({ root: dir, path: 'index.html' });
  const nothing = (): Promise<void> => Promise.resolve();
  const pwa: MiddlewareHandler = async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || OWN_PATHS.test(c.req.path)) return next();
    c.header(
      'cache-control',
      c.req.path.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    const file = await files(c, nothing);
    if (file !== undefined) return file;
    // No such file: a page of the app (no extension) gets the shell; a missing asset stays a 404.
    if (/\.[A-Za-z0-9]+$/.test(c.req.path)) return next();
    return (await shell(c, nothing)) ?? next();
  };
  app.use('*', pwa);
}
