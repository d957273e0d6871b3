/**
 * The composition root: the only place that reads the environment, builds the adapters and wires them
 * together. Everything else receives what it needs as options, so it can be tested without a process.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createId, DomainError, type ComplaintState, type CourseState } from '@jiazheng/sync/domain';
import { loadOrCreateAdminToken } from './adapters/files/admin-token-file';
import { loadOrCreateIdentityKey } from './adapters/files/identity-key-file';
import { DrizzleIdentityVault } from './adapters/storage/drizzle-identity-vault';
import { loadOrCreateDeviceKey } from '@jiazheng/sync/node';
import { createHubHttpApp } from './adapters/http/http-app';
import { CONSOLE_BASE, findConsoleDir } from './adapters/http/pwa-console';
import { forwardedClientAddress } from './adapters/http/site-routes';
import { HttpService } from '@jiazheng/sync/node';
import { openHubRecordStore } from './adapters/storage/open-record-store';
import { migrateOrderRollups, OrderRollupsService } from './adapters/reports/order-rollups';
import { RollupOrderReportSource } from './adapters/reports/rollup-order-report-source';
import { SqlClosingReportSource } from './adapters/reports/sql-closing-report-source';
import { ProjectionService, Projector } from '@jiazheng/sync/projections';
import { HubSync } from './adapters/sync/hub-sync';
import { HubPublicSite } from './adapters/sync/hub-public-site';
import { HubRegistry } from './adapters/sync/hub-registry';
import { CreditListService } from './services/credit-list-service';
import { RegistryService } from './services/registry-service';
import { TrainingService } from './services/training-service';
import { staffActorOf } from './domain/staff-actor';
import { HubRecordSet } from './adapters/sync/hub-record-set';
import { JsonLinesSubmissionStore } from './adapters/files/json-lines-submission-store';
import { FileDocumentStore } from './adapters/files/file-document-store';
import { importAccountsFile } from './adapters/files/import-accounts-file';
import { DrizzleAccountStore } from './adapters/storage/drizzle-account-store';
import { HubApplianceOversight } from './adapters/sync/appliance-oversight';
import { HubAccountService } from './services/hub-account-service';
import { LeaderServices } from './services/leader-services';
import { ComplaintOrderLinkService } from './services/complaint-order-link-service';
import { RecordFanOutService } from './services/record-fan-out-service';
import { RedisRecordFanOut } from './adapters/fan-out/redis-record-fan-out';
import { ReportMailService } from './services/report-mail-service';
import { NodemailerMailSender } from './adapters/mail/nodemailer-mail-sender';
import { JsonFileReportMailLog } from './adapters/files/json-file-report-mail-log';
import { renderReportXlsx } from './adapters/reports/xlsx-report';
import { SyncWebSocketService } from './adapters/sync/sync-web-socket-service';
import { RecordingRelayHub } from './adapters/recordings/recording-relay-hub';
import { JsonLinesRecordingAccessLog } from './adapters/recordings/json-lines-recording-access-log';
import {
  authenticateRelayAppliance,
  RecordingRelayWebSocketService,
} from './adapters/recordings/recording-relay-web-socket-service';
import { parseHubConfig, type HubConfig } from './domain/hub-config';
import type { Service } from './ports/service';
import { HUB_VERSION } from './version';
import { CENTRE_NAME } from './domain/centre-name';

/** How the mailed statistics sign themselves. */
/** If a service hangs on shutdown, exiting anyway beats a hub that cannot be restarted. */
const SHUTDOWN_DEADLINE_MS = 10_000;

