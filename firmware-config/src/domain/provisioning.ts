import { areaCodeSchema, DomainError, DomainErrorCode, validateCountyCode } from '@jiazheng/sync/domain';
import { z } from 'zod';
import { containsClueCon, isKnownDefaultPassword } from './default-passwords';

/**
 * The provisioning file: everything that differs between two county appliances, in one JSON document per
 * county. Everything FreeSWITCH needs is rendered from it, so a field that is wrong here is wrong on the
 * switch: the schema refuses what would render into an insecure or broken configuration, naming the field.
 */

/** Codecs the appliance can offer; each maps to the module that provides it (render.ts). */
export const Codec = { PCMA: 'PCMA', PCMU: 'PCMU', G722: 'G722', G729: 'G729', OPUS: 'OPUS' } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

/** mod_callcenter's queue strategies, spelled as its configuration spells them. */
export const QueueStrategy = {
  ringAll: 'ring-all',
  longestIdleAgent: 'longest-idle-agent',
  roundRobin: 'round-robin',
  topDown: 'top-down',
  agentWithLeastTalkTime: 'agent-with-least-talk-time',
  agentWithFewestCalls: 'agent-with-fewest-calls',
  sequentiallyByAgentOrder: 'sequentially-by-agent-order',
  random: 'random',
  ringProgressively: 'ring-progressively',
} as const;
export type QueueStrategy = (typeof QueueStrategy)[keyof typeof QueueStrategy];

/** Where the event socket listens: only the appliance itself, or its LAN address (still behind the ACL). */
export const EslListen = { loopback: 'loopback', lan: 'lan' } as const;
export type EslListen = (typeof EslListen)[keyof typeof EslListen];

/**
 * Numbers a seat dials to reach emergency and public services (110, 119, 120, 122, 12345, 95xxx, 400…).
 * An extension that looked like one would swallow the call instead of letting it reach the carrier.
 */
export const SERVICE_NUMBER_PATTERN = '1[0-2][0-9]|1[0-2][0-9]{3}|9[56][0-9]{3,4}|[48]00[0-9]{7}';
const SERVICE_NUMBER = new RegExp(`^(?:${SERVICE_NUMBER_PATTERN})$`);

const DOLLAR_BRACE = '${';

/** FreeSWITCH expands `${…}` (and `$${…}` at load time) wherever a value lands, so no text may carry one. */
function hasNoExpansion(value: string): boolean {
  return !value.includes(DOLLAR_BRACE);
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F]/;

function textSchema(options: { max: number }) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(options.max, `must be at most ${options.max} characters`)
    .refine((value) => !CONTROL.test(value), 'must not contain line breaks, tabs or other control characters')
    .refine(hasNoExpansion, "must not contain '${' (FreeSWITCH would expand it as a variable)");
}

/**
 * A password FreeSWITCH compares or sends in SIP digest. Printable ASCII only: phones differ in how they
 * encode anything else, and an ESL `auth` line ends at the first space.
 */
function secretSchema(options: { min: number }) {
  return z
    .string()
    .min(options.min, `must be at least ${options.min} characters`)
    .max(128, 'must be at most 128 characters')
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .refine((value) => !isKnownDefaultPassword({ password: value }), 'is a well-known default password')
    .refine((value) => !containsClueCon({ text: value }), 'must not contain ClueCon (the FreeSWITCH default)')
    .refine((value) => new Set(value).size >= Math.min(4, value.length), 'is too repetitive to be a password')
    .refine(hasNoExpansion, "must not contain '${' (FreeSWITCH would expand it as a variable)");
}

const countyCodeSchema = z.string().superRefine((code, ctx) => {
  const result = validateCountyCode({ code });
  if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error.message.replace(/^code: /, '') });
});

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

const hostNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(HOST_NAME, 'must be a host name such as jz-330106 or jz-330106.lan (letters, digits, "-" and ".")');

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

const ipv4Schema = z.string().trim().regex(IPV4, 'must be an IPv4 address such as 192.168.10.2');

const MIN_CIDR_PREFIX = 8;

const cidrSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const [address, prefix, extra] = value.split('/');
    if (address === undefined || !IPV4.test(address) || prefix === undefined || extra !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be an IPv4 network such as 192.168.10.0/24' });
    } else if (!/^(?:\d|[12]\d|3[0-2])$/.test(prefix)) {
      ctx.addIssue({ code: 'custom', message: 'must have a prefix length from 0 to 32' });
    } else if (Number(prefix) < MIN_CIDR_PREFIX) {
      ctx.addIssue({
        code: 'custom',
        message: `must not be wider than /${MIN_CIDR_PREFIX} (a wider list would let most of the internet in)`,
      });
    }
  });

