/**
 * Part of the composition root (main.ts): builds the telephony side — the switch (a real FreeSWITCH, or the
 * simulator when none is configured), the call service, recordings, accounts and the consoles' WebSocket —
 * from the configuration, on the appliance's shared PGlite.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Hono } from 'hono';
import { RecordingFiles } from './adapters/files/recording-files';
import { mountSmsRoutes } from './adapters/http/sms-routes';
import { PgliteSmsStore } from './adapters/pglite/pglite-sms-store';
import { GatewaySmsSender } from './adapters/sms/gateway-sms-sender';
import { SwitchSmsSender } from './adapters/sms/switch-sms-sender';
import { SmsService } from './services/sms-service';
import { EslCallControl } from './adapters/esl/esl-call-control';
import { mountOpsRoutes, type HealthReport, type MetricSample } from './adapters/http/ops-routes';
import { mountCallImportRoutes } from './adapters/http/call-import-routes';
import { mountTelephonyRoutes } from './adapters/http/telephony-routes';
import { PgliteAuthStore } from './adapters/pglite/pglite-auth-store';
import { PgliteCallStore } from './adapters/pglite/pglite-call-store';
import { PgliteCallerLookup } from './adapters/pglite/pglite-caller-lookup';
import { ConsoleWebSocket } from './adapters/ws/console-web-socket';
import type { ApplianceConfig } from './domain/appliance-config';
import type { RetentionPolicy } from './domain/calls/retention';
import type { CallControl } from './ports/call-control';
import type { ConsoleMessage } from './ports/console-publisher';
import type { Logger } from './ports/logger';
import type { Service } from './ports/service';
import type { SyncAdmin } from './ports/sync-admin';
import { CARRIER_GATEWAY, type Provisioning } from '@jiazheng/firmware-config/domain';
import { routeWith, simulatedSwitchFor } from './provisioned-switch';
import { AuthService } from './services/auth-service';
import { CallService, type RouteCall } from './services/call-service';
import { RecordingIndexer } from './services/recording-indexer';
import { RecordingRetention } from './services/recording-retention';
import { loadScenario } from './switch-simulator/scenario';
import { SwitchSimulator } from './switch-simulator/switch-simulator';
import { APPLIANCE_VERSION } from './version';

/** Calls are kept two years (complaints can come late); complaint evidence five. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  retentionDays: { default: 730, complaint: 1825 },
  quotaBytes: 200 * 1024 ** 3,
};

/** The simulator's county queue and its training seats when no scenario is given. */
const SIMULATOR_QUEUE = 'hotline';
const SIMULATOR_SEATS = ['1001', '1002', '1003', '1004'];
/** Any gateway name reaches a citizen's phone in the simulator. */
const SIMULATOR_GATEWAY = 'carrier';

export type Telephony = {
  /** In start order, after the HTTP service (the console WebSocket needs its server). */
  services: Service[];
  control: CallControl;
  calls: CallService;
  auth: AuthService;
  store: PgliteCallStore;
  simulator: SwitchSimulator | undefined;
  consoles: ConsoleWebSocket;
  recordingsDir: string;
  mountRoutes: (options: { app: Hono }) => void;
};

