import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, DomainErrorCode } from '../../domain';
import type { Logger } from '../../ports/logger';

/**
 * The JSON error conventions every HTTP API of the product shares (appliance, hub): one body shape, one
 * mapping from domain errors to statuses, and no internal detail ever sent to a client.
 */
export const HttpErrorCode = {
  ...DomainErrorCode,
  unauthorized: 'unauthorized',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  /** Too many attempts (logins); the answer carries Retry-After. */
  rateLimited: 'rate_limited',
  /** Something the process depends on (the switch, the hub) refused or did not answer. */
  badGateway: 'bad_gateway',
  internal: 'internal',
} as const;
export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode];

export type ErrorBody = { error: { code: HttpErrorCode; field: string | null; message: string } };

const statusByDomainCode: Readonly<Record<DomainErrorCode, ContentfulStatusCode>> = {
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  invalid_transition: 409,
  conflict: 409,
};

/** An HTTP-level refusal that is not a domain rule (wrong media type, oversized body, no admin token). */
export class HttpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly body: ErrorBody['error'];

  constructor(options: { status: ContentfulStatusCode; body: ErrorBody['error'] }) {
    super(options.body.message);
    this.status = options.status;
    this.body = options.body;
  }
}

export function errorResponse(c: Context, status: ContentfulStatusCode, error: ErrorBody['error']): Response {
  const body: ErrorBody = { error };
  return c.json(body, status);
}

export function invalidInput(options: { field: string; message: string }): DomainError {
  return new DomainError({
    code: DomainErrorCode.invalidInput,
    field: options.field,
    message: `${options.field}: ${options.message}`,
  });
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Unknown routes and every thrown error become JSON error bodies; the detail of a 500 goes to the log only. */
export function installJsonErrors(options: { app: Hono; logger: Logger; processName: string }): void {
  const { app, logger, processName } = options;
  app.notFound((c) =>
    errorResponse(c, 404, {
      code: HttpErrorCode.notFound,
      field: null,
      message: 'no such endpoint; GET / lists them',
    }),
  );
  app.onError((error, c) => {
    if (error instanceof DomainError) {
      return errorResponse(c, statusByDomainCode[error.code], {
        code: error.code,
        field: error.field ?? null,
        message: error.message,
      });
    }
    if (error instanceof HttpError) return errorResponse(c, error.status, error.body);
    if (error instanceof HTTPException && error.status < 500) {
      return errorResponse(c, error.status, {
        code: HttpErrorCode.invalidInput,
        field: null,
        message: error.message || 'bad request',
      });
    }
    // The detail can hold paths, data or stack traces: it goes to the operator's log, never to the client.
    logger.error(`${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
    return errorResponse(c, 500, {
      code: HttpErrorCode.internal,
      field: null,
      message: `internal error; the ${processName} log has the details`,
    });
  });
}

/**
 * The request body parsed as JSON. The media type must be application/json: a browser sends that only after
 * a CORS preflight, so a hostile web page cannot post to an API with a plain form.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new HttpError({
      status: 415,
      body: {
        code: HttpErrorCode.unsupportedMediaType,
        field: 'content-type',
        message: 'content-type: must be application/json',
      },
    });
  }
  const text = await c.req.text();
  if (text.trim() === '') throw invalidInput({ field: 'body', message: 'is empty; send a JSON object' });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message.slice(0, 200) : 'could not be parsed';
    throw invalidInput({ field: 'body', message: `is not valid JSON (${reason})` });
  }
}