/** `host` or `host:port`, the host a name or an IPv4 address. */
export function parseHostPort(options: { value: string }): { host: string; port?: number } | undefined {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(options.value);
  const host = match?.[1];
  if (host === undefined || !(IPV4.test(host) || HOST_NAME.test(host))) return undefined;
  if (match?.[2] === undefined) return { host };
  const port = Number(match[2]);
  return port >= 1 && port <= 65_535 ? { host, port } : undefined;
}

const proxySchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine(
    (value) => parseHostPort({ value }) !== undefined,
    'must be host or host:port, e.g. 10.20.30.40:5060 or sip.carrier.example.cn',
  );

const digitsSchema = (options: { min: number; max: number; example: string }) =>
  z
    .string()
    .trim()
    .regex(
      new RegExp(`^\\d{${options.min},${options.max}}$`),
      `must be ${options.min}–${options.max} digits, e.g. ${options.example}`,
    );

const queueNameSchema = z
  .string()
  .regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and "-", e.g. county-330106')
  .max(40, 'must be at most 40 characters');

const secondsSchema = (options: { max: number }) =>
  z
    .number()
    .int('must be a whole number of seconds')
    .min(0, 'must not be negative')
    .max(options.max, `must be at most ${options.max}`);

/** A prompt or stream FreeSWITCH plays: a path, `local_stream://…` or `tone_stream://…`, nothing to expand. */
const soundSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[A-Za-z0-9_./:@%(),;=+-]+$/, 'must be a file path or a local_stream:// or tone_stream:// URL')
  .refine((value) => !value.split('/').includes('..'), 'must not contain ".."');

const recordingsDirSchema = z
  .string()
  .trim()
  .regex(/^(?:\/[A-Za-z0-9_.-]+)+\/?$/, 'must be an absolute path such as /var/lib/jiazheng/recordings')
  .refine((value) => !value.split('/').includes('..'), 'must not contain ".."')
  .transform((value) => value.replace(/\/+$/, ''));

const carrierSchema = z.strictObject({
  /** A label for people; the gateway FreeSWITCH dials is always called `carrier`. */
  name: textSchema({ max: 64 }),
  proxy: proxySchema,
  username: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .refine(hasNoExpansion, "must not contain '${' (FreeSWITCH would expand it as a variable)"),
  password: secretSchema({ min: 4 }),
  register: z.boolean().default(true),
  /** National numbers the carrier delivers to this appliance, e.g. 057188012345. */
  dids: z
    .array(digitsSchema({ min: 5, max: 15, example: '057188012345' }))
    .min(1, 'must list at least one DID'),
  /** Where the carrier's signalling comes from; required when `proxy` is a name (an ACL holds no names). */
  signallingCidrs: z.array(cidrSchema).min(1, 'must list at least one network').optional(),
  /** The number seats present on outbound calls; the first DID unless the carrier wants another. */
  outboundCallerId: digitsSchema({ min: 5, max: 15, example: '057188012345' }).optional(),
});

const queueSchema = z.strictObject({
  name: queueNameSchema,
  /** The county whose platform this queue serves (the caller's county routes here). */
  countyCode: countyCodeSchema,
  default: z.boolean().default(false),
  strategy: z
    .enum(QueueStrategy, { error: `must be one of ${Object.values(QueueStrategy).join(', ')}` })
    .default(QueueStrategy.longestIdleAgent),
  maxWaitTimeSeconds: secondsSchema({ max: 86_400 }).default(0),
  maxWaitTimeWithNoAgentSeconds: secondsSchema({ max: 86_400 }).default(120),
  discardAbandonedAfterSeconds: secondsSchema({ max: 86_400 }).default(60),
  mohSound: soundSchema.default('local_stream://moh'),
});

const seatSchema = z.strictObject({
  extension: z.string().regex(/^\d{3,6}$/, 'must be 3–6 digits, e.g. 1001'),
  password: secretSchema({ min: 10 }),
  /** Shown on the phone and as the caller name of internal calls. */
  name: textSchema({ max: 40 }),
  queues: z.array(queueNameSchema).default([]),
  wrapUpTimeSeconds: secondsSchema({ max: 3_600 }).default(10),
  maxNoAnswer: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(100, 'must be at most 100')
    .default(3),
});