export async function composeTelephony(options: {
  config: ApplianceConfig;
  pglite: PGlite;
  http: { readonly server: Server };
  sync: SyncAdmin;
  logger: Logger;
  /** The county's provisioning file: queues, seats, routing (without it, one simulator queue). */
  provisioning?: Provisioning | undefined;
  retention?: RetentionPolicy | undefined;
}): Promise<Telephony> {
  const { config, pglite, logger, provisioning } = options;
  const agentDomain = provisioning?.sipDomain ?? 'default';
  const route: RouteCall | undefined =
    provisioning === undefined ? undefined : (call) => routeWith({ provisioning, ...call });
  const recordingsDir = resolve(config.recordingsDir);
  await mkdir(recordingsDir, { recursive: true, mode: 0o750 });
  const store = await PgliteCallStore.open({ pglite });
  // PGlite runs no autovacuum: without statistics the planner chose a plan that read every recording for
  // one screen pop (BENCH.md). ANALYZE samples, so it stays quick on millions of rows.
  await pglite.exec('ANALYZE');
  const files = new RecordingFiles({ root: recordingsDir });

  let simulator: SwitchSimulator | undefined;
  let control: CallControl;
  const services: Service[] = [];
  if (config.switch.kind === 'simulator') {
    // Loopback only, with a password nobody knows: the simulator is the appliance's own.
    const password = randomBytes(18).toString('base64url');
    const scenario =
      config.switch.scenario === undefined ? undefined : loadScenario({ path: config.switch.scenario });
    // Without a provisioning file: one queue and four training seats.
    const plan =
      provisioning === undefined
        ? {
            queues: [{ name: SIMULATOR_QUEUE }],
            agents: SIMULATOR_SEATS.map((seat) => ({
              name: `${seat}@default`,
              contact: `user/${seat}`,
              status: 'Logged Out' as const,
            })),
            tiers: SIMULATOR_SEATS.map((seat) => ({ queue: SIMULATOR_QUEUE, agent: `${seat}@default` })),
          }
        : simulatedSwitchFor({ provisioning });
    simulator = new SwitchSimulator({
      host: '127.0.0.1',
      port: 0,
      password,
      recordingsDir,
      ...plan,
      // A scenario brings its own queues and agents (and answers for them).
      ...(scenario === undefined
        ? {}
        : {
            queues: scenario.queues.length > 0 ? scenario.queues : plan.queues,
            agents: undefined,
            tiers: undefined,
          }),
      // Training: the seats ring until the call-taker answers in the console.
      phones: { seats: { answer: 'manual' } },
      logger: { info: () => undefined, error: (message, ...rest) => logger.error(message, ...rest) },
    });
    await simulator.start();
    if (scenario !== undefined) simulator.startScenario({ scenario });
    const sim = simulator;
    services.push({ start: () => Promise.resolve(), stop: () => sim.stop() });
    control = new EslCallControl({
      host: '127.0.0.1',
      port: simulator.port,
      password,
      kind: 'simulator',
      logger,
    });
  } else {
    control = new EslCallControl({
      host: config.switch.host,
      port: config.switch.port,
      password: config.switch.password,
      kind: 'freeswitch',
      logger,
    });
  }

  const auth = new AuthService({ store: new PgliteAuthStore({ db: store.db }), logger });
  const bootstrap = await auth.bootstrapAdmin({ password: config.bootstrapAdminPassword });
  if (bootstrap === 'skipped') {
    logger.info('auth: no users yet; set BOOTSTRAP_ADMIN_PASSWORD to create user admin');
  }
  const indexer = new RecordingIndexer({ files, store, logger });
  const retention = new RecordingRetention({
    files,
    store,
    policy: options.retention ?? DEFAULT_RETENTION,
    logger,
  });

  // Called only once consoles connect, by which time `calls` exists.
  const snapshot = (): ConsoleMessage[] => {
    const status = control.status();
    return [
      { type: 'switch', state: status.state, kind: status.kind, restarted: false },
      ...calls.live.agents().map((agent) => ({ type: 'agent' as const, agent })),
      ...calls.live.calls().map((call) => ({ type: 'call' as const, call })),
    ];
  };
  const consoles = new ConsoleWebSocket({
    http: options.http,
    authenticate: async (token) => {
      const user = await auth.authenticate({ token });
      return user === undefined ? undefined : { username: user.username, role: user.role, seat: user.seat };
    },
    snapshot,
    logger,
  });
  const sms = new SmsService({
    store: new PgliteSmsStore({ db: store.db }),
    publisher: consoles,
    logger,
    gatewaySender: config.sms.gateway === undefined ? undefined : new GatewaySmsSender(config.sms.gateway),
    switchSender:
      config.sms.switch === undefined ? undefined : new SwitchSmsSender({ control, ...config.sms.switch }),
    webhookToken: config.sms.webhookToken,
    defaultAreaCode: config.county.areaCode ?? undefined,
    ownNumbers: config.sms.ownNumbers,
  });
  const calls = new CallService({
    sms,
    control,
    store,
    lookup: new PgliteCallerLookup({ db: store.db, calls: store }),
    publisher: consoles,
    recordings: indexer,
    logger,
    defaultAreaCode: config.county.areaCode ?? undefined,
    route,
    recordingPath: ({ callId, at }) => join(recordingsDir, at.toISOString().slice(0, 10), `${callId}.wav`),
  });
  const callService = calls;
  // Stopped in reverse: SMS writes still pending drain after the switch link has stopped.
  services.push({ start: () => Promise.resolve(), stop: () => sms.idle() }, consoles, callService, retention);

  const health = async (): Promise<HealthReport> => {
    const problems: string[] = [];
    const switchStatus = control.status();
    if (switchStatus.state !== 'connected') {
      problems.push(
        `交换机未连接 / switch not connected (${switchStatus.address}${switchStatus.lastError === undefined ? '' : `: ${switchStatus.lastError}`})`,
      );
    }
    if (switchStatus.kind === 'simulator')
      problems.push('交换机模拟器运行中 / running on the switch SIMULATOR, not a real FreeSWITCH');
    const syncStatus = options.sync.status();
    if (syncStatus.hub !== null && !syncStatus.hub.connected)
      problems.push('中心枢纽未连接 / hub not connected');
    let database: HealthReport['database'];
    const started = performance.now();
    try {
      await pglite.query('SELECT 1');
      database = { state: 'ok', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      database = {
        state: 'down',
        latencyMs: null,
        error: error instanceof Error ? error.message : String(error),
      };
      problems.push('数据库不可用 / database down');
    }
    const indexed = indexer.stats();
    let freeBytes: number | null = null;
    try {
      freeBytes = (await files.disk()).freeBytes;
    } catch {
      problems.push('录音目录不可读 / recordings directory unreadable');
    }
    const lowDisk = freeBytes !== null && freeBytes < 1024 ** 3;
    if (lowDisk) problems.push('录音磁盘空间不足 1 GB / less than 1 GB free for recordings');
    if (indexed.missing > 0) problems.push(`${indexed.missing} 个录音文件缺失 / recording file(s) missing`);
    const { unrecorded } = calls.stats();
    if (unrecorded > 0) problems.push(`${unrecorded} 通电话未录音 / call(s) answered but not recorded`);
    const recordingsState =
      freeBytes === null ? 'down' : lowDisk || indexed.missing > 0 || unrecorded > 0 ? 'degraded' : 'ok';
    return {
      status:
        database.state === 'down'
          ? 'down'
          : problems.length > (switchStatus.kind === 'simulator' ? 1 : 0)
            ? 'degraded'
            : 'ok',
      county: config.county.code,
      version: APPLIANCE_VERSION,
      switch: {
        state: switchStatus.state,
        kind: switchStatus.kind,
        address: switchStatus.address,
        coreUuid: switchStatus.coreUuid,
        lastEventAt: switchStatus.lastEventAt,
        lastError: switchStatus.lastError,
      },
      hub: { configured: syncStatus.hub !== null, connected: syncStatus.hub?.connected ?? false },
      database,
      recordings: {
        state: recordingsState,
        dir: recordingsDir,
        freeBytes,
        missing: indexed.missing,
        refused: indexed.refused,
        unrecordedCalls: unrecorded,
      },
      problems,
    };
  };

  const metrics = async (): Promise<MetricSample[]> => {
    const switchStatus = control.status();
    const stats = callService.stats();
    const indexed = indexer.stats();
    const live = callService.live.calls();
    const agents = callService.live.agents();
    const disk = await files.disk().catch(() => undefined);
    const samples: MetricSample[] = [
      {
        name: 'jz_switch_connected',
        help: '1 when the Event Socket link is up',
        value: switchStatus.state === 'connected' ? 1 : 0,
      },
      {
        name: 'jz_switch_simulated',
        help: '1 when running on the switch simulator',
        value: switchStatus.kind === 'simulator' ? 1 : 0,
      },
      {
        name: 'jz_switch_reconnects_total',
        help: 'Event Socket reconnections',
        value: switchStatus.reconnects,
      },
      {
        name: 'jz_switch_events_total',
        help: 'events received from the switch',
        value: switchStatus.eventsReceived,
      },
      {
        name: 'jz_switch_events_rejected_total',
        help: 'events that could not be parsed',
        value: switchStatus.eventsRejected,
      },
      { name: 'jz_screen_pops_total', help: 'screen pops pushed to the consoles', value: stats.screenPops },
      {
        name: 'jz_screen_pop_failures_total',
        help: 'screen pops sent without history (lookup failed)',
        value: stats.screenPopFailures,
      },
      { name: 'jz_calls_recorded_total', help: 'call records from the switch', value: stats.callsRecorded },
      {
        name: 'jz_calls_reconstructed_total',
        help: 'call records rebuilt after a lost link',
        value: stats.callsReconstructed,
      },
      { name: 'jz_recordings_indexed_total', help: 'recordings indexed', value: indexed.indexed },
      {
        name: 'jz_calls_unrecorded_total',
        help: 'answered inbound calls the switch reported no recording for',
        value: stats.unrecorded,
      },
      {
        name: 'jz_recordings_missing_total',
        help: 'recordings reported but missing on disk',
        value: indexed.missing,
      },
      { name: 'jz_calls_live', help: 'calls in progress', value: live.length },
      {
        name: 'jz_calls_waiting',
        help: 'calls waiting in a queue',
        value: live.filter((call) => call.state === 'queued' || call.state === 'ringing').length,
      },
      { name: 'jz_consoles_connected', help: 'consoles on the WebSocket', value: consoles.stats().consoles },
      {
        name: 'jz_hub_connected',
        help: '1 when the link to the hub is up',
        value: options.sync.status().hub?.connected === true ? 1 : 0,
      },
      { name: 'process_resident_memory_bytes', help: 'resident set size', value: process.memoryUsage().rss },
    ];
    for (const status of new Set(agents.map((agent) => agent.status))) {
      samples.push({
        name: 'jz_agents',
        help: 'seats by mod_callcenter status',
        value: agents.filter((agent) => agent.status === status).length,
        labels: { status },
      });
    }
    const smsStats = sms.stats();
    samples.push(
      {
        name: 'jz_sms_received_total',
        help: 'SMS received (switch and gateway), each stored once',
        value: smsStats.received,
      },
      {
        name: 'jz_sms_duplicates_total',
        help: 'SMS delivered again and not stored again',
        value: smsStats.duplicates,
      },
      {
        name: 'jz_sms_ignored_total',
        help: 'MESSAGE events that were not a citizen SMS',
        value: smsStats.ignored,
      },
      {
        name: 'jz_sms_webhook_refused_total',
        help: 'webhook calls refused (token or body)',
        value: smsStats.webhookRefused,
      },
      {
        name: 'jz_sms_replies_sent_total',
        help: 'SMS replies accepted by the sender',
        value: smsStats.repliesSent,
      },
      {
        name: 'jz_sms_replies_failed_total',
        help: 'SMS replies the sender refused',
        value: smsStats.repliesFailed,
      },
      { name: 'jz_sms_inbox_new', help: 'SMS waiting in the inbox', value: await sms.inboxSize() },
    );
    if (disk !== undefined) {
      samples.push({
        name: 'jz_recordings_disk_free_bytes',
        help: 'free bytes for recordings',
        value: disk.freeBytes,
      });
    }
    return samples;
  };

  return {
    services,
    control,
    calls: callService,
    auth,
    store,
    simulator,
    consoles,
    recordingsDir,
    mountRoutes: ({ app }) => {
      mountTelephonyRoutes({
        app,
        auth,
        calls: callService,
        store,
        control,
        files,
        agentName: ({ seat }) => `${seat}@${agentDomain}`,
        defaultAreaCode: config.county.areaCode ?? undefined,
        outbound: {
          gateway: provisioning === undefined ? SIMULATOR_GATEWAY : CARRIER_GATEWAY,
          callerIdNumber: provisioning?.carrier.outboundCallerId,
        },
      });
      mountCallImportRoutes({
        app,
        authenticate: (token) => auth.authenticate({ token }),
        store,
        agentName: ({ seat }) => `${seat}@${agentDomain}`,
        defaultAreaCode: config.county.areaCode ?? undefined,
      });
      mountSmsRoutes({ app, sms, authenticate: (token) => auth.authenticate({ token }) });
      mountOpsRoutes({ app, health, metrics });
    },
  };
}
