/**
 * The centre's own settings, read from the environment without IO. Everything has an embedded default:
 * `npm start` on a fresh machine needs none of them; tests and a second centre on one machine set the data
 * directory and the base port.
 */
export const CentreEnv = {
  dataDir: 'JZ_CENTRE_DATA_DIR',
  basePort: 'JZ_CENTRE_BASE_PORT',
  seedDays: 'JZ_CENTRE_SEED_DAYS',
  ordersPerDay: 'JZ_CENTRE_ORDERS_PER_DAY',
  skipPwaBuild: 'JZ_CENTRE_SKIP_PWA_BUILD',
} as const;
export type CentreEnv = (typeof CentreEnv)[keyof typeof CentreEnv];

export type CentreConfig = {
  /** Where every process keeps its data; relative paths are from the repository's root. */
  dataDir: string;
  /** The first appliance listens here, the second on +1, the hub on +10. */
  basePort: number;
  /** Days of order history the first start makes per county. */
  seedDays: number;
  /** Average orders a day per county in that history. */
  ordersPerDay: number;
  /** Do not build the PWA when pwa/build is missing (the appliances then serve their API only). */
  skipPwaBuild: boolean;
};

export const DEFAULT_CENTRE_CONFIG: CentreConfig = {
  dataDir: 'data',
  basePort: 8080,
  seedDays: 30,
  ordersPerDay: 6,
  skipPwaBuild: false,
};

/** The hub listens this far above the base port; the appliances take the ports from the base up. */
export const HUB_PORT_OFFSET = 10;

export class CentreConfigError extends Error {
  constructor(
    readonly variable: CentreEnv,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'CentreConfigError';
  }
}

function wholeNumber(options: {
  env: Readonly<Record<string, string | undefined>>;
  name: CentreEnv;
  min: number;
  max: number;
  fallback: number;
}): number {
  const raw = options.env[options.name]?.trim() ?? '';
  if (raw === '') return options.fallback;
  if (!/^\d{1,6}$/.test(raw))
    throw new CentreConfigError(options.name, `must be a whole number from ${options.min} to ${options.max}`);
  const value = Number(raw);
  if (value < options.min || value > options.max)
    throw new CentreConfigError(options.name, `must be a whole number from ${options.min} to ${options.max}`);
  return value;
}

/** Reads the centre's settings; empty counts as unset. Throws CentreConfigError naming the variable. */
export function parseCentreConfig(options: {
  env: Readonly<Record<string, string | undefined>>;
}): CentreConfig {
  const { env } = options;
  const dataDir = env[CentreEnv.dataDir]?.trim() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being refused
  if (/[\u0000-\u001f\u007f]/.test(dataDir))
    throw new CentreConfigError(CentreEnv.dataDir, 'must not contain control characters');
  const skip = env[CentreEnv.skipPwaBuild]?.trim().toLowerCase() ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(skip))
    throw new CentreConfigError(CentreEnv.skipPwaBuild, 'must be 1, 0, true or false');
  return {
    dataDir: dataDir === '' ? DEFAULT_CENTRE_CONFIG.dataDir : dataDir,
    basePort: wholeNumber({
      env,
      name: CentreEnv.basePort,
      min: 1024,
      max: 65535 - HUB_PORT_OFFSET,
      fallback: DEFAULT_CENTRE_CONFIG.basePort,
    }),
    seedDays: wholeNumber({
      env,
      name: CentreEnv.seedDays,
      min: 1,
      max: 365,
      fallback: DEFAULT_CENTRE_CONFIG.seedDays,
    }),
    ordersPerDay: wholeNumber({
      env,
      name: CentreEnv.ordersPerDay,
      min: 0,
      max: 500,
      fallback: DEFAULT_CENTRE_CONFIG.ordersPerDay,
    }),
    skipPwaBuild: skip === '1' || skip === 'true',
  };
}