const routingRuleSchema = z
  .strictObject({
    /** Fixed-line callers dialling in with this area code, e.g. 0571. */
    areaCode: areaCodeSchema.optional(),
    /** Callers whose national number starts with these digits, e.g. 1380571 (a mobile number block). */
    prefix: digitsSchema({ min: 1, max: 15, example: '1380571' }).optional(),
    queue: queueNameSchema,
  })
  .refine((rule) => (rule.areaCode === undefined) !== (rule.prefix === undefined), {
    message: 'give exactly one of areaCode or prefix',
  });

const provisioningObjectSchema = z.strictObject({
  county: countyCodeSchema,
  hostname: hostNameSchema,
  lanAddresses: z.array(ipv4Schema).min(1, 'must list at least one address'),
  lanCidrs: z.array(cidrSchema).min(1, 'must list at least one network'),
  sipDomain: hostNameSchema.optional(),
  codecs: z
    .array(z.enum(Codec, { error: `must be one of ${Object.values(Codec).join(', ')}` }))
    .min(1, 'must list at least one codec')
    .default([Codec.PCMA, Codec.PCMU, Codec.G722]),
  eslPassword: secretSchema({ min: 16 }),
  eslListen: z.enum(EslListen, { error: 'must be "loopback" or "lan"' }).default(EslListen.loopback),
  /** Replaces FreeSWITCH's stock `default_password` (1234), which nothing here uses. */
  directoryDefaultPassword: secretSchema({ min: 16 }),
  carrier: carrierSchema,
  queues: z.array(queueSchema).min(1, 'must list at least one queue'),
  seats: z.array(seatSchema).min(1, 'must list at least one seat'),
  routing: z.array(routingRuleSchema).default([]),
  recordingsDir: recordingsDirSchema.default('/var/lib/jiazheng/recordings'),
  greeting: soundSchema.default('jiazheng/greeting.wav'),
  routeTimeoutSeconds: z
    .number()
    .int('must be a whole number of seconds')
    .min(1, 'must be at least 1')
    .max(300, 'must be at most 300')
    .default(10),
});

type ProvisioningObject = z.infer<typeof provisioningObjectSchema>;
type CrossCheck = { path: (string | number)[]; message: string };

function firstIndexes<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const first = new Map<string, number>();
  items.forEach((item, index) => {
    if (!first.has(key(item))) first.set(key(item), index);
  });
  return first;
}

function duplicates<T>(
  items: readonly T[],
  key: (item: T) => string,
  report: (index: number, firstIndex: number) => void,
): void {
  const first = firstIndexes(items, key);
  items.forEach((item, index) => {
    const firstIndex = first.get(key(item));
    if (firstIndex !== undefined && firstIndex !== index) report(index, firstIndex);
  });
}

/** Rules that can never fire because an earlier rule takes every number they would. */
function shadowingRule(rules: ProvisioningObject['routing'], index: number): number | undefined {
  const rule = rules[index];
  if (rule === undefined) return undefined;
  const digits = rule.prefix ?? rule.areaCode ?? '';
  for (let earlier = 0; earlier < index; earlier++) {
    const other = rules[earlier];
    if (other?.prefix !== undefined && digits.startsWith(other.prefix)) return earlier;
    if (
      other?.areaCode !== undefined &&
      rule.areaCode !== undefined &&
      rule.areaCode.startsWith(other.areaCode)
    ) {
      return earlier;
    }
  }
  return undefined;
}

