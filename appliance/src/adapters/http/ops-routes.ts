import type { Hono } from 'hono';
import { Gauge, Registry } from 'prom-client';

export type HealthState = 'ok' | 'degraded' | 'down';

export type HealthReport = {
  status: HealthState;
  county: string;
  version: string;
  switch: {
    state: string;
    kind: string;
    address: string;
    coreUuid: string | undefined;
    lastEventAt: string | undefined;
    lastError: string | undefined;
  };
  hub: { configured: boolean; connected: boolean };
  database: { state: HealthState; latencyMs: number | null; error?: string };
  recordings: {
    state: HealthState;
    dir: string;
    freeBytes: number | null;
    missing: number;
    refused: number;
    unrecordedCalls: number;
  };
  /** Plain-language problems, for the technician (zh first). */
  problems: string[];
};

/** Numbers scraped by Prometheus: a flat map of name → { help, value, labels? }. */
export type MetricSample = { name: string; help: string; value: number; labels?: Record<string, string> };

/**
 * `GET /healthz`: always 200 while the process can answer (so a load balancer does not kill an appliance that
 * is merely cut off from the hub), with each dependency's state; 503 only when the database is down.
 * `GET /metrics`: Prometheus text format via prom-client.
 */
export function mountOpsRoutes(options: {
  app: Hono;
  health: () => Promise<HealthReport>;
  metrics: () => Promise<MetricSample[]>;
}): void {
  const { app } = options;
  app.get('/healthz', async (c) => {
    const report = await options.health();
    return c.json(report, report.database.state === 'down' ? 503 : 200);
  });
  app.get('/metrics', async (c) => {
    const registry = new Registry();
    const gauges = new Map<string, Gauge>();
    for (const sample of await options.metrics()) {
      let gauge = gauges.get(sample.name);
      if (gauge === undefined) {
        gauge = new Gauge({
          name: sample.name,
          help: sample.help,
          labelNames: Object.keys(sample.labels ?? {}),
          registers: [registry],
        });
        gauges.set(sample.name, gauge);
      }
      if (sample.labels === undefined) gauge.set(sample.value);
      else gauge.set(sample.labels, sample.value);
    }
    return c.text(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
}
