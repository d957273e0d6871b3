import {
  DomainError,
  DomainErrorCode,
  formatRegionName,
  regionAreaCode,
  validateCountyCode,
} from '@jiazheng/sync/domain';
import { z } from 'zod';

/** The environment variables the appliance reads; errors name them so an operator knows what to fix. */
export const ApplianceEnv = {
  county: 'COUNTY',
  host: 'HTTP_HOST',
  port: 'HTTP_PORT',
  dataDir: 'DATA_DIR',
  hubUrl: 'HUB_URL',
  hubAdminToken: 'HUB_ADMIN_TOKEN',
  adminToken: 'ADMIN_TOKEN',
  hubReconnectMaxMs: 'HUB_RECONNECT_MAX_MS',
  eslHost: 'ESL_HOST',
  eslPort: 'ESL_PORT',
  eslPassword: 'ESL_PASSWORD',
  recordingsDir: 'RECORDINGS_DIR',
  bootstrapAdminPassword: 'BOOTSTRAP_ADMIN_PASSWORD',
  simulatorScenario: 'SIMULATOR_SCENARIO',
  provisioningFile: 'PROVISIONING_FILE',
  httpsPort: 'HTTPS_PORT',
  tlsCertFile: 'TLS_CERT_FILE',
  tlsKeyFile: 'TLS_KEY_FILE',
  tlsCaFile: 'TLS_CA_FILE',
  smsWebhookToken: 'SMS_WEBHOOK_TOKEN',
  smsGatewayUrl: 'SMS_GATEWAY_URL',
  smsGatewayToken: 'SMS_GATEWAY_TOKEN',
  smsGatewayFrom: 'SMS_GATEWAY_FROM',
  smsSwitchFrom: 'SMS_SWITCH_FROM',
  smsSwitchTo: 'SMS_SWITCH_TO',
  pwaDir: 'PWA_DIR',
} as const;
/** Names a JSON file of settings, read before the environment (which wins). */
export const CONFIG_FILE_ENV = 'CONFIG_FILE';
export type ApplianceEnv = (typeof ApplianceEnv)[keyof typeof ApplianceEnv];

