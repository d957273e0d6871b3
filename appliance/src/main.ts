/**
 * The composition root: the only place that reads the environment, builds the adapters and wires them
 * together. Everything else receives what it needs as options, so it can be tested without a process.
 */
import { access, mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { createId, DomainError } from '@jiazheng/sync/domain';
import { PgliteRecordStore } from '@jiazheng/sync/storage/pglite';
import { WebSocket } from 'ws';
import { loadOrCreateDeviceKey } from '@jiazheng/sync/node';
import { createHttpApp } from './adapters/http/http-app';
import { createRedirectApp } from './adapters/http/redirect-app';
import { mountDeviceRoutes } from './adapters/http/device-routes';
import { mountPeriodRoutes } from './adapters/http/period-routes';
import { countPeriodOrders } from './adapters/pglite/projected-order-figures';
import { HttpService } from '@jiazheng/sync/node';
import { HubProvisioningClient } from './adapters/hub/hub-provisioning-client';
import { RecordingRelayClient } from './adapters/hub/recording-relay-client';
import { RecordingFiles } from './adapters/files/recording-files';
import { ApplianceSync } from './adapters/sync/appliance-sync';
import { SyncWebSocketService } from './adapters/sync/sync-web-socket-service';
import { CONFIG_FILE_ENV, parseApplianceConfig, type ApplianceConfig } from './domain/appliance-config';
import { composeTelephony } from './compose-telephony';
import { parseProvisioning } from '@jiazheng/firmware-config/domain';
import { ProjectionService, Projector } from '@jiazheng/sync/projections';
import { drizzle } from 'drizzle-orm/pglite';
import type { Service } from './ports/service';
import { APPLIANCE_VERSION } from './version';

/** If a service hangs on shutdown, exiting anyway beats a county appliance that cannot be restarted. */
const SHUTDOWN_DEADLINE_MS = 10_000;

async function loadConfig(): Promise<ApplianceConfig | undefined> {
  const file = process.env[CONFIG_FILE_ENV];
  let settings: Record<string, unknown> | undefined;
  if (file !== undefined && file.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not a JSON object');
      settings = parsed as Record<string, unknown>;
    } catch (error) {
      console.error(
        `配置错误 / configuration error: ${CONFIG_FILE_ENV}=${file}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  }
  try {
    return parseApplianceConfig({ env: process.env, file: settings });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`配置错误 / configuration error: ${error.message}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const config = await loadConfig();
  if (config === undefined) return 1;

  const { county, hub } = config;
  const logger = console;
  // Started in this order, stopped in reverse; later issues add ESL here.
  const services: Service[] = [];
  let banner: string[];

  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const key = await loadOrCreateDeviceKey({
      path: join(config.dataDir, 'device-key.json'),
      newDeviceId: () => `appliance-${county.code}-${createId()}`,
      logger,
    });
    // One PGlite for the records, their projections and the call records: one WASM heap, not three.
    const recordsDir = join(config.dataDir, 'records');
    const pglite = await PgliteRecordStore.openDatabase({ dataDir: recordsDir });
    services.push({ start: () => Promise.resolve(), stop: () => pglite.close() });
    const store = await PgliteRecordStore.attach({ pglite });
    services.push({ start: () => Promise.resolve(), stop: () => store.close() });
    const projector = new Projector({ db: drizzle({ client: pglite }), store });
    await projector.migrate();

    const sync = new ApplianceSync({
      store,
      device: key,
      countyCode: county.code,
      hub: hub === undefined ? undefined : { url: hub.url, reconnectMaxMs: hub.reconnectMaxMs },
      provisioner:
        hub?.adminToken === undefined
          ? undefined
          : new HubProvisioningClient({ hubUrl: hub.url, adminToken: hub.adminToken }),
      WebSocketImpl: WebSocket,
      logger,
    });
    const pwaDir = await findPwaDir({ configured: config.pwaDir });
    const app = createHttpApp({ config, sync, adminToken: config.adminToken, logger, pwaDir });
    const tls =
      config.tls === undefined
        ? undefined
        : {
            port: config.tls.port,
            key: await readFile(config.tls.keyFile, 'utf8'),
            cert: await readFile(config.tls.certFile, 'utf8'),
            caPem: config.tls.caFile === undefined ? undefined : await readFile(config.tls.caFile, 'utf8'),
          };
    if (tls?.caPem !== undefined) {
      const caPem = tls.caPem;
      app.get('/ca.crt', (c) => c.body(caPem, 200, { 'content-type': 'application/x-x509-ca-cert' }));
    }
    // With a certificate, the app (and every WebSocket) is on HTTPS; plain HTTP only redirects there.
    const http = new HttpService({
      app,
      host: config.host,
      port: tls?.port ?? config.port,
      tls: tls === undefined ? undefined : { key: tls.key, cert: tls.cert },
    });
    const redirect =
      tls === undefined
        ? undefined
        : new HttpService({
            app: createRedirectApp({ httpsPort: tls.port, fallbackHost: config.host, caPem: tls.caPem }),
            host: config.host,
            port: config.port,
          });
    const provisioning =
      config.provisioningFile === undefined
        ? undefined
        : parseProvisioning({
            input: JSON.parse(await readFile(config.provisioningFile, 'utf8')) as unknown,
          });
    if (provisioning !== undefined && provisioning.county !== county.code) {
      throw new Error(`PROVISIONING_FILE is for county ${provisioning.county}, but COUNTY is ${county.code}`);
    }
    const telephony = await composeTelephony({ config, pglite, http, sync, logger, provisioning });
    telephony.mountRoutes({ app });
    mountDeviceRoutes({
      app,
      authenticate: (token) => telephony.auth.authenticate({ token }),
      devices: sync,
      countyCode: county.code,
    });
    const projectionDb = drizzle({ client: pglite });
    mountPeriodRoutes({
      app,
      authenticate: (token) => telephony.auth.authenticate({ token }),
      calls: telephony.store,
      closings: sync,
      countOrders: ({ fromMs, toMs }) =>
        countPeriodOrders({ db: projectionDb, countyCode: county.code, fromMs, toMs }),
      countyCode: county.code,
    });
    const webSocket = new SyncWebSocketService({
      http,
      syncServer: sync.server,
      authenticate: (token) => sync.authenticate(token),
      logger,
    });
    const projections = new ProjectionService({ projector, logger });
    services.push(projections, sync, http, webSocket, ...telephony.services);
    // The hub plays this county's recordings through this outbound link; they are never copied there.
    if (hub !== undefined) {
      services.push(
        new RecordingRelayClient({
          hubUrl: hub.url,
          device: key,
          countyCode: county.code,
          store: telephony.store,
          files: new RecordingFiles({ root: telephony.recordingsDir }),
          logger,
          reconnectMaxMs: hub.reconnectMaxMs,
        }),
      );
    }
    if (redirect !== undefined) services.push(redirect);
    for (const service of services) await service.start();

    const status = sync.status();
    banner = [
      `家政服务网络 区县设备 v${APPLIANCE_VERSION} 已启动 / Jiazheng county appliance v${APPLIANCE_VERSION} is running`,
      `  区县 / county: ${county.name} (${county.code}), 区号 / area code: ${county.areaCode ?? '无 / none'}`,
      `  地址 / URL: ${http.url}`,
      pwaDir === undefined
        ? '  坐席台 / console: 未构建 / not built (npm run build -w @jiazheng/pwa)'
        : `  坐席台 / console: ${http.url}/ (${pwaDir})`,
      ...(redirect === undefined
        ? []
        : [`  HTTP ${redirect.url} → HTTPS (根证书 / county root: ${redirect.url}/ca.crt)`]),
      `  同步 / sync: ${http.url.replace(/^http/, 'ws')}/sync, ${http.url.replace(/^http/, 'ws')}/yjs/<recordId>`,
      `  设备 / device: ${key.deviceId}${key.created ? ' (new)' : ''}`,
      `  中心枢纽 / hub: ${hub === undefined ? '无，单独运行 / none: running alone' : hub.url}${status.provisioned ? '' : ' (尚未登记 / not enrolled yet)'}`,
      `  数据目录 / data directory: ${resolve(config.dataDir)} (PGlite ${resolve(recordsDir)})`,
      `  录音 / recordings: ${telephony.recordingsDir}`,
      telephony.simulator === undefined
        ? `  交换机 / switch: FreeSWITCH ${telephony.control.status().address}`
        : `  交换机 / switch: 模拟器（未配置真实 FreeSWITCH）/ SIMULATOR, no real FreeSWITCH configured (ESL_HOST unset)`,
      `  坐席控制台 / consoles: ${http.url.replace(/^http/, 'ws')}/ws/console?token=…`,
      '  按 Ctrl-C 停止 / press Ctrl-C to stop',
    ];
  } catch (error) {
    console.error('无法启动 / could not start:', error instanceof Error ? error.message : error);
    await stopAll(services);
    return 1;
  }
  console.log(banner.join('\n'));

  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    // A repeated signal (Ctrl-C pressed again, or relayed by a wrapper) must not start a second shutdown.
    process.once('SIGINT', resolveSignal);
    process.once('SIGTERM', resolveSignal);
  });
  setTimeout(() => {
    console.error('停止超时 / shutdown took too long, exiting anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  process.on('SIGINT', ignoreSignal);
  process.on('SIGTERM', ignoreSignal);
  console.log(`收到 ${signal}，正在停止 / received ${signal}, stopping`);
  await stopAll(services);
  console.log('已停止 / stopped');
  return 0;
}

function ignoreSignal(): void {}

/** PWA_DIR, else this repository's pwa/build when the PWA has been built; undefined when there is none. */
async function findPwaDir(options: { configured: string | undefined }): Promise<string | undefined> {
  const dir = options.configured ?? fileURLToPath(new URL('../../pwa/build', import.meta.url));
  try {
    await access(join(dir, 'index.html'));
    return resolve(dir);
  } catch {
    if (options.configured !== undefined)
      throw new Error(`PWA_DIR=${dir} holds no index.html (build the PWA first)`);
    return undefined;
  }
}

async function stopAll(services: readonly Service[]): Promise<void> {
  for (const service of [...services].reverse()) {
    try {
      await service.stop();
    } catch (error) {
      console.error('停止出错 / error while stopping:', error);
    }
  }
}

// Setting exitCode instead of calling exit() lets stdout drain, so the last lines are never lost.
process.exitCode = await main();
