import { Hono } from 'hono';

/** A host name or IPv4 literal, as a browser puts it in `Host`; anything else is not echoed into a URL. */
const HOST_NAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * The plain-HTTP side of an appliance that has its county certificate: every request is redirected to the
 * HTTPS port (308 keeps the method and body), except `/ca.crt`, the county root the seats' devices install
 * to trust that certificate — it is public, and a device cannot fetch it over HTTPS before trusting it.
 */
export function createRedirectApp(options: {
  httpsPort: number;
  fallbackHost: string;
  caPem?: string | undefined;
}): Hono {
  const app = new Hono();
  const { caPem } = options;
  if (caPem !== undefined) {
    app.get('/ca.crt', (c) =>
      c.body(caPem, 200, {
        'content-type': 'application/x-x509-ca-cert',
        'content-disposition': 'attachment; filename="jiazheng-county-root.crt"',
      }),
    );
  }
  app.all('*', (c) => {
    const url = new URL(c.req.url);
    const requested = (c.req.header('host') ?? '').replace(/:\d+$/, '');
    const host = HOST_NAME.test(requested) ? requested : options.fallbackHost;
    const target = `https://${host}${options.httpsPort === 443 ? '' : `:${options.httpsPort}`}${url.pathname}${url.search}`;
    return c.redirect(target, 308);
  });
  return app;
}