/** 杭州市西湖区: the pilot county, so a developer's `npm start` needs no setup. */
export const DEFAULT_COUNTY_CODE = '330106';
/** Loopback by default: serving the LAN is a deliberate choice (`HTTP_HOST=0.0.0.0`), never an accident. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
/** The longest wait between attempts to reach the hub; jitter spreads the counties' reconnects below it. */
export const DEFAULT_HUB_RECONNECT_MAX_MS = 30_000;
/** Where HTTPS listens when a certificate is configured. */
export const DEFAULT_HTTPS_PORT = 8443;
/** FreeSWITCH's Event Socket port. */
export const DEFAULT_ESL_PORT = 8021;
/** FreeSWITCH's shipped password: refused for a real switch, where it would let anyone on the LAN in. */
export const FREESWITCH_DEFAULT_ESL_PASSWORD = 'ClueCon';
/** Shorter tokens are guessable over a WAN. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

const MAX_HOST_LENGTH = 253;
const MAX_DATA_DIR_LENGTH = 1024;

const countySchema = z
  .string()
  .trim()
  .transform((code, ctx) => {
    const result = validateCountyCode({ code });
    if (!result.ok) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a county-level GB/T 2260 code such as ${DEFAULT_COUNTY_CODE}: ${result.error.message.replace(/^code: /, '')}`,
      });
      return z.NEVER;
    }
    // About a hundred counties have no entry in the area-code table; they still run, but a bare local
    // caller ID cannot then be completed, so callers must send the area code.
    return {
      code: result.value.code,
      name: formatRegionName({ code: result.value.code }),
      areaCode: regionAreaCode({ code: result.value.code }) ?? null,
    };
  });

// Host names and IPv4/IPv6 literals only: the value ends up in a URL printed to operators and in listen().
const hostSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_HOST_LENGTH, `must be at most ${MAX_HOST_LENGTH} characters`)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/,
    'must be a host name or an IP address, e.g. 127.0.0.1 or 0.0.0.0',
  );

// Environment variables are strings; a strict digit pattern refuses "8080abc", "0x1F90" and "1e3",
// which Number() would quietly accept.
const portSchema = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^\d{1,5}$/, 'must be a whole number from 0 to 65535'),
  ])
  .transform(Number)
  .pipe(
    z
      .number()
      .int('must be a whole number from 0 to 65535')
      .min(0, 'must be a whole number from 0 to 65535')
      .max(65535, 'must be a whole number from 0 to 65535'),
  );

const dataDirSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_DATA_DIR_LENGTH, `must be at most ${MAX_DATA_DIR_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
  .refine((dir) => !/[\u0000-\u001f\u007f]/.test(dir), 'must not contain control characters');

// Where the hub is: http(s) only, no credentials (the admin token travels in a header), no query or fragment.
const hubUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a URL such as http://hub.example:8090' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
      return z.NEVER;
    }
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials, a query or a fragment' });
      return z.NEVER;
    }
    // Without the trailing slash, so paths can be appended as `${url}/sync`.
    return url.toString().replace(/\/+$/, '');
  });

/** Printable ASCII without spaces: it travels in an Authorization header. */
const adminTokenSchema = z
  .string()
  .trim()
  .min(MIN_ADMIN_TOKEN_LENGTH, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`)
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const smsGatewayUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a URL such as https://sms.carrier.example/v1/send' });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must start with http:// or https://' });
      return z.NEVER;
    }
    // The token travels in a header; credentials in the URL would end up in logs.
    if (url.username !== '' || url.password !== '' || url.hash !== '') {
      ctx.addIssue({ code: 'custom', message: 'must not carry credentials or a fragment' });
      return z.NEVER;
    }
    return url.toString();
  });
const smsGatewayTokenSchema = z
  .string()
  .trim()
  .min(8, 'must be at least 8 characters')
  .max(500, 'must be at most 500 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const smsSenderIdSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z]{1,20}$/, 'must be 1–20 letters or digits, e.g. 12345');
// Fields of `api chat`: a |, quote, backslash or space would change the command.
const smsSwitchFromSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9+_.~-]{1,64}(?:@[A-Za-z0-9.:-]{1,200})?$/,
    'must be user@host, e.g. 12345@county.example',
  );
const smsSwitchToSchema = z
  .string()
  .trim()
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9+_.~!$*=,;:@/{}-]+$/, 'must be an address without spaces, quotes or |')
  .refine(
    (to) => to.includes('{number}'),
    'must contain {number}, e.g. external/{number}@sms.carrier.example',
  );

const reconnectMaxSchema = z
  .string()
  .trim()
  .regex(/^\d{1,7}$/, 'must be a whole number of milliseconds')
  .transform(Number)
  .pipe(
    z.number().min(100, 'must be at least 100 ms').max(3_600_000, 'must be at most 3600000 ms (an hour)'),
  );

/**
 * The appliance's configuration. Input keys are optional and take the documented defaults; the output is
 * fully resolved, with the county's display name and area code derived once here rather than at every use.
 */
export const applianceConfigSchema = z
  .strictObject({
    // prefault, not default: the default code must go through the same lookup to get its name.
    countyCode: countySchema.prefault(DEFAULT_COUNTY_CODE),
    host: hostSchema.default(DEFAULT_HOST),
    port: portSchema.default(DEFAULT_PORT),
    /** The record store (PGlite) and the device key live here; recordings will too. */
    dataDir: dataDirSchema.optional(),
    /** Unset: the appliance runs alone, serving its county without a hub. */
    hubUrl: hubUrlSchema.optional(),
    /** Used once, to enrol this appliance at the hub; also accepted on the admin endpoints. */
    hubAdminToken: adminTokenSchema.optional(),
    /** The admin endpoints' own token (takes precedence over the hub's). */
    adminToken: adminTokenSchema.optional(),
    hubReconnectMaxMs: reconnectMaxSchema.optional(),
    /** A real FreeSWITCH; unset, the appliance starts its switch simulator (and says so everywhere). */
    eslHost: hostSchema.optional(),
    eslPort: portSchema.optional(),
    eslPassword: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(128, 'must be at most 128 characters')
      .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
      .optional(),
    /** Where the switch writes recordings; `$DATA_DIR/recordings` by default. */
    recordingsDir: dataDirSchema.optional(),
    bootstrapAdminPassword: z
      .string()
      .min(10, 'must be at least 10 characters')
      .max(256, 'must be at most 256 characters')
      .optional(),
    /** A scenario file for the simulator (demo and training calls); only without ESL_HOST. */
    simulatorScenario: dataDirSchema.optional(),
    /** The county's provisioning file (firmware-config): queues, seats and the routing table. */
    provisioningFile: dataDirSchema.optional(),
    /**
     * The county certificate (firmware-config issue-cert): with it the appliance serves HTTPS and WSS on
     * HTTPS_PORT, and its plain HTTP port only redirects (and hands out the county root at /ca.crt).
     */
    httpsPort: portSchema.optional(),
    tlsCertFile: dataDirSchema.optional(),
    tlsKeyFile: dataDirSchema.optional(),
    tlsCaFile: dataDirSchema.optional(),
    /** Unset: the carrier webhook (POST /api/sms/inbound) is off. */
    smsWebhookToken: adminTokenSchema.optional(),
    smsGatewayUrl: smsGatewayUrlSchema.optional(),
    smsGatewayToken: smsGatewayTokenSchema.optional(),
    smsGatewayFrom: smsSenderIdSchema.optional(),
    smsSwitchFrom: smsSwitchFromSchema.optional(),
    smsSwitchTo: smsSwitchToSchema.optional(),
    /** The built PWA to serve at `/`; by default pwa/build of this repository when it exists. */
    pwaDir: dataDirSchema.optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.tlsCertFile === undefined) !== (input.tlsKeyFile === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [input.tlsCertFile === undefined ? 'tlsCertFile' : 'tlsKeyFile'],
        message: 'TLS_CERT_FILE and TLS_KEY_FILE go together',
      });
    }
    if ((input.smsGatewayUrl === undefined) !== (input.smsGatewayToken === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [input.smsGatewayUrl === undefined ? 'smsGatewayUrl' : 'smsGatewayToken'],
        message: 'SMS_GATEWAY_URL and SMS_GATEWAY_TOKEN go together',
      });
    }
    if ((input.smsSwitchFrom === undefined) !== (input.smsSwitchTo === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [input.smsSwitchFrom === undefined ? 'smsSwitchFrom' : 'smsSwitchTo'],
        message: 'SMS_SWITCH_FROM and SMS_SWITCH_TO go together',
      });
    }
    if (input.eslHost === undefined) return;
    if (input.eslPassword === undefined || input.eslPassword === FREESWITCH_DEFAULT_ESL_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['eslPassword'],
        message: `must be set, and not FreeSWITCH's default ${FREESWITCH_DEFAULT_ESL_PASSWORD}, when ESL_HOST is`,
      });
    }
    if (input.simulatorScenario !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['simulatorScenario'],
        message: 'is for the switch simulator, which does not run when ESL_HOST names a real switch',
      });
    }
  })
  .transform(
    ({
      countyCode: county,
      host,
      port,
      dataDir: givenDataDir,
      hubUrl,
      hubAdminToken,
      adminToken,
      hubReconnectMaxMs,
      eslHost,
      eslPort,
      eslPassword,
      recordingsDir,
      bootstrapAdminPassword,
      simulatorScenario,
      provisioningFile,
      httpsPort,
      tlsCertFile,
      tlsKeyFile,
      tlsCaFile,
      smsWebhookToken,
      smsGatewayUrl,
      smsGatewayToken,
      smsGatewayFrom,
      smsSwitchFrom,
      smsSwitchTo,
      pwaDir,
    }) => {
      const dataDir = givenDataDir ?? `./data/${county.code}`;
      return {
        county,
        host,
        port,
        dataDir,
        recordingsDir: recordingsDir ?? `${dataDir}/recordings`,
        switch:
          eslHost === undefined
            ? ({ kind: 'simulator', scenario: simulatorScenario } as const)
            : ({
                kind: 'freeswitch',
                host: eslHost,
                port: eslPort ?? DEFAULT_ESL_PORT,
                password: eslPassword ?? '',
              } as const),
        bootstrapAdminPassword,
        provisioningFile,
        pwaDir,
        sms: {
          webhookToken: smsWebhookToken,
          gateway:
            smsGatewayUrl === undefined || smsGatewayToken === undefined
              ? undefined
              : { url: smsGatewayUrl, token: smsGatewayToken, from: smsGatewayFrom },
          switch:
            smsSwitchFrom === undefined || smsSwitchTo === undefined
              ? undefined
              : { from: smsSwitchFrom, to: smsSwitchTo },
          // A MESSAGE from one of our own numbers is an echo of a reply, never a demand.
          ownNumbers: [smsGatewayFrom, smsSwitchFrom?.split('@')[0]].filter(
            (n): n is string => n !== undefined && n !== '',
          ),
        },
        tls:
          tlsCertFile === undefined || tlsKeyFile === undefined
            ? undefined
            : {
                port: httpsPort ?? DEFAULT_HTTPS_PORT,
                certFile: tlsCertFile,
                keyFile: tlsKeyFile,
                caFile: tlsCaFile,
              },
        hub:
          hubUrl === undefined
            ? undefined
            : {
                url: hubUrl,
                adminToken: hubAdminToken,
                reconnectMaxMs: hubReconnectMaxMs ?? DEFAULT_HUB_RECONNECT_MAX_MS,
              },
        adminToken: adminToken ?? hubAdminToken,
      };
    },
  );
