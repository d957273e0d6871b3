import { DomainError, DomainErrorCode } from '@jiazheng/sync/domain';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './hub-accounts';
import { reportLevelSchema } from './order-report';
import { reportScheduleSchema } from './report-mail';

/** The environment variables the hub reads; errors name them so an operator knows what to fix. */
export const HubEnv = {
  host: 'JZ_HUB_HOST',
  port: 'JZ_HUB_PORT',
  dataDir: 'JZ_HUB_DATA_DIR',
  databaseUrl: 'JZ_HUB_DATABASE_URL',
  redisUrl: 'JZ_HUB_REDIS_URL',
  adminToken: 'JZ_HUB_ADMIN_TOKEN',
  identityKey: 'JZ_HUB_IDENTITY_KEY',
  trustedProxies: 'JZ_HUB_TRUSTED_PROXIES',
  bootstrapAdminPassword: 'JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD',
  smtpUrl: 'JZ_HUB_SMTP_URL',
  mailFrom: 'JZ_HUB_MAIL_FROM',
  reportRecipients: 'JZ_HUB_REPORT_RECIPIENTS',
  reportSchedule: 'JZ_HUB_REPORT_SCHEDULE',
  reportLevel: 'JZ_HUB_REPORT_LEVEL',
} as const;
/**
 * The conventional name hosting platforms set: read when `JZ_HUB_DATABASE_URL` is unset (the hub's own name
 * wins when both are set, so a platform's database cannot silently replace the one an operator chose).
 */
export const DATABASE_URL_ENV = 'DATABASE_URL';
export type HubEnv = (typeof HubEnv)[keyof typeof HubEnv];

