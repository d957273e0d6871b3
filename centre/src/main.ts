/**
 * The composition root of `npm start`: reads the centre's settings, builds the PWA if it is missing, runs
 * the hub and two county appliances as child processes, makes the demo data on the first start, prints
 * where everything is, and on Ctrl-C (SIGINT) or SIGTERM stops every child and exits 0.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildProcessService, runToEnd } from './adapters/child-process';
import { DemoSeeder, type RegistryIds } from './adapters/demo-seeder';
import { requestJson, isHealthy, waitFor } from './adapters/http-json';
import { readJsonFile, writeJsonFile } from './adapters/json-file';
import { renderBanner, type SeedSummary } from './domain/banner';
import { CentreConfigError, parseCentreConfig } from './domain/centre-config';
import { planCalls } from './domain/call-plan';
import { APPLIANCE_DEMO_ACCOUNTS, DEMO_COUNTIES, SEEDING_CALL_TAKERS } from './domain/demo-logins';
import { childEnv, planCentre, type CentreSecrets, type ProcessSpec } from './domain/process-plan';
import { parseCitizens, planSeed, summarisePlan } from './domain/seed-plan';

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const scenarioFile = join(rootDir, 'appliance/src/switch-simulator/scenarios/training.json');
const populationFile = join(rootDir, 'appliance/src/switch-simulator/scenarios/callers.csv');
/** The first start initialises three PGlite databases; on a busy 2-core machine that has taken over 4 minutes. */
const HEALTH_TIMEOUT_MS = 600_000;

