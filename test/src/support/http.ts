/** A JSON request with a bearer token (POST when there is a body); throws with the status and body unless 2xx. */
export async function call<T>(options: { url: string; token: string; body?: unknown }): Promise<T> {
  const response = await fetch(options.url, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${options.url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Logs in at the hub or an appliance (`POST /api/auth/login`) and returns the session's token. */
export async function sessionToken(
  url: string,
  user: { username: string; password: string },
): Promise<string> {
  const session = await call<{ token: string }>({
    url: `${url}/api/auth/login`,
    token: '',
    body: { username: user.username, password: user.password },
  });
  return session.token;
}