function loadConfig(): HubConfig | undefined {
  try {
    return parseHubConfig({ env: process.env });
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`配置错误 / configuration error: ${error.message}`);
    return undefined;
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (config === undefined) return 1;
  const logger = console;
  // Started in this order, stopped in reverse.
  const services: Service[] = [];
  let banner: string[];

  try {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const key = await loadOrCreateDeviceKey({
      path: join(config.dataDir, 'device-key.json'),
      newDeviceId: () => `hub-${createId()}`,
      logger,
    });
    const admin =
      config.adminToken === undefined
        ? await loadOrCreateAdminToken({ path: join(config.dataDir, 'admin-token') })
        : { token: config.adminToken, created: false };
    const { store, db, description, leaderLock, exclusive, close } = await openHubRecordStore(config);
    services.push({ start: () => Promise.resolve(), stop: close });
    const reports = new RollupOrderReportSource({ db });
    // Recordings stay at the counties: played through each appliance's outbound relay, each listen logged.
    const recordingRelay = new RecordingRelayHub({ hubId: key.deviceId, logger });
    const recordingLog = new JsonLinesRecordingAccessLog({
      path: join(config.dataDir, 'recording-access.jsonl'),
      logger,
    });
    const projector = new Projector({ db, store });
    // Every process makes the tables it reads before it serves (both migrations are safe from several
    // processes at once); filling them is the leader's alone. A follower that started first on an empty
    // database would otherwise answer its reports with errors until the leader had made them.
    services.push({
      start: async () => {
        await projector.migrate();
        await migrateOrderRollups({ db });
      },
      stop: () => Promise.resolve(),
    });
    // Work that must run in one hub process only, whichever holds the leader lock (always this one on PGlite).
    const led: Service[] = [
      // Every county's orders sync through the hub: projected into the same database for the statistics.
      new ProjectionService({ projector, logger }),
      // After the projection's tables exist: the report's rollups, kept by triggers on `orders`.
      new OrderRollupsService({ db }),
      // A complaint naming an order is carried onto it, for the county's appliance to decide.
      new ComplaintOrderLinkService({
        store,
        hub: { proposeRemote: (o) => hub.proposeRemote(o) },
        logger,
      }),
    ];
    const { smtpUrl, mailFrom, reportRecipients } = config;
    if (smtpUrl !== undefined && mailFrom !== undefined && reportRecipients !== undefined) {
      led.push(
        new ReportMailService({
          source: reports,
          sender: new NodemailerMailSender({ url: smtpUrl }),
          log: new JsonFileReportMailLog({ path: join(config.dataDir, 'report-mail.json') }),
          renderXlsx: renderReportXlsx,
          schedule: config.reportSchedule,
          level: config.reportLevel,
          from: mailFrom,
          to: reportRecipients,
          centreName: CENTRE_NAME.zh,
          logger,
        }),
      );
    }
    const leader = new LeaderServices({
      lock: leaderLock,
      services: led,
      logger,
      name: 'the projections, rollups, complaint links and mailed report',
    });
    services.push(leader);

    const hub = new HubSync({ store, device: key, logger, ...(exclusive && { exclusive }) });
    // The registry's records, and the credit lists computed from them (kept 30 s) for officers and the website.
    const registryRecords = new HubRegistry({ store, db, propose: (o) => hub.propose(o) });
    const credit = new CreditListService({ source: registryRecords });
    // Workers' full identity numbers, sealed in the database with the hub's identity key.
    const identityKey =
      config.identityKey === undefined
        ? await loadOrCreateIdentityKey({ path: join(config.dataDir, 'identity-key') })
        : { key: Buffer.from(config.identityKey, 'base64'), created: false };
    const identities = await DrizzleIdentityVault.open({ db, key: identityKey.key });
    const site = {
      source: new HubPublicSite({
        store,
        device: key,
        publish: (update: { recordId: string; update: Uint8Array }) => hub.server.publish(update),
        directory: () => hub.directory(),
        propose: (o) => hub.propose(o),
        credit,
      }),
      submissions: new JsonLinesSubmissionStore({ dir: join(config.dataDir, 'public'), logger }),
      documents: new FileDocumentStore({ dir: join(config.dataDir, 'documents') }),
      clientAddress:
        config.trustedProxies === undefined
          ? undefined
          : forwardedClientAddress({ trustedProxies: config.trustedProxies }),
    };
    // Accounts in the hub's database (shared by every hub process on one PostgreSQL); an older hub's
    // accounts.json is imported once and renamed to accounts.json.imported.
    const accountStore = await DrizzleAccountStore.open({ db });
    const imported = await importAccountsFile({
      path: join(config.dataDir, 'accounts.json'),
      store: accountStore,
    });
    if (imported.imported)
      logger.info(
        `accounts.json: ${imported.accounts} accounts and ${imported.sessions} sessions imported into the database, file renamed to ${imported.renamedTo}`,
      );
    const accounts = new HubAccountService({
      store: accountStore,
      logger,
      bootstrapAdminPassword: config.bootstrapAdminPassword,
      // A disabled account's directory user is disabled too, signed by the administrator who asked.
      directory: {
        disableStaffUser: (o) => hub.disableStaffUser({ ...o, by: staffActorOf({ account: o.by }) }),
        renewStaffUser: (o) => hub.renewStaffUser(o),
      },
    });
    const appliances = new HubApplianceOversight({ hub, store });
    // The centre's courses; what they result in is put on the workers' records, which dispatch reads.
    const training = new TrainingService({
      courses: new HubRecordSet<CourseState>({ store, hub, prefix: 'course:' }),
      workers: {
        readWorker: (o) => registryRecords.readWorker(o),
        proposeAsSystem: (o) => hub.propose(o),
      },
      logger,
      onTrainingRecorded: () => credit.invalidate(),
    });
    // The PWA for the central office, as the appliances serve it: JZ_HUB_PWA_DIR, else the repository's build.
    const consoleDir = await findConsoleDir({ configured: process.env.JZ_HUB_PWA_DIR });
    const http = new HttpService({
      app: createHubHttpApp({
        hub,
        adminToken: admin.token,
        logger,
        site,
        complaints: new HubRecordSet<ComplaintState>({ store, hub, prefix: 'complaint:' }),
        accounts,
        appliances,
        reports,
        closingReports: new SqlClosingReportSource({ db }),
        registry: new RegistryService({ records: registryRecords, credit, identities, logger }),
        training,
        consoleDir,
        recordings: { relay: recordingRelay, log: recordingLog },
      }),
      host: config.host,
      port: config.port,
    });
    const webSocket = new SyncWebSocketService({
      http,
      syncServer: hub.server,
      authenticate: (token) => hub.authenticate(token),
      logger,
    });
    const relaySockets = new RecordingRelayWebSocketService({
      http,
      relay: recordingRelay,
      authenticate: async (token) =>
        authenticateRelayAppliance({ token, directory: await hub.directory(), now: Date.now() }),
      logger,
    });
    if (config.redisUrl !== undefined) {
      // Subscribed before the hub starts, so even its bootstrap reaches the other processes' peers.
      services.push(
        new RecordFanOutService({
          server: hub.server,
          processId: `${key.deviceId}:${createId()}`,
          logger,
          fanOut: new RedisRecordFanOut({
            url: config.redisUrl,
            logger,
            readRecord: async (recordId) => (await store.readRecord({ recordId }))?.update ?? null,
          }),
        }),
      );
    }
    // Accounts after the hub: nothing of theirs depends on it, but a failed bootstrap should stop the start.
    services.push(hub, accounts, http, webSocket, relaySockets, {
      // A process stopped between completing a course and recording its trainings finishes the job here;
      // the leader alone does it, so two processes never record one training twice.
      start: async () => {
        if (!leader.leading) return;
        const issued = await training.issueCompletedCourses();
        if (issued > 0) logger.info(`training: recorded ${issued} trainings of completed courses`);
      },
      stop: () => Promise.resolve(),
    });
    for (const service of services) await service.start();
    // The first read of the credit lists decodes every registry record (seconds at national scale): the
    // records are decoded now, in the background, so that read only decodes what changed since. (The lists
    // themselves are not computed here: a list computed before the records arrive would be served as fresh.)
    void registryRecords.readCreditFacts({ now: Date.now() }).catch((error: unknown) => {
      logger.error(
        `credit lists: decoding the registry at start failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });

    const adminLine =
      config.adminToken !== undefined
        ? '  管理令牌 / admin token: JZ_HUB_ADMIN_TOKEN'
        : admin.created
          ? `  管理令牌 / admin token (new, kept in ${resolve(config.dataDir, 'admin-token')}): ${admin.token}`
          : `  管理令牌 / admin token: in ${resolve(config.dataDir, 'admin-token')}`;
    const { directoryId } = hub.identity();
    banner = [
      `家政服务网络 中心枢纽 v${HUB_VERSION} 已启动 / Jiazheng hub v${HUB_VERSION} is running`,
      `  地址 / URL: ${http.url}`,
      consoleDir === undefined
        ? '  中心控制台 / console: none (build the PWA, or set JZ_HUB_PWA_DIR)'
        : `  中心控制台 / console: ${http.url}${CONSOLE_BASE}/`,
      `  同步 / sync: ${http.url.replace(/^http/, 'ws')}/sync, ${http.url.replace(/^http/, 'ws')}/yjs/<recordId>`,
      `  录音中继 / recording relay: ${http.url.replace(/^http/, 'ws')}/relay/recordings (appliances connect here)`,
      `  设备 / device: ${key.deviceId}${key.created ? ' (new)' : ''}`,
      `  名录 / directory: ${directoryId}`,
      `  存储 / store: ${description}${config.redisUrl === undefined ? '' : ', Redis fan-out to the other hub processes'}`,
      `  统计投影 / projections: ${leader.leading ? 'this process (leader)' : 'another hub process leads; standing by'}`,
      `  数据目录 / data directory: ${resolve(config.dataDir)}`,
      adminLine,
      reportRecipientsLine(config),
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

function reportRecipientsLine(config: HubConfig): string {
  if (config.reportRecipients === undefined) return '  统计报表邮件 / mailed report: off (JZ_HUB_SMTP_URL)';
  return `  统计报表邮件 / mailed report: ${config.reportSchedule}, to ${config.reportRecipients.join(', ')}`;
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