/** What the centre keeps in `<data dir>/centre.json`: its tokens, and how far the demo data got. */
type CentreState = {
  secrets: CentreSecrets;
  seed?: {
    /**
     * The clock the demo data was planned with: a first start interrupted and started again plans the same
     * data with the same ids, and makes only what is not there yet.
     */
    plannedAt?: number;
    registry?: RegistryIds;
    /** Counties whose order history (and call history) is in. */
    counties: Record<string, { orders: number; refused: number; calls?: number }>;
    summary?: SeedSummary;
  };
};

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const say = (line: string): void => out(`[centre]  ${line}`);

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  let config;
  try {
    config = parseCentreConfig({ env: process.env });
  } catch (error) {
    if (!(error instanceof CentreConfigError)) throw error;
    console.error(`配置错误 / configuration error: ${error.message}`);
    return 1;
  }
  const dataDir = resolve(rootDir, config.dataDir);
  const stateFile = join(dataDir, 'centre.json');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const found = await readJsonFile<CentreState>(stateFile);
  const state: CentreState = found ?? {
    secrets: {
      hubAdminToken: newToken(),
      applianceAdminTokens: Object.fromEntries(DEMO_COUNTIES.map((c) => [c.code, newToken()])),
    },
  };
  if (found === undefined) await writeJsonFile(stateFile, state);
  const saveState = (): Promise<void> => writeJsonFile(stateFile, state);

  const children: ChildProcessService[] = [];
  let ready = false;
  let stopping: Promise<void> | undefined;
  const stopChildren = (): Promise<void> => {
    stopping ??= (async () => {
      // The appliances first (they sync to the hub), then the hub.
      const appliances = children.filter((c) => c !== children[0]);
      await Promise.all(appliances.map((c) => c.stop()));
      await children[0]?.stop();
    })();
    return stopping;
  };
  // Even if the centre itself crashes, no product process may outlive it.
  process.once('exit', () => {
    for (const child of children) {
      if (child.exited || child.pid === undefined) continue;
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const signalled = new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once('SIGINT', resolveSignal);
    process.once('SIGTERM', resolveSignal);
  });
  void signalled.then(async (signal) => {
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => undefined);
    if (ready) return; // the main flow below stops everything
    say(`收到 ${signal}，启动中止 / received ${signal} while starting: stopping`);
    await stopChildren();
    say('已停止 / stopped');
    process.exit(0);
  });

  // ── The PWA: the appliances serve pwa/build; build it once if it is missing. ──────────────────────
  const pwaIndex = join(rootDir, 'pwa/build/index.html');
  if (!(await exists(pwaIndex)) && !config.skipPwaBuild) {
    say(
      '构建 PWA（首次，约一两分钟）/ building the PWA (first time, a minute or two): npm run build -w @jiazheng/pwa',
    );
    const code = await runToEnd({
      name: 'pwa',
      command: process.platform === 'win32' ? 'npm.cmd' : 'npm',
      args: ['run', 'build', '-w', '@jiazheng/pwa'],
      cwd: rootDir,
      env: { ...(process.env as Record<string, string>) },
      out,
    });
    if (code !== 0)
      say(`PWA 构建失败 (exit ${code}) / the PWA build failed: the appliances serve their API only`);
  }
  const pwaBuilt = await exists(pwaIndex);

  // ── The processes ─────────────────────────────────────────────────────────────────────────────────
  const plan = planCentre({ dataDir, basePort: config.basePort, secrets: state.secrets, scenarioFile });
  const specs: ProcessSpec[] = [plan.hub, ...plan.appliances];
  const firstStart = state.seed?.summary === undefined;
  say(
    firstStart
      ? `首次启动：初始化数据库（PGlite）并生成演示数据 / first start: initialising the databases and making demo data in ${dataDir}`
      : `启动，沿用 ${dataDir} 中的数据 / starting with the data in ${dataDir}`,
  );
  for (const spec of specs) {
    const child = new ChildProcessService({
      name: spec.name,
      cwd: join(rootDir, spec.pkg),
      args: ['--import', 'tsx', 'src/main.ts'],
      env: childEnv({ parent: process.env, spec }),
      out,
      prefixWidth: 9,
    });
    children.push(child);
    await child.start();
    say(`${spec.name} 已启动 / started (pid ${child.pid ?? '?'}): ${spec.url}`);
  }
  const abortIfExited = (): void => {
    const dead = children.findIndex((c) => c.exited);
    if (dead !== -1) throw new Error(`${specs[dead]?.name ?? 'a process'} exited while starting`);
  };

  let signalReceived = false;
  void signalled.then(() => (signalReceived = true));
  const healthy = (spec: ProcessSpec): Promise<void> =>
    waitFor({
      what: `${spec.name} /health`,
      timeoutMs: HEALTH_TIMEOUT_MS,
      check: () => isHealthy(spec.url),
      abort: abortIfExited,
      reportEveryMs: 10_000,
      progress: (s) =>
        say(`等待 ${spec.name} 就绪（首次启动需初始化数据库）/ waiting for ${spec.name} (${s} s)`),
    }).then(() => say(`${spec.name} 就绪 / healthy: ${spec.url}/health`));

  try {
    // The registry is made at the hub while the appliances are still initialising.
    const appliancesHealthy = Promise.all(plan.appliances.map(healthy));
    appliancesHealthy.catch(() => undefined);
    await healthy(plan.hub);

    // ── The demo data, once ─────────────────────────────────────────────────────────────────────────
    const targets = plan.appliances.map((a) => ({
      county: a.county ?? DEMO_COUNTIES[0],
      url: a.url,
      adminToken: a.env.ADMIN_TOKEN ?? '',
    }));
    const seeder = new DemoSeeder({
      hub: { url: plan.hub.url, adminToken: state.secrets.hubAdminToken },
      appliances: targets,
      log: say,
    });
    let seededNow = false;
    if (state.seed?.summary === undefined) {
      const seedStarted = Date.now();
      seededNow = true;
      const seedState = (state.seed ??= { counties: {} });
      const resumed = seedState.plannedAt !== undefined;
      seedState.plannedAt ??= Date.now();
      await saveState();
      if (resumed)
        say(
          `续做上次中断的演示数据 / resuming the demo data an earlier start left unfinished (planned ${new Date(seedState.plannedAt).toISOString()})`,
        );
      const citizens = parseCitizens(await readFile(populationFile, 'utf8'));
      const planned = planSeed({
        counties: DEMO_COUNTIES,
        citizens,
        now: seedState.plannedAt,
        days: config.seedDays,
        ordersPerDay: config.ordersPerDay,
        takers: SEEDING_CALL_TAKERS.length,
      });
      const seats = SEEDING_CALL_TAKERS.map(
        (username) => APPLIANCE_DEMO_ACCOUNTS.find((a) => a.username === username)?.seat ?? '',
      );
      const figures = summarisePlan(planned);
      say(
        `生成演示数据 / making demo data: ${figures.enterprises} enterprises, ${figures.workers} workers, orders ${JSON.stringify(figures.orders)} (${figures.proposals} signed proposals)`,
      );
      try {
        const registryMade = (async () => {
          await seeder.seedHubAccounts();
          say('中心演示账号已创建 / demo accounts made at the hub');
          if (seedState.registry === undefined) {
            seedState.registry = await seeder.seedRegistry(planned.enterprises, Date.now());
            await saveState();
          }
          return seedState.registry;
        })();
        registryMade.catch(() => undefined);
        await appliancesHealthy;
        await seeder.seedApplianceAccounts();
        say('区县演示账号已创建 / demo accounts made at both appliances');
        const registry = await registryMade;
        await Promise.all(
          targets.map(async (target) => {
            const county = target.county;
            if (seedState.counties[county.code] !== undefined) return;
            const result = await seeder.seedOrders({
              appliance: target,
              orders: planned.orders[county.code] ?? [],
              enterprises: planned.enterprises,
              ids: registry,
              takers: SEEDING_CALL_TAKERS,
            });
            say(
              `${county.code}: ${result.orders} 张订单已由区县设备受理 / orders decided by the appliance${result.refused.length === 0 ? '' : `, ${result.refused.length} proposals refused (first: ${result.refused[0]})`}`,
            );
            const calls = await seeder.seedCalls({
              appliance: target,
              calls: planCalls({
                county,
                orders: planned.orders[county.code] ?? [],
                citizens,
                seats,
                now: seedState.plannedAt ?? Date.now(),
                days: config.seedDays,
                idKey: String(seedState.plannedAt),
              }),
            });
            say(`${county.code}: ${calls} 通历史来电已导入 / past calls imported (no recordings)`);
            seedState.counties[county.code] = {
              orders: result.orders,
              refused: result.refused.length,
              calls,
            };
            await saveState();
          }),
        );
        const synced = await seeder.untilHubHasOrders(90_000);
        say(
          synced
            ? '订单已同步到中心 / the hub holds every county order'
            : '订单仍在同步到中心 / orders are still syncing to the hub (they continue in the background)',
        );
      } finally {
        await seeder.stop();
      }
      seedState.summary = {
        enterprises: figures.enterprises,
        workers: figures.workers,
        orders: Object.fromEntries(Object.entries(seedState.counties).map(([c, v]) => [c, v.orders])),
        calls: Object.fromEntries(Object.entries(seedState.counties).map(([c, v]) => [c, v.calls ?? 0])),
        seededAt: Date.now(),
        seconds: (Date.now() - seedStarted) / 1000,
      };
      await saveState();
    } else {
      await appliancesHealthy;
    }

    // The hub's console for the central office, when this hub serves one.
    const consoleUrl = `${plan.hub.url}/console/`;
    const consoleResponse = await requestJson({ url: consoleUrl, timeoutMs: 5_000 }).catch(() => undefined);
    const hubConsoleUrl =
      consoleResponse?.status === 200 && typeof consoleResponse.body === 'string' ? consoleUrl : undefined;

    ready = true;
    for (const line of renderBanner({
      plan,
      dataDir,
      secretsFile: stateFile,
      hubConsoleUrl,
      pwaBuilt,
      seed: state.seed?.summary,
      seededNow,
      startupSeconds: (Date.now() - startedAt) / 1000,
    }))
      out(line);
  } catch (error) {
    console.error(`无法启动 / could not start: ${error instanceof Error ? error.message : String(error)}`);
    for (const [i, child] of children.entries())
      if (child.exited) console.error(`---- ${specs[i]?.name} (exited) ----\n${child.tail()}`);
    await stopChildren();
    // Ctrl-C while starting is a clean stop, not a failure.
    return signalReceived ? 0 : 1;
  }

  // ── Running: until a signal, or a child dying on its own ──────────────────────────────────────────
  const childDied = Promise.race(
    children.map((child, i) => child.exit.then((code) => ({ name: specs[i]?.name ?? '?', code }))),
  );
  const reason = await Promise.race([
    signalled.then((signal) => ({ signal })),
    childDied.then((died) => ({ died })),
  ]);
  if ('signal' in reason) {
    say(`收到 ${reason.signal}，正在停止全部进程 / received ${reason.signal}, stopping every process`);
    await stopChildren();
    say('已停止 / stopped');
    return 0;
  }
  say(`${reason.died.name} 意外退出 (exit ${reason.died.code}) / exited unexpectedly: stopping the others`);
  await stopChildren();
  return 1;
}

process.exitCode = await main();