export type ApplianceConfigInput = z.input<typeof applianceConfigSchema>;
export type ApplianceConfig = z.infer<typeof applianceConfigSchema>;
export type County = ApplianceConfig['county'];

const envByKey: Readonly<Record<keyof ApplianceConfigInput, ApplianceEnv>> = {
  countyCode: ApplianceEnv.county,
  host: ApplianceEnv.host,
  port: ApplianceEnv.port,
  dataDir: ApplianceEnv.dataDir,
  hubUrl: ApplianceEnv.hubUrl,
  hubAdminToken: ApplianceEnv.hubAdminToken,
  adminToken: ApplianceEnv.adminToken,
  hubReconnectMaxMs: ApplianceEnv.hubReconnectMaxMs,
  eslHost: ApplianceEnv.eslHost,
  eslPort: ApplianceEnv.eslPort,
  eslPassword: ApplianceEnv.eslPassword,
  recordingsDir: ApplianceEnv.recordingsDir,
  bootstrapAdminPassword: ApplianceEnv.bootstrapAdminPassword,
  simulatorScenario: ApplianceEnv.simulatorScenario,
  provisioningFile: ApplianceEnv.provisioningFile,
  httpsPort: ApplianceEnv.httpsPort,
  tlsCertFile: ApplianceEnv.tlsCertFile,
  tlsKeyFile: ApplianceEnv.tlsKeyFile,
  tlsCaFile: ApplianceEnv.tlsCaFile,
  smsWebhookToken: ApplianceEnv.smsWebhookToken,
  smsGatewayUrl: ApplianceEnv.smsGatewayUrl,
  smsGatewayToken: ApplianceEnv.smsGatewayToken,
  smsGatewayFrom: ApplianceEnv.smsGatewayFrom,
  smsSwitchFrom: ApplianceEnv.smsSwitchFrom,
  smsSwitchTo: ApplianceEnv.smsSwitchTo,
  pwaDir: ApplianceEnv.pwaDir,
};

