import net from 'node:net';
import { join } from 'node:path';
import { spawnPackage, stopProc, urlOf, type Proc } from './processes';
import { WanProxy } from './wan-proxy';

/** The hub and one county appliance as processes, the appliance reaching the hub through a cuttable WAN. */
export type HubAndAppliance = {
  hub: Proc;
  hubUrl: string;
  /** The running appliance (a new process after `restartAppliance`). */
  appliance: () => Proc;
  applianceUrl: string;
  /** Between the appliance and the hub: `cut()` and `restore()` the WAN. */
  wan: WanProxy;
  stopAppliance: () => Promise<void>;
  /** Same data, same port (the browser's origin and IndexedDB survive it). */
  restartAppliance: () => Promise<void>;
  /** Stops both processes and the proxy. */
  stop: () => Promise<void>;
};

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * Starts the hub, then the county's appliance enrolled at it, and waits until both listen. The appliance's
 * `HUB_URL` points at a TCP proxy so a test can cut the WAN; it listens on a fixed free port so that a
 * restart keeps its URL.
 */
export async function startHubAndAppliance(options: {
  workDir: string;
  county: string;
  hubToken: string;
  /** Extra hub settings (`JZ_HUB_BOOTSTRAP_ADMIN_PASSWORD`, `JZ_HUB_PWA_DIR`, …). */
  hubEnv?: Record<string, string>;
  /** Extra appliance settings (`ADMIN_TOKEN`, `PWA_DIR`, `SIMULATOR_SCENARIO`, …). */
  applianceEnv?: Record<string, string>;
}): Promise<HubAndAppliance> {
  const wan = new WanProxy();
  const wanPort = await wan.listen();
  const hub = spawnPackage({
    name: 'hub',
    pkg: 'edge',
    env: {
      JZ_HUB_PORT: '0',
      JZ_HUB_DATA_DIR: join(options.workDir, 'hub'),
      JZ_HUB_ADMIN_TOKEN: options.hubToken,
      ...options.hubEnv,
    },
  });
  const hubUrl = await urlOf(hub);
  wan.target(Number(new URL(hubUrl).port));
  const env = {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(await freePort()),
    COUNTY: options.county,
    DATA_DIR: join(options.workDir, 'appliance'),
    HUB_URL: `http://127.0.0.1:${wanPort}`,
    HUB_ADMIN_TOKEN: options.hubToken,
    HUB_RECONNECT_MAX_MS: '1000',
    ...options.applianceEnv,
  };
  let appliance = spawnPackage({ name: 'appliance', pkg: 'appliance', env });
  const applianceUrl = await urlOf(appliance);
  const stopAppliance = () => stopProc(appliance);
  return {
    hub,
    hubUrl,
    appliance: () => appliance,
    applianceUrl,
    wan,
    stopAppliance,
    restartAppliance: async () => {
      await stopAppliance();
      appliance = spawnPackage({ name: 'appliance (restarted)', pkg: 'appliance', env });
      const url = await urlOf(appliance);
      if (url !== applianceUrl) throw new Error(`the appliance came back on ${url}, not ${applianceUrl}`);
    },
    stop: async () => {
      await stopAppliance();
      await stopProc(hub);
      await wan.close();
    },
  };
}
