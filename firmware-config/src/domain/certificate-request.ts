import { DomainError, DomainErrorCode, formatRegionName, validateCountyCode } from '@jiazheng/sync/domain';
import { z } from 'zod';

/**
 * What a county certificate is issued for. Browsers grant service workers and WebCrypto only to secure
 * contexts, so the appliance serves its PWA over HTTPS on the LAN with a certificate from the county's own
 * root, which technicians install on every seat.
 */

/** Apple and the browsers refuse TLS server certificates valid for longer than this (398 days, minus one). */
export const MAX_SERVER_CERTIFICATE_DAYS = 397;
/** A root outlives many server certificates; re-issuing one means visiting every seat again. */
export const CA_VALID_YEARS = 10;
export const ORGANISATION_NAME = '家政服务网络';

const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

const hostnamesSchema = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(DNS_NAME, 'must be a DNS name such as jz-330106 or jz-330106.lan (no wildcards)'),
  )
  .min(1, 'must list at least one host name');

const ipAddressesSchema = z
  .array(z.union([z.string().regex(IPV4), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' }))
  .default([]);

const validDaysSchema = z
  .number()
  .int('must be a whole number of days')
  .min(1, 'must be at least 1')
  .max(MAX_SERVER_CERTIFICATE_DAYS, `must be at most ${MAX_SERVER_CERTIFICATE_DAYS} (browsers refuse longer)`)
  .default(MAX_SERVER_CERTIFICATE_DAYS);

const countySchema = z.string().superRefine((code, ctx) => {
  const result = validateCountyCode({ code });
  if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error.message.replace(/^code: /, '') });
});

export const countyCertificatesRequestSchema = z.strictObject({
  county: countySchema,
  hostnames: hostnamesSchema,
  ipAddresses: ipAddressesSchema,
  now: z.date().optional(),
  validDays: validDaysSchema,
});
export type CountyCertificatesRequest = z.input<typeof countyCertificatesRequestSchema>;

const PEM = /-----BEGIN [A-Z ]+-----[\s\S]+-----END [A-Z ]+-----/;

export const serverCertificateRequestSchema = z.strictObject({
  caCertPem: z.string().regex(PEM, 'must be a PEM certificate (-----BEGIN CERTIFICATE-----)'),
  caKeyPem: z.string().regex(PEM, 'must be a PEM private key (-----BEGIN PRIVATE KEY-----)'),
  hostnames: hostnamesSchema,
  ipAddresses: ipAddressesSchema,
  now: z.date().optional(),
  validDays: validDaysSchema,
});
export type ServerCertificateRequest = z.input<typeof serverCertificateRequestSchema>;

/** Validates like parseInput does, but reports every problem (a technician fixes them all at once). */
export function parseCertificateRequest<S extends z.ZodType>(options: {
  schema: S;
  input: unknown;
}): z.output<S> {
  const parsed = options.schema.safeParse(options.input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `${issue.path.length === 0 ? 'request' : issue.path.map(String).join('.')}: ${issue.message}`,
  );
  throw new DomainError({
    code: DomainErrorCode.invalidInput,
    field: parsed.error.issues[0]?.path.map(String).join('.'),
    message: lines.join('\n'),
  });
}

/** `家政服务网络 浙江省杭州市西湖区 根证书`: what a technician sees in the seat's certificate store. */
export function countyRootCommonName(options: { county: string }): string {
  return `${ORGANISATION_NAME} ${formatRegionName({ code: options.county })} 根证书`;
}
