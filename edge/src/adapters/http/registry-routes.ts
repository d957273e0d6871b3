import { invalidInput, readJsonBody } from '@jiazheng/sync/node';
import type { Hono } from 'hono';
import type { z } from 'zod';
import {
  creditListQuerySchema,
  enterpriseCommandRequestSchema,
  enterpriseRecordIdSchema,
  registerWorkerRequestSchema,
  registryListQuerySchema,
  workerCommandRequestSchema,
  workerRecordIdSchema,
} from '../../domain/registry-requests';
import type { RegistryService } from '../../services/registry-service';
import { principalOf } from './account-routes';
import { parseWith, singleQueries } from './request-parsing';

/** The registry officer's endpoints and the credit lists (see RegistryService for who may call them). */
export function installRegistryRoutes(options: { app: Hono; registry: RegistryService }): void {
  const { app, registry } = options;

  app.get('/api/registry/enterprises', async (c) => {
    const by = principalOf(c);
    const query = parseWith(registryListQuerySchema, singleQueries(c.req.queries()));
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
    const request = parseWith(enterpriseCommandRequestSchema, await readJsonBody(c));
    return c.json({ enterprise: await registry.enterpriseCommand({ by, recordId, request }) });
  });

  app.get('/api/registry/workers', async (c) => {
    const by = principalOf(c);
    const values = c.req.queries('enterpriseId') ?? [];
    if (values.length !== 1) throw invalidInput({ field: 'enterpriseId', message: 'must be given once' });
    const enterpriseId = parseParam(enterpriseRecordIdSchema, values[0] ?? '', 'enterpriseId');
    return c.json({ workers: await registry.listWorkers({ by, enterpriseId }) });
  });

  app.post('/api/registry/workers', async (c) => {
    const by = principalOf(c);
    const request = parseWith(registerWorkerRequestSchema, await readJsonBody(c));
    return c.json({ worker: await registry.registerWorker({ by, request }) }, 201);
  });

  app.get('/api/registry/workers/:recordId/identity', async (c) => {
    const by = principalOf(c);
    const recordId = parseParam(workerRecordIdSchema, c.req.param('recordId'));
    return c.json(await registry.revealIdentity({ by, recordId }));
  });

  app.post('/api/registry/workers/:recordId/commands', async (c) => {
    const by = principalOf(c);
    const recordId = parseParam(workerRecordIdSchema, c.req.param('recordId'));
    const request = parseWith(workerCommandRequestSchema, await readJsonBody(c));
    return c.json({ worker: await registry.workerCommand({ by, recordId, request }) });
  });

  app.get('/api/registry/credit', async (c) => {
    const by = principalOf(c);
    const query = parseWith(creditListQuerySchema, singleQueries(c.req.queries()));
    return c.json(await registry.creditLists({ by, query }));
  });
}

function parseParam(schema: z.ZodType<string>, value: string, field = 'recordId'): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidInput({ field, message: parsed.error.issues[0]?.message ?? 'is invalid' });
}
