import { describe, expect, test, vi } from 'vitest';
import { jsonResponse, urlOf } from '../test-support';
import { ApiClient, ApiError } from './client';

type Call = { url: string; init: RequestInit };

function client(options: { respond: (call: Call) => Response | Promise<Response>; token?: string | null }) {
  const calls: Call[] = [];
  const onUnauthorized = vi.fn();
  const api = new ApiClient({
    baseUrl: 'http://appliance.test',
    getToken: () => (options.token === undefined ? 'tok-123' : options.token),
    onUnauthorized,
    fetch: (input, init) => {
      const call = { url: urlOf(input), init: init ?? {} };
      calls.push(call);
      return Promise.resolve(options.respond(call));
    },
  });
  return { api, calls, onUnauthorized };
}

function header(call: Call | undefined, name: string): string | undefined {
  return (call?.init.headers as Record<string, string> | undefined)?.[name];
}

describe('ApiClient', () => {
  test('sends the Bearer token and JSON, and returns the parsed answer', async () => {
    const { api, calls } = client({
      respond: () => jsonResponse({ phone: '+8613712345678', calls: [] }),
    });
    const answer = await api.callsByPhone({ phone: '137 1234 5678', limit: 5 });
    expect(answer.phone).toBe('+8613712345678');
    expect(calls[0]?.url).toBe('http://appliance.test/api/calls?phone=137+1234+5678&limit=5');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-123');
    expect(header(calls[0], 'content-type')).toBeUndefined();
  });

  test('posts bodies as application/json (the appliance refuses anything else)', async () => {
    const { api, calls } = client({
      respond: () => jsonResponse({ agent: '1001@default', status: 'On Break' }),
    });
    await api.setSeatStatus({ status: 'wrap_up' });
    expect(calls[0]?.init.method).toBe('POST');
    expect(header(calls[0], 'content-type')).toBe('application/json');
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({ status: 'wrap_up' });
  });

  test('login sends no Authorization header when there is no session yet', async () => {
    const { api, calls } = client({
      token: null,
      respond: () =>
        jsonResponse({
          token: 't',
          expiresAt: '2030-01-01T00:00:00Z',
          user: { username: 'admin', role: 'admin', displayName: 'Admin', seat: null },
        }),
    });
    const session = await api.login({ username: 'admin', password: 'pw' });
    expect(session.user.username).toBe('admin');
    expect(header(calls[0], 'authorization')).toBeUndefined();
  });

  test("surfaces the server's {error:{code,field,message}} as an ApiError", async () => {
    const { api } = client({
      respond: () =>
        jsonResponse(
          { error: { code: 'invalid_input', field: 'seat', message: 'user admin has no seat' } },
          400,
        ),
    });
    const failure = await api.answerCall({ callId: 'abc' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({
      status: 400,
      code: 'invalid_input',
      field: 'seat',
      message: 'user admin has no seat',
    });
  });

  test('a 401 tells the app the session is over', async () => {
    const { api, onUnauthorized } = client({
      respond: () =>
        jsonResponse({ error: { code: 'unauthorized', field: 'authorization', message: 'log in' } }, 401),
    });
    await expect(api.me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  test('a non-JSON error page still gives a status and a code', async () => {
    const { api } = client({ respond: () => new Response('<html>bad gateway</html>', { status: 502 }) });
    await expect(api.liveCalls()).rejects.toMatchObject({ status: 502, code: 'http_502' });
  });

  test('no answer at all is status 0, code network', async () => {
    const api = new ApiClient({
      getToken: () => 't',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(api.callbacks()).rejects.toMatchObject({
      status: 0,
      code: 'network',
      message: 'Failed to fetch',
    });
  });

  test('fetches a recording as a Blob with the token, and escapes ids in paths', async () => {
    const { api, calls } = client({
      respond: () =>
        new Response(new Uint8Array([82, 73, 70, 70]), { headers: { 'content-type': 'audio/wav' } }),
    });
    const blob = await api.recording({ id: 'rec/1' });
    expect(blob.size).toBe(4);
    expect(calls[0]?.url).toBe('http://appliance.test/api/recordings/rec%2F1');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-123');
  });

  test('the console socket URL is ws(s) on the same host, with the token escaped', () => {
    const { api } = client({ respond: () => jsonResponse({}) });
    expect(api.consoleSocketUrl({ token: 'a+b/c' })).toBe('ws://appliance.test/ws/console?token=a%2Bb%2Fc');
    const sameOrigin = new ApiClient({ getToken: () => null });
    expect(sameOrigin.consoleSocketUrl({ token: 't', origin: 'https://seat.lan:8443' })).toBe(
      'wss://seat.lan:8443/ws/console?token=t',
    );
  });
});
