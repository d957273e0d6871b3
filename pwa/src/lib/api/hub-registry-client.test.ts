import { describe, expect, test, vi } from 'vitest';
import { jsonResponse, urlOf } from '../test-support';
import { ApiClient, ApiError } from './client';

type Call = { url: string; init: RequestInit };

function client(respond: (call: Call) => Response) {
  const calls: Call[] = [];
  const onUnauthorized = vi.fn();
  const api = new ApiClient({
    baseUrl: 'http://hub.test',
    getToken: () => 'tok-9',
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
const refusal = (status: number, error: object) =>
  new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } });

describe('the registry at the hub', () => {
  test('the list asks only what is set; the detail and commands escape the record id', async () => {
    const { api, calls } = client((call) =>
      call.url.includes('/commands')
        ? jsonResponse({ enterprise: { id: 'enterprise:hub:X', status: 'under_review' } })
        : call.url.endsWith('/api/registry/enterprises')
          ? jsonResponse({ enterprises: [] })
          : jsonResponse({ enterprises: [{ id: 'a' }], workers: [], log: [] }),
    );
    expect(await api.registryEnterprises({ query: {} })).toEqual([]);
    await api.registryEnterprises({ query: { status: 'applied', kind: 'volunteer', q: ' 西湖 ' } });
    await api.registryEnterprise({ recordId: 'enterprise:hub:X' });
    const row = await api.registryCommand({
      recordId: 'enterprise:hub:X',
      command: { type: 'startReview', payload: {} },
    });
    expect(row.status).toBe('under_review');
    await api.registryWorkers({ enterpriseId: 'enterprise:hub:X' });
    expect(calls.map((c) => c.url)).toEqual([
      'http://hub.test/api/registry/enterprises',
      'http://hub.test/api/registry/enterprises?status=applied&kind=volunteer&q=%E8%A5%BF%E6%B9%96',
      'http://hub.test/api/registry/enterprises/enterprise%3Ahub%3AX',
      'http://hub.test/api/registry/enterprises/enterprise%3Ahub%3AX/commands',
      'http://hub.test/api/registry/workers?enterpriseId=enterprise%3Ahub%3AX',
    ]);
    expect(bodyOf(calls[3])).toEqual({ type: 'startReview', payload: {} });
  });

  test('a domain refusal is an ApiError with its field', async () => {
    const { api } = client(() =>
      refusal(409, {
        code: 'invalid_transition',
        field: 'payload.agreement.validTo',
        message: 'the quality-assurance agreement has already expired',
      }),
    );
    const failure = await api
      .registryCommand({ recordId: 'e', command: { type: 'approve', payload: {} } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 409, field: 'payload.agreement.validTo' });
  });

  test('a document comes as a Blob with its type and the token', async () => {
    const { api, calls } = client(
      () =>
        new Response(new Uint8Array([37, 80, 68, 70]), { headers: { 'content-type': 'application/pdf' } }),
    );
    const blob = await api.document({ sha256: 'a'.repeat(64) });
    expect(blob.type).toBe('application/pdf');
    expect(blob.size).toBe(4);
    expect(calls[0]?.url).toBe(`http://hub.test/api/documents/${'a'.repeat(64)}`);
    expect((calls[0]?.init.headers as Record<string, string>).authorization).toBe('Bearer tok-9');
  });
});

describe('accounts at the hub', () => {
  test('password change and reset send the bodies the hub takes', async () => {
    const { api, calls } = client(() => jsonResponse({ ok: true }));
    await api.changePassword({ currentPassword: 'old-secret-1', newPassword: 'new-secret-22' });
    await api.resetPassword({ username: 'li.na', newPassword: 'new-secret-22' });
    expect(calls.map((c) => c.url)).toEqual([
      'http://hub.test/api/auth/password',
      'http://hub.test/api/users/li.na/password',
    ]);
    expect(bodyOf(calls[0])).toEqual({ currentPassword: 'old-secret-1', newPassword: 'new-secret-22' });
    expect(bodyOf(calls[1])).toEqual({ newPassword: 'new-secret-22' });
  });

  test('a wrong current password does not end the session; any other 401 does', async () => {
    const wrong = client(() =>
      refusal(403, { code: 'forbidden', field: 'currentPassword', message: 'wrong password' }),
    );
    await expect(
      wrong.api.changePassword({ currentPassword: 'x', newPassword: 'new-secret-22' }),
    ).rejects.toMatchObject({ field: 'currentPassword' });
    expect(wrong.onUnauthorized).not.toHaveBeenCalled();
    const expired = client(() =>
      refusal(401, { code: 'unauthorized', field: 'authorization', message: 'no' }),
    );
    await expect(
      expired.api.changePassword({ currentPassword: 'x', newPassword: 'new-secret-22' }),
    ).rejects.toBeInstanceOf(ApiError);
    expect(expired.onUnauthorized).toHaveBeenCalledOnce();
  });

  test('disable with a reason and enable return the account', async () => {
    const { api, calls } = client((call) =>
      jsonResponse({
        user: {
          username: 'li.na',
          disabled: call.url.endsWith('/disable'),
          disabledAt: call.url.endsWith('/disable') ? '2026-11-30T01:00:00.000Z' : null,
        },
      }),
    );
    expect((await api.disableUser({ username: 'li.na', reason: '离职' })).disabledAt).toBe(
      '2026-11-30T01:00:00.000Z',
    );
    expect((await api.enableUser({ username: 'li.na' })).disabledAt).toBeNull();
    expect(bodyOf(calls[0])).toEqual({ reason: '离职' });
    expect(calls[1]?.url).toBe('http://hub.test/api/users/li.na/enable');
  });

  test('the credit lists', async () => {
    const { api, calls } = client(() =>
      jsonResponse({ computedAt: 0, rules: {}, recommended: [], punishment: [], normal: [] }),
    );
    expect((await api.creditLists()).recommended).toEqual([]);
    expect(calls[0]?.url).toBe('http://hub.test/api/registry/credit');
    await api.creditLists({ kind: 'volunteer' });
    expect(calls[1]?.url).toBe('http://hub.test/api/registry/credit?kind=volunteer');
  });
});