/** Variables whose value must never be echoed back in an error message. */
const secretKeys: ReadonlySet<string> = new Set([
  'smsWebhookToken',
  'smsGatewayToken',
  'hubAdminToken',
  'adminToken',
  'eslPassword',
  'bootstrapAdminPassword',
]);

/** Empty counts as unset, as in `${HTTP_PORT:-8080}`, so `HTTP_PORT=` in a unit file does not break start-up. */
function readVariable(
  env: Readonly<Record<string, string | undefined>>,
  name: ApplianceEnv,
): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Reads the configuration from environment variables (`process.env`, or a plain record in tests), over the
 * settings of a configuration file (`CONFIG_FILE`: a JSON object with the same names, e.g.
 * `{"COUNTY": "330106", "ESL_HOST": "127.0.0.1"}`); the environment wins. Throws a DomainError
 * (`invalid_input`) whose `field` is the offending variable, e.g. `HTTP_PORT`.
 */
export function parseApplianceConfig(options: {
  env: Readonly<Record<string, string | undefined>>;
  file?: Readonly<Record<string, unknown>> | undefined;
}): ApplianceConfig {
  const input: Record<string, string> = {};
  const known = new Set<string>(Object.values(envByKey));
  for (const [name, value] of Object.entries(options.file ?? {})) {
    if (!known.has(name)) {
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: name.slice(0, 40),
        message: `${name.slice(0, 40)}: not a setting of the appliance (known: ${[...known].join(', ')})`,
      });
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new DomainError({
        code: DomainErrorCode.invalidInput,
        field: name,
        message: `${name}: must be a string or a number in the configuration file`,
      });
    }
  }
  for (const [key, name] of Object.entries(envByKey)) {
    const fromFile = options.file?.[name] as string | number | undefined; // checked above
    const value = readVariable(options.env, name) ?? (fromFile === undefined ? undefined : String(fromFile));
    if (value !== undefined) input[key] = value;
  }
  const parsed = applianceConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = issue?.path[0];
  const field = typeof key === 'string' && key in envByKey ? envByKey[key as keyof typeof envByKey] : 'env';
  const value = typeof key === 'string' && !secretKeys.has(key) ? input[key] : undefined;
  throw new DomainError({
    code: DomainErrorCode.invalidInput,
    field,
    message: `${field}${value === undefined ? '' : `=${JSON.stringify(truncate(value))}`}: ${issue?.message ?? 'invalid'}`,
  });
}

// A hostile or mistaken value could be huge; the message only needs enough to recognise it.
function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
