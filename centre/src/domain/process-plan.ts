import { DEMO_COUNTIES, DEMO_PASSWORD, type DemoCounty } from './demo-logins';
import { HUB_PORT_OFFSET } from './centre-config';

/** One product process the centre runs: which package's `src/main.ts`, with which settings. */
export type ProcessSpec = {
  /** Prefixes its output lines. */
  name: string;
  kind: 'hub' | 'appliance';
  /** The package folder under the repository's root. */
  pkg: 'edge' | 'appliance';
  env: Readonly<Record<string, string>>;
  /** Where it serves HTTP (and `/health`). */
  url: string;
  county: DemoCounty | undefined;
};

/** Secrets the centre makes once and keeps in its data directory, so a restart uses the same ones. */
export type CentreSecrets = {
  hubAdminToken: string;
  /** Per county code: the appliance's admin-endpoint token. */
  applianceAdminTokens: Readonly<Record<string, string>>;
};

export type CentrePlan = {
  hub: ProcessSpec;
  appliances: ProcessSpec[];
};

/** Joins path parts with `/` (the plan is pure; absolute inputs keep it absolute). */
export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, '')))
    .join('/');
}

/** How long an appliance waits at most between attempts to reach the hub: short, the hub is local. */
const HUB_RECONNECT_MAX_MS = '2000';

/**
 * The processes of the whole centre on one machine: the hub on `basePort + 10`, one appliance per demo
 * county on `basePort`, `basePort + 1`, each with its data under `dataDir`, the switch simulator in
 * training mode (citizens from the scenario's population call, the seats answer from the console), and
 * demo administrators. Every variable a product process reads is set here, so a developer's own
 * `COUNTY` or `JZ_HUB_PORT` in the shell cannot change what the centre runs.
 */
export function planCentre(options: {
  /** Absolute. */
  dataDir: string;
  basePort: number;
  secrets: CentreSecrets;
  /** Absolute path of the simulator's scenario file. */
  scenarioFile: string;
  host?: string;
  counties?: readonly DemoCounty[];
}): CentrePlan {
  const host = options.host ?? '127.0.0.1';
  const counties = options.counties ?? DEMO_COUNTIES;
  const hubPort = options.basePort + HUB_PORT_OFFSET;
  const hubUrl = `http://${host}:${hubPort}`;
  const hub: ProcessSpec = {
    name: 'hub',
    kind: 'hub',
    pkg: 'edge',
    url: hubUrl,
    county: undefined,
    env: {
      JZ_HUB_HOST: host,
      JZ_HUB_PORT: String(hubPort),
      JZ_HUB_DATA_DIR: joinPath(options.dataDir, 'hub'),
      JZ_HUB_ADMIN_TOKEN: options.secrets.hubAdminToken,
      JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD: DEMO_PASSWORD,
    },
  };
  const appliances = counties.map((county, index): ProcessSpec => {
    const port = options.basePort + index;
    const adminToken = options.secrets.applianceAdminTokens[county.code];
    if (adminToken === undefined) throw new Error(`no admin token for county ${county.code}`);
    return {
      name: county.code,
      kind: 'appliance',
      pkg: 'appliance',
      url: `http://${host}:${port}`,
      county,
      env: {
        COUNTY: county.code,
        HTTP_HOST: host,
        HTTP_PORT: String(port),
        DATA_DIR: joinPath(options.dataDir, county.code),
        HUB_URL: hubUrl,
        HUB_ADMIN_TOKEN: options.secrets.hubAdminToken,
        HUB_RECONNECT_MAX_MS,
        ADMIN_TOKEN: adminToken,
        BOOTSTRAP_ADMIN_PASSWORD: DEMO_PASSWORD,
        SIMULATOR_SCENARIO: options.scenarioFile,
      },
    };
  });
  if (new Set([hubPort, ...appliances.map((a) => a.env.HTTP_PORT)].map(String)).size !== counties.length + 1)
    throw new Error('the hub and the appliances need different ports');
  return { hub, appliances };
}

/**
 * The product's settings: inherited from the shell they would override the plan, so a child gets none
 * of them except what the plan sets.
 */
export const PRODUCT_SETTING =
  /^(?:JZ_.*|COUNTY|DATA_DIR|HTTPS?_(?:HOST|PORT)|ESL_.*|HUB_.*|RECORDINGS_DIR|BOOTSTRAP_ADMIN_PASSWORD|ADMIN_TOKEN|CONFIG_FILE|TLS_.*|PWA_DIR|SIMULATOR_SCENARIO|SMS_.*|PROVISIONING_FILE)$/;

/** The environment a child runs with: the parent's, without product settings, plus the plan's. */
export function childEnv(options: {
  parent: Readonly<Record<string, string | undefined>>;
  spec: ProcessSpec;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.parent))
    if (value !== undefined && !PRODUCT_SETTING.test(key)) env[key] = value;
  return { ...env, ...options.spec.env };
}
