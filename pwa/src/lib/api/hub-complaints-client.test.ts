import { describe, expect, test, vi } from 'vitest';
import { jsonResponse, urlOf } from '../test-support';
import { ApiClient, ApiError } from './client';

type Call = { url: string; init: RequestInit };

function client(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const onUnauthorized = vi.fn();
  const api = new ApiClient({
    baseUrl: 'http://hub.test',
    getToken: () => 'tok-7',
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
const RECORD = 'complaint:hub:01JZ0000000000000000000000';

describe('complaints at the hub', () => {
  test('the list asks only what is set; the detail, the filing and commands go where the hub expects', async () => {
    const { api, calls } = client((call) =>
      call.url.endsWith('/commands') || call.init.method === 'POST'
        ? jsonResponse({ complaint: { recordId: RECORD, status: 'assigned' } }, 201)
        : call.url.includes('/api/complaints/')
          ? jsonResponse({ complaint: { recordId: RECORD }, history: [] })
          : jsonResponse({ complaints: [] }),
    );
    expect(await api.complaints({ query: {} })).toEqual([]);
    await api.complaints({ query: { status: 'assigned', overdue: '1', assignedTo: 'hub:inspector' } });
    const detail = await api.complaint({ recordId: RECORD });
    expect(detail.history).toEqual([]);
    await api.fileComplaint({ complaint: { countyCode: '330106', kind: 'price', description: '多收费' } });
    const row = await api.complaintCommand({
      recordId: RECORD,
      command: { type: 'withdraw', payload: { reason: '市民撤回' } },
    });
    expect(row.status).toBe('assigned');
    expect(calls.map((c) => `${c.init.method ?? ''} ${c.url}`)).toEqual([
      'GET http://hub.test/api/complaints',
      'GET http://hub.test/api/complaints?status=assigned&overdue=1&assignedTo=hub%3Ainspector',
      `GET http://hub.test/api/complaints/${encodeURIComponent(RECORD)}`,
      'POST http://hub.test/api/complaints',
      `POST http://hub.test/api/complaints/${encodeURIComponent(RECORD)}/commands`,
    ]);
    expect(bodyOf(calls[3])).toEqual({ countyCode: '330106', kind: 'price', description: '多收费' });
    expect(bodyOf(calls[4])).toEqual({ type: 'withdraw', payload: { reason: '市民撤回' } });
    expect(headerOf(calls[4], 'authorization')).toBe('Bearer tok-7');
  });

  test('a refusal of the hub is an ApiError naming its field', async () => {
    const { api, onUnauthorized } = client(() =>
      refusal(403, { code: 'forbidden', field: 'command.actor.userId', message: 'assigned to hub:other' }),
    );
    const failure = await api
      .complaintCommand({ recordId: RECORD, command: { type: 'decide', payload: {} } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 403, code: 'forbidden', field: 'command.actor.userId' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});

describe('recordings relayed from the county', () => {
  const url = `/api/recordings/330106/call-1?purpose=${encodeURIComponent(RECORD)}`;

  test('fetched with the Bearer token as a blob', async () => {
    const { api, calls } = client(
      () => new Response(new Uint8Array([82, 73, 70, 70]), { headers: { 'content-type': 'audio/wav' } }),
    );
    const blob = await api.relayedRecording({ url });
    expect(blob.type).toBe('audio/wav');
    expect(blob.size).toBe(4);
    expect(calls[0]?.url).toBe(`http://hub.test${url}`);
    expect(headerOf(calls[0], 'authorization')).toBe('Bearer tok-7');
  });

  test('the county not connected is a 503, an unknown call a 404', async () => {
    for (const status of [503, 404]) {
      const { api } = client(() =>
        refusal(status, { code: status === 404 ? 'not_found' : 'bad_gateway', field: null, message: 'x' }),
      );
      await expect(api.relayedRecording({ url })).rejects.toMatchObject({ status });
    }
  });

  test('anything but a recording path of the hub is not fetched with the token', async () => {
    for (const bad of [
      'https://evil.test/api/recordings/330106/c?purpose=x',
      '//evil.test/api/recordings/330106/c?purpose=x',
      '/api/documents/abc',
      '/api/recordings/330106/c',
    ]) {
      const { api, calls } = client(() => jsonResponse({}));
      await expect(api.relayedRecording({ url: bad })).rejects.toMatchObject({ code: 'invalid_url' });
      expect(calls).toHaveLength(0);
    }
  });
});
