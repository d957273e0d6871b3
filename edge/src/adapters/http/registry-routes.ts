import { invalidInput, readJsonBody } from '@jiazheng/sync/node';
import type { Hono } from 'hono';
import type { z } from 'zod';
import {
  enterpriseCommandRequestSchema,
  enterpriseRecordIdSchema,
  registryListQuerySchema,
  workerCommandRequestSchema,
  workerRecordIdSchema,
} from '../../domain/registry-requests';
import type { RegistryService } from '../../services/registry-service';
import { principalOf } from './account-routes';

/** The registry officer's endpoints and the credit lists (see RegistryService for who may call them). */
export function installRegistryRoutes(options: { app: Hono; registry: RegistryService }): void {
  const { app, registry } = options;

  app.get('/api/registry/enterprises', async (c) => {
    const by = principalOf(c);
    const query = parse(registryListQuerySchema, singleQueries(c.req.queries()));
    return c.json({ enterprises: await registry.listEnterprises({ by, query }) });
  });

  app.get('/api/registry/enterprises/:recordId', async (c) => {
    const by = principalOf(c);
    const recordId = parseParam(enterpriseRecordIdSchema, c.req.param('recordId'));
    return c.json(await registry.enterpriseDetail({ by, recordId }));
  });

  app.post('/api/registry/enterprises/:recordId/commands', async (c) => {
    const by = principalOf(c);
    const recordId = parseParam(enterpriseRecordIdSchema, c.req.param('recordId'));
    const request = parse(enterpriseCommandRequestSchema, await readJsonBody(c));
    return c.json({ enterprise: await registry.enterpriseCommand({ by, recordId, request }) });
  });

  app.get('/api/registry/workers', async (c) => {
    const by = principalOf(c);
    const values = c.req.queries('enterpriseId') ?? [];
    if (values.length !== 1) throw invalidInput({ field: 'enterpriseId', message: 'must be given once' });
    const enterpriseId = parseParam(enterpriseRecordIdSchema, values[0] ?? '', 'enterpriseId');
    return c.json({ workers: await registry.listWorkers({ by, enterpriseId }) });
  });

  app.post('/api/registry/workers/:recordId/commands', async (c) => {
    const by = principalOf(c);
    const recordId = parseParam(workerRecordIdSchema, c.req.param('recordId'));
    const request = parse(workerCommandRequestSchema, await readJsonBody(c));
    return c.json({ worker: await registry.workerCommand({ by, recordId, request }) });
  });

  app.get('/api/registry/credit', async (c) => {
    const by = principalOf(c);
    return c.json(await registry.creditLists({ by }));
  });
}

/** Each query parameter at most once: a repeated one is refused rather than one of them silently chosen. */
function singleQueries(queries: Record<string, string[]>): Record<string, string> {
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(queries)) {
    if (values.length > 1) throw invalidInput({ field: name.slice(0, 40), message: 'must be given once' });
    single[name] = values[0] ?? '';
  }
  return single;
}

function parseParam(schema: z.ZodType<string>, value: string, field = 'recordId'): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidInput({ field, message: parsed.error.issues[0]?.message ?? 'is invalid' });
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw invalidInput({ field: 'body', message: 'is invalid' });
  if (issue.code === 'unrecognized_keys') {
    throw invalidInput({ field: (issue.keys[0] ?? 'body').slice(0, 40), message: 'is not a known field' });
  }
  if (issue.path.length === 0) throw invalidInput({ field: 'body', message: 'must be a JSON object' });
  throw invalidInput({ field: issue.path.map(String).join('.'), message: issue.message });
}