function crossCheck(p: ProvisioningObject): CrossCheck[] {
  const issues: CrossCheck[] = [];
  const queueNames = new Set(p.queues.map((queue) => queue.name));

  duplicates(
    p.queues,
    (queue) => queue.name,
    (index, first) =>
      issues.push({ path: ['queues', index, 'name'], message: `duplicates queues.${first}.name` }),
  );
  const defaults = p.queues.flatMap((queue, index) => (queue.default ? [index] : []));
  for (const index of defaults.slice(1)) {
    issues.push({
      path: ['queues', index, 'default'],
      message: `only one queue may be the default (queues.${defaults[0]} already is)`,
    });
  }

  duplicates(
    p.seats,
    (seat) => seat.extension,
    (index, first) =>
      issues.push({ path: ['seats', index, 'extension'], message: `duplicates seats.${first}.extension` }),
  );
  duplicates(
    p.seats,
    (seat) => seat.password,
    (index, first) =>
      issues.push({
        path: ['seats', index, 'password'],
        message: `is the same as seats.${first}.password; every seat needs its own`,
      }),
  );
  p.seats.forEach((seat, index) => {
    if (SERVICE_NUMBER.test(seat.extension)) {
      issues.push({
        path: ['seats', index, 'extension'],
        message: `${seat.extension} is an emergency or public service number; seats must be able to dial it`,
      });
    }
    if (seat.password.includes(seat.extension)) {
      issues.push({ path: ['seats', index, 'password'], message: 'must not contain the extension number' });
    }
    if (seat.password === p.eslPassword || seat.password === p.directoryDefaultPassword) {
      issues.push({
        path: ['seats', index, 'password'],
        message: 'must differ from eslPassword and directoryDefaultPassword',
      });
    }
    seat.queues.forEach((queue, queueIndex) => {
      if (!queueNames.has(queue)) {
        issues.push({ path: ['seats', index, 'queues', queueIndex], message: `no queue is named ${queue}` });
      }
    });
  });

  if (p.eslPassword === p.directoryDefaultPassword) {
    issues.push({ path: ['directoryDefaultPassword'], message: 'must differ from eslPassword' });
  }

  duplicates(
    p.carrier.dids,
    (did) => did,
    (index, first) =>
      issues.push({ path: ['carrier', 'dids', index], message: `duplicates carrier.dids.${first}` }),
  );
  const proxyHost = parseHostPort({ value: p.carrier.proxy })?.host;
  if (proxyHost !== undefined && !IPV4.test(proxyHost) && p.carrier.signallingCidrs === undefined) {
    issues.push({
      path: ['carrier', 'signallingCidrs'],
      message: `is required when carrier.proxy is a name (${proxyHost}): an ACL can only list addresses`,
    });
  }

  p.routing.forEach((rule, index) => {
    if (!queueNames.has(rule.queue)) {
      issues.push({ path: ['routing', index, 'queue'], message: `no queue is named ${rule.queue}` });
    }
    const shadow = shadowingRule(p.routing, index);
    if (shadow !== undefined) {
      issues.push({
        path: ['routing', index],
        message: `can never match: routing.${shadow} already takes every number it would`,
      });
    }
  });
  return issues;
}

export const provisioningSchema = provisioningObjectSchema
  .superRefine((value, ctx) => {
    for (const issue of crossCheck(value)) ctx.addIssue({ code: 'custom', ...issue });
  })
  .transform((value) => {
    const proxyHost = parseHostPort({ value: value.carrier.proxy })?.host ?? '';
    return {
      ...value,
      sipDomain: value.sipDomain ?? `${value.county}.jiazheng.local`,
      carrier: {
        ...value.carrier,
        signallingCidrs: value.carrier.signallingCidrs ?? [`${proxyHost}/32`],
        outboundCallerId: value.carrier.outboundCallerId ?? value.carrier.dids[0] ?? '',
      },
    };
  });

/** A validated provisioning file with every default filled in. Treat it as immutable. */
export type Provisioning = z.infer<typeof provisioningSchema>;
/** What a provisioning file may contain (defaults left out). */
export type ProvisioningInput = z.input<typeof provisioningSchema>;
export type Queue = Provisioning['queues'][number];
export type Seat = Provisioning['seats'][number];
export type RoutingRule = Provisioning['routing'][number];

export type ProvisioningIssue = { path: string; message: string };

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'provisioning' : path.map(String).join('.');
}

/** Every problem with `input`, each naming its field (`seats.2.password`); empty when it is valid. */
export function listProvisioningIssues(options: { input: unknown }): ProvisioningIssue[] {
  const parsed = provisioningSchema.safeParse(options.input);
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message:
          key === 'seatPasswordDefault'
            ? 'is not allowed: every seat has its own password (seats.N.password)'
            : 'is not a known field',
      }));
    }
    return [{ path: formatPath(issue.path), message: issue.message }];
  });
}

/** routeCall caches its router per provisioning object; freezing it means the cache can never go stale. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates a provisioning file and fills in the defaults. Throws an `invalid_input` DomainError whose
 * `field` is the first offending path and whose message lists every problem, one per line. The result is
 * deeply frozen.
 */
export function parseProvisioning(options: { input: unknown }): Provisioning {
  const parsed = provisioningSchema.safeParse(options.input);
  if (parsed.success) return deepFreeze(parsed.data);
  const issues = listProvisioningIssues(options);
  throw new DomainError({
    code: DomainErrorCode.invalidInput,
    field: issues[0]?.path,
    message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n'),
  });
}

/** The queue a call goes to when nothing else decides: the one marked `default`, else the first. */
export function findDefaultQueue(options: { provisioning: Provisioning }): Queue {
  const { queues } = options.provisioning;
  const queue = queues.find((candidate) => candidate.default) ?? queues[0];
  if (queue === undefined) throw new Error('provisioning has no queues');
  return queue;
}
