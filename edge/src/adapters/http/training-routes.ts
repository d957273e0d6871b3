import { courseIdSchema } from '@jiazheng/sync/domain';
import { invalidInput, readJsonBody } from '@jiazheng/sync/node';
import type { Hono } from 'hono';
import {
  courseCommandRequestSchema,
  courseListQuerySchema,
  scheduleCourseRequestSchema,
} from '../../domain/training-requests';
import type { TrainingService } from '../../services/training-service';
import { principalOf } from './account-routes';
import { parseWith, singleQueries } from './request-parsing';

/** `/api/training/courses`: the centre's courses and lectures (see TrainingService for who may call them). */
export function installTrainingRoutes(options: { app: Hono; training: TrainingService }): void {
  const { app, training } = options;

  app.get('/api/training/courses', async (c) => {
    const by = principalOf(c);
    const query = parseWith(courseListQuerySchema, singleQueries(c.req.queries()));
    return c.json({ courses: await training.list({ by, query }) });
  });

  app.get('/api/training/courses/:recordId', async (c) => {
    const by = principalOf(c);
    return c.json(await training.detail({ by, recordId: parseRecordId(c.req.param('recordId')) }));
  });

  app.post('/api/training/courses', async (c) => {
    const by = principalOf(c);
    const request = parseWith(scheduleCourseRequestSchema, await readJsonBody(c));
    return c.json({ course: await training.schedule({ by, request }) }, 201);
  });

  app.post('/api/training/courses/:recordId/commands', async (c) => {
    const by = principalOf(c);
    const recordId = parseRecordId(c.req.param('recordId'));
    const request = parseWith(courseCommandRequestSchema, await readJsonBody(c));
    return c.json(await training.command({ by, recordId, request }));
  });
}

function parseRecordId(value: string): string {
  const parsed = courseIdSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidInput({ field: 'recordId', message: parsed.error.issues[0]?.message ?? 'is invalid' });
}
