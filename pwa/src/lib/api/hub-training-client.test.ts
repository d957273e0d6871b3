import { describe, expect, test, vi } from 'vitest';
import { jsonResponse, urlOf } from '../test-support';
import { ApiClient, ApiError } from './client';

type Call = { url: string; init: RequestInit };

function client(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const onUnauthorized = vi.fn();
  const api = new ApiClient({
    baseUrl: 'http://hub.test',
    getToken: () => 'tok-5',
    onUnauthorized,
    fetch: (input, init) => {
      const call = { url: urlOf(input), init: init ?? {} };
      calls.push(call);
      return Promise.resolve(respond(call));
    },
  });
  return { api, calls, onUnauthorized };
}

const bodyOf = (call: Call | undefined): unknown => JSON.parse(call?.init.body as string);
const headerOf = (call: Call | undefined, name: string): string | undefined =>
  (call?.init.headers as Record<string, string> | undefined)?.[name];
const refusal = (status: number, error: object) =>
  new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } });
const RECORD = 'course:hub:01JZ0000000000000000000000';
const SESSIONS = [{ startsAt: 1_796_000_000_000, endsAt: 1_796_010_800_000 }];

describe('training at the hub', () => {
  test('the list asks only what is set; detail, schedule and commands go where the contract says', async () => {
    const { api, calls } = client((call) =>
      call.url.endsWith('/commands')
        ? jsonResponse({ proposalId: 'p-1', course: { recordId: RECORD, status: 'scheduled', enrolled: 1 } })
        : call.init.method === 'POST'
          ? jsonResponse({ course: { recordId: RECORD, code: 'GQPX-2026-12' } }, 201)
          : call.url.includes('/api/training/courses/')
            ? jsonResponse({ course: { recordId: RECORD }, issuance: [], history: [] })
            : jsonResponse({ courses: [{ recordId: RECORD }] }),
    );
    expect(await api.listCourses({ query: {} })).toEqual([{ recordId: RECORD }]);
    await api.listCourses({ query: { status: 'scheduled', kind: 'pre_post' } });
    const detail = await api.readCourse({ recordId: RECORD });
    expect(detail).toEqual({ course: { recordId: RECORD }, issuance: [], history: [] });
    const course = {
      kind: 'lecture' as const,
      code: 'GLJZ-2026-01',
      name: '家政企业管理讲座',
      grants: null,
      hours: 2,
      passMark: null,
      certificateValidMonths: null,
      venue: '中心报告厅',
      trainer: '赵老师',
      capacity: 80,
      sessions: SESSIONS,
    };
    expect((await api.scheduleCourse({ course })).code).toBe('GQPX-2026-12');
    const answer = await api.courseCommand({
      recordId: RECORD,
      command: {
        type: 'recordAttendance',
        payload: { session: 0, marks: [{ participantId: 'staff:1', present: true }] },
      },
    });
    expect(answer).toEqual({
      proposalId: 'p-1',
      course: { recordId: RECORD, status: 'scheduled', enrolled: 1 },
    });
    expect(calls.map((c) => `${c.init.method ?? ''} ${c.url}`)).toEqual([
      'GET http://hub.test/api/training/courses',
      'GET http://hub.test/api/training/courses?status=scheduled&kind=pre_post',
      `GET http://hub.test/api/training/courses/${encodeURIComponent(RECORD)}`,
      'POST http://hub.test/api/training/courses',
      `POST http://hub.test/api/training/courses/${encodeURIComponent(RECORD)}/commands`,
    ]);
    expect(bodyOf(calls[3])).toEqual(course);
    expect(bodyOf(calls[4])).toEqual({
      type: 'recordAttendance',
      payload: { session: 0, marks: [{ participantId: 'staff:1', present: true }] },
    });
    expect(headerOf(calls[4], 'authorization')).toBe('Bearer tok-5');
    expect(headerOf(calls[3], 'content-type')).toBe('application/json');
  });

  test('a refusal of the hub is an ApiError naming its field, and does not end the session', async () => {
    const { api, onUnauthorized } = client(() =>
      refusal(400, { code: 'invalid_input', field: 'sessions.1.endsAt', message: 'ends before it starts' }),
    );
    const failure = await api
      .scheduleCourse({
        course: {
          kind: 'pre_post',
          code: 'X',
          name: 'X',
          hours: 1,
          passMark: 60,
          venue: 'v',
          trainer: 't',
          capacity: 1,
          sessions: SESSIONS,
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 400, code: 'invalid_input', field: 'sessions.1.endsAt' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  test('a conflict on a command (too early to complete) keeps its code and field', async () => {
    const { api } = client(() =>
      refusal(409, { code: 'conflict', field: 'sessions', message: 'the last session has not ended' }),
    );
    await expect(
      api.courseCommand({ recordId: RECORD, command: { type: 'complete', payload: {} } }),
    ).rejects.toMatchObject({ status: 409, code: 'conflict', field: 'sessions' });
  });
});
