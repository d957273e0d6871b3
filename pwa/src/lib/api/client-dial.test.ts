import { expect, test } from 'vitest';
import { jsonResponse, urlOf } from '../test-support';
import { ApiClient, ApiError } from './client';

function dialClient(respond: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const api = new ApiClient({
    baseUrl: 'http://appliance.test',
    getToken: () => 'tok-1',
    fetch: (input, init) => {
      calls.push({ url: urlOf(input), init: init ?? {} });
      return Promise.resolve(respond());
    },
  });
  return { api, calls };
}

test('dial posts the number, the kind and the order, and returns the call id', async () => {
  const { api, calls } = dialClient(() => jsonResponse({ callId: 'c-1' }, 202));
  const orderId = 'order:330106:01J9Z3K8M2Q7R4T6V8X0Y2A4C6';
  expect(await api.dial({ phone: '+8613800138000', kind: 'return_visit', orderId })).toEqual({
    callId: 'c-1',
  });
  expect(calls[0]?.url).toBe('http://appliance.test/api/calls/dial');
  expect(calls[0]?.init.method).toBe('POST');
  expect(JSON.parse(calls[0]?.init.body as string)).toEqual({
    phone: '+8613800138000',
    kind: 'return_visit',
    orderId,
  });
});

test('dial without an order sends no orderId (the appliance’s schema is strict), and surfaces a refusal', async () => {
  const { api, calls } = dialClient(() =>
    jsonResponse({ error: { code: 'invalid_input', field: 'seat', message: 'user li has no seat' } }, 400),
  );
  const failure = await api.dial({ phone: '13800138000', kind: 'callback' }).catch((e: unknown) => e);
  expect(JSON.parse(calls[0]?.init.body as string)).toEqual({ phone: '13800138000', kind: 'callback' });
  expect(failure).toBeInstanceOf(ApiError);
  expect((failure as ApiError).field).toBe('seat');
});