/** Loopback by default: exposing the hub is a deliberate choice (`JZ_HUB_HOST=0.0.0.0`), never an accident. */
export const DEFAULT_HUB_HOST = '127.0.0.1';
export const DEFAULT_HUB_PORT = 8090;
export const DEFAULT_HUB_DATA_DIR = './data/hub';
/** Shorter tokens are guessable over a WAN; the generated one is 32 characters. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

const hostSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/,
    'must be a host name or an IP address, e.g. 127.0.0.1 or 0.0.0.0',
  );

// A strict digit pattern refuses "8090abc", "0x1F9A" and "1e3", which Number() would quietly accept.
const portSchema = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535')
  .transform(Number)
  .pipe(z.number().max(65535, 'must be a whole number from 0 to 65535'));

const dataDirSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(1024, 'must be at most 1024 characters')
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
  .refine((dir) => !/[\u0000-\u001f\u007f]/.test(dir), 'must not contain control characters');

const databaseUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .regex(/^postgres(?:ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// connection URL');

const redisUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL');

/** Printable ASCII without spaces: it travels in an Authorization header and in shell scripts. */
export const adminTokenSchema = z
  .string()
  .trim()
  .min(MIN_ADMIN_TOKEN_LENGTH, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`)
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/** 32 bytes in base64: the AES-256 key the workers' identity numbers are sealed with. */
export const identityKeySchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9+/]{43}=$/,
    'must be 32 bytes in base64 (44 characters), e.g. from `openssl rand -base64 32`',
  );

// Written as a peer's socket shows it: 203.0.113.5, ::1, 2001:db8::1 (no ranges: a proxy is a known machine).
const ipAddressSchema = z
  .string()
  .regex(
    /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/,
    'must be IP addresses separated by commas, e.g. 127.0.0.1,::1',
  );

/**
 * The reverse proxies allowed to say who the client is (X-Forwarded-For). Anyone can send that header, so it
 * counts only when the socket's peer is one of these; unset, the peer itself is the client.
 */
const trustedProxiesSchema = z
  .string()
  .max(2000, 'must be at most 2000 characters')
  .transform((list) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(z.array(ipAddressSchema).min(1, 'must list at least one IP address').max(50));

/** The first administrator's password: the same floor as every account's (hub-accounts.ts). */
const bootstrapAdminPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'must be at most 200 characters');

const smtpUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .regex(
    /^smtps?:\/\/\S+$/,
    'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.cn:587',
  );

/** A department's mailbox: a bare address, so nothing but an address reaches the mail headers. */
const mailboxSchema = z.email('must be e-mail addresses separated by commas, e.g. stats@example.gov.cn');

const recipientsSchema = z
  .string()
  .max(4000, 'must be at most 4000 characters')
  .transform((list) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(
    z.array(mailboxSchema).min(1, 'must list at least one address').max(50, 'must list at most 50 addresses'),
  );

export const hubConfigSchema = z
  .strictObject({
    host: hostSchema.default(DEFAULT_HUB_HOST),
    port: portSchema.default(DEFAULT_HUB_PORT),
    dataDir: dataDirSchema.default(DEFAULT_HUB_DATA_DIR),
    /** Unset: the records live in embedded PGlite under the data directory. */
    databaseUrl: databaseUrlSchema.optional(),
    /** Several hub processes on one PostgreSQL: Redis carries each one's changes to the others' peers. */
    redisUrl: redisUrlSchema.optional(),
    /** Unset: the hub makes one at first start and keeps it in the data directory. */
    adminToken: adminTokenSchema.optional(),
    /**
     * Unset: the hub makes one at first start and keeps it in the data directory. Several hub processes on
     * one PostgreSQL need the same key: set it on each.
     */
    identityKey: identityKeySchema.optional(),
    /** Unset: X-Forwarded-For is ignored (the website's form limits key on the socket's peer). */
    trustedProxies: trustedProxiesSchema.optional(),
    /** Used once, when the hub has no account yet, to create `admin`; ignored afterwards. */
    bootstrapAdminPassword: bootstrapAdminPasswordSchema.optional(),
    /** Unset: no scheduled report is mailed. Set: JZ_HUB_MAIL_FROM and JZ_HUB_REPORT_RECIPIENTS are required. */
    smtpUrl: smtpUrlSchema.optional(),
    mailFrom: mailboxSchema.optional(),
    reportRecipients: recipientsSchema.optional(),
    reportSchedule: reportScheduleSchema.default('monthly'),
    /** The rows of the mailed report: every province by default. */
    reportLevel: reportLevelSchema.default('province'),
  })
  .superRefine((config, ctx) => {
    if (config.redisUrl !== undefined && config.databaseUrl === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['redisUrl'],
        message: `is for several hub processes on one PostgreSQL: set ${HubEnv.databaseUrl} too (PGlite belongs to one process)`,
      });
    if (config.smtpUrl === undefined) {
      if (config.reportRecipients !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['smtpUrl'],
          message: `must be set to mail the report to ${HubEnv.reportRecipients}`,
        });
      return;
    }
    if (config.mailFrom === undefined)
      ctx.addIssue({ code: 'custom', path: ['mailFrom'], message: `must be set when ${HubEnv.smtpUrl} is` });
    if (config.reportRecipients === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['reportRecipients'],
        message: `must be set when ${HubEnv.smtpUrl} is`,
      });
  });
export type HubConfig = z.infer<typeof hubConfigSchema>;

const envByKey: Readonly<Record<keyof HubConfig, HubEnv>> = {
  host: HubEnv.host,
  port: HubEnv.port,
  dataDir: HubEnv.dataDir,
  databaseUrl: HubEnv.databaseUrl,
  redisUrl: HubEnv.redisUrl,
  adminToken: HubEnv.adminToken,
  identityKey: HubEnv.identityKey,
  trustedProxies: HubEnv.trustedProxies,
  bootstrapAdminPassword: HubEnv.bootstrapAdminPassword,
  smtpUrl: HubEnv.smtpUrl,
  mailFrom: HubEnv.mailFrom,
  reportRecipients: HubEnv.reportRecipients,
  reportSchedule: HubEnv.reportSchedule,
  reportLevel: HubEnv.reportLevel,
};

/** Variables whose value must never be echoed back in an error message. */
const secretKeys: ReadonlySet<string> = new Set([
  'databaseUrl',
  'redisUrl',
  'adminToken',
  'identityKey',
  'bootstrapAdminPassword',
  'smtpUrl',
]);

/**
 * Reads the hub's configuration from environment variables (`process.env`, or a plain record in tests).
 * Empty counts as unset. Throws a DomainError (`invalid_input`) whose `field` is the offending variable.
 */
export function parseHubConfig(options: { env: Readonly<Record<string, string | undefined>> }): HubConfig {
  const input: Record<string, string> = {};
  const fields: Record<string, string> = {};
  for (const [key, name] of Object.entries(envByKey)) {
    const value = options.env[name];
    if (value !== undefined && value.trim() !== '') {
      input[key] = value;
      fields[key] = name;
    }
  }
  const fallbackUrl = options.env[DATABASE_URL_ENV];
  if (input.databaseUrl === undefined && fallbackUrl !== undefined && fallbackUrl.trim() !== '') {
    input.databaseUrl = fallbackUrl;
    fields.databaseUrl = DATABASE_URL_ENV;
  }
  const parsed = hubConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  const known = typeof key === 'string' && key in envByKey ? (key as keyof HubConfig) : undefined;
  const field = known === undefined ? 'env' : (fields[known] ?? envByKey[known]);
  const value = known === undefined || secretKeys.has(known) ? undefined : input[known];
  throw new DomainError({
    code: DomainErrorCode.invalidInput,
    field,
    message: `${field}${value === undefined ? '' : `=${JSON.stringify(value.slice(0, 40))}`}: ${issue?.message ?? 'invalid'}`,
  });
}
