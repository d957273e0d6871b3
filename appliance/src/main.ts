/**
 * The composition root: the only place that reads the environment, builds the adapters and wires them
 * together. Everything else receives what it needs as options, so it can be tested without a process.
 */
import { DomainError } from '@jiazheng/sync/domain';
import { createHttpApp } from './adapters/http/http-app';
import { HttpService } from './adapters/http/http-service';
import { parseApplianceConfig, type ApplianceConfig } from './domain/appliance-config';
import type { Service } from './ports/service';
import { APPLIANCE_VERSION } from './version';

/** If a service hangs on shutdown, exiting anyway beats a county appliance that cannot be restarted. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function loadConfig(): ApplianceConfig | undefined {
  try {
    return parseApplianceConfig({ env: process.env });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`配置错误 / configuration error: ${error.message}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (config === undefined) return 1;

  const http = new HttpService({ app: createHttpApp({ config }), host: config.host, port: config.port });
  // Started in this order, stopped in reverse; later issues add ESL, the database and sync here.
  const services: Service[] = [http];

  try {
    for (const service of services) await service.start();
  } catch (error) {
    console.error('无法启动 / could not start:', error instanceof Error ? error.message : error);
    await stopAll(services);
    return 1;
  }

  const { county } = config;
  console.log(
    [
      `家政服务网络 区县设备 v${APPLIANCE_VERSION} 已启动 / Jiazheng county appliance v${APPLIANCE_VERSION} is running`,
      `  区县 / county: ${county.name} (${county.code}), 区号 / area code: ${county.areaCode ?? '无 / none'}`,
      `  地址 / URL: ${http.url}`,
      `  数据目录 / data directory: ${config.dataDir} (暂未使用 / not used yet)`,
      '  按 Ctrl-C 停止 / press Ctrl-C to stop',
    ].join('\n'),
  );

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    // A repeated signal (Ctrl-C pressed again, or relayed by a wrapper) must not start a second shutdown.
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
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
