import { expect, test } from 'vitest';
import { jsonResponse, urlOf } from '../test-support';
import { ApiClient, ApiError } from './client';

type Call = { url: string; init: RequestInit };

function client(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const api = new ApiClient({
    baseUrl: 'http://appliance.test',
    getToken: () => 'tok-123',
    onUnauthorized: () => {},
    fetch: (input, init) => {
      const call = { url: urlOf(input), init: init ?? {} };
      calls.push(call);
      return Promise.resolve(respond(call));
    },
  });
  return { api, calls };
}

test('closing a period posts it; the appliance’s 409 comes back naming the period', async () => {
  const { api, calls } = client(() =>
    jsonResponse(
      { error: { code: 'conflict', field: 'period', message: 'period: the day 2026-11-30 is not over yet' } },
      409,
    ),
  );
  const failure = await api
    .closePeriod({ period: { kind: 'day', start: '2026-11-30' } })
    .catch((e: unknown) => e);
  expect(calls[0]?.url).toBe('http://appliance.test/api/periods/close');
  expect(JSON.parse(calls[0]?.init.body as string)).toEqual({ period: { kind: 'day', start: '2026-11-30' } });
  expect(failure).toBeInstanceOf(ApiError);
  expect(failure).toMatchObject({ status: 409, field: 'period' });
});

test('the call report asks the hub without a category, which it refuses', async () => {
  const { api, calls } = client(() => jsonResponse({ rows: [], total: {}, notes: [] }));
  await api.callReport({
    query: { level: 'province', period: 'month', from: '2026-11-01', to: '2026-11-30', category: 'FAM' },
  });
  await api.periods();
  expect(calls.map((c) => c.url)).toEqual([
    'http://appliance.test/api/reports/calls?level=province&period=month&from=2026-11-01&to=2026-11-30',
    'http://appliance.test/api/periods',
  ]);
});
