import { createDeviceToken } from '@jiazheng/sync/records';
import {
  SyncClient,
  SyncServer,
  type WebSocketConnector,
  type WebSocketConstructor,
} from '@jiazheng/sync/relay';
import { findActiveSigner, type ClosingState } from '@jiazheng/sync/domain';
import {
  authenticateDevicePeer,
  createReplicaPolicy,
  digestRecords,
  HomeService,
  proposeToStore,
  reportStoredRecord,
  viewStoredRecord,
  type RecordDigests,
  type RecordReport,
  type SyncPeer,
} from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';
import { applianceUserId } from '@jiazheng/sync/domain';
import { planPwaEnrolment, type DirectoryUserSpec } from '../../domain/device-enrolment';
import type { DeviceEnroller, PwaEnrolmentResult } from '../../ports/device-enroller';
import type { HubProvisioner } from '../../ports/hub-provisioner';
import type { Logger } from '../../ports/logger';
import type { Service } from '../../ports/service';
import type { SyncAdmin, SyncStatus } from '../../ports/sync-admin';
import type { ClosingDecision, PeriodClosings } from '../../ports/period-closings';
import type { DeviceKey } from '@jiazheng/sync/node';
import { PublishingRecordStore } from './publishing-record-store';

const DIRECTORY_META_KEY = 'sync:directoryId';
const HUB_DEVICE_META_KEY = 'sync:hubDeviceId';
/** First wait before asking the hub again to enrol this appliance; doubles up to the reconnect maximum. */
const PROVISION_RETRY_MIN_MS = 1000;

export type ApplianceSyncOptions = {
  store: RecordStore;
  device: DeviceKey;
  countyCode: string;
  /** Unset: the appliance runs alone (its PWAs still sync with it once it has been enrolled). */
  hub: { url: string; reconnectMaxMs: number } | undefined;
  /** How to enrol at the hub when not yet enrolled; unset when no admin token was given. */
  provisioner: HubProvisioner | undefined;
  WebSocketImpl: WebSocketConstructor;
  logger: Logger;
  now?: () => number;
  random?: () => number;
};

/**
 * The appliance as a sync replica, wired as `sync/src/replica/simulation/sim-world.ts` wires it:
 * - a relay (SyncServer) for the county's PWAs, authenticating device tokens against the directory as
 *   the appliance sees it (its own pending enrolments included);
 * - the home of the county's orders (HomeService): whatever a PWA or the hub brings in is decided here,
 *   and the log entries are published to the PWAs and pushed to the hub;
 * - a SyncClient to the hub over WebSocket, reconnecting with backoff, with a fresh device token per
 *   attempt. Changes from the hub are stored through the relay, so the PWAs see them at once.
 * Until the appliance is enrolled at the hub (its directory id is known), no device can connect: it
 * keeps serving HTTP and retries the enrolment in the background.
 */
export class ApplianceSync implements Service, SyncAdmin, DeviceEnroller, PeriodClosings {
  readonly server: SyncServer<SyncPeer>;
  readonly #options: ApplianceSyncOptions;
  readonly #now: () => number;
  readonly #client: SyncClient | null;
  readonly #ordersPrefix: string;
  /** The county's period closings: homed here like its orders. */
  readonly #closingsPrefix: string;
  /** The store as the appliance's own proposals write it: each one is broadcast to the PWAs at once. */
  readonly #localWrites: PublishingRecordStore;
  /**
   * Enrolments one at a time: two requests for one device id with different keys must not both see it
   * free, or the second would be pending here (and skipped by the view) while its PWA got a 200.
   */
  #enrolling: Promise<unknown> = Promise.resolve();
  #home: HomeService | null = null;
  #directoryId: string | null = null;
  #connector: WebSocketConnector | null = null;
  #running = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #provisionFailures = 0;
  #provisionAbort: AbortController | null = null;
  /** The background enrolment in flight, so stop() can wait for it. */
  #work: Promise<void> = Promise.resolve();

  constructor(options: ApplianceSyncOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#ordersPrefix = `order:${options.countyCode}:`;
    this.#closingsPrefix = `closing:${options.countyCode}:`;
    this.server = new SyncServer<SyncPeer>({
      store: options.store,
      serverId: options.device.deviceId,
      logger: options.logger,
      policy: createReplicaPolicy({
        self: { kind: 'appliance', countyCode: options.countyCode },
        sequence: ({ recordId }) => this.#home?.sequence({ recordId }) ?? Promise.resolve(),
        // A PWA's write goes on to the hub.
        forward: ({ recordId }) => this.#client?.notifyLocalChange({ recordId }),
      }),
    });
    this.#localWrites = new PublishingRecordStore({
      store: options.store,
      publish: (update) => this.server.publish(update),
    });
    this.#client =
      options.hub === undefined
        ? null
        : new SyncClient({
            store: new PublishingRecordStore({
              store: options.store,
              publish: (update) => this.server.publish(update),
            }),
            clientId: options.device.deviceId,
            cursorKey: 'cursor:hub',
            logger: options.logger,
            onRecordChange: ({ recordId }) => {
              // A central user's proposal on one of our orders reaches its home this way.
              if (recordId.startsWith(this.#ordersPrefix) || recordId.startsWith(this.#closingsPrefix))
                this.#sequenceInBackground({ recordId });
            },
          });
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    const directoryId = await this.#options.store.getMeta({ key: DIRECTORY_META_KEY });
    if (directoryId !== null) {
      await this.#begin({ directoryId });
      return;
    }
    if (this.#options.provisioner === undefined) {
      this.#options.logger.info(
        '同步未启用 / sync is off: this appliance is not enrolled at a hub; set HUB_URL and HUB_ADMIN_TOKEN',
      );
      return;
    }
    // In the background: the county's HTTP service must not wait for a hub that may be unreachable.
    this.#work = this.#provision();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#provisionAbort?.abort();
    await this.#work;
    await this.#enrolling;
    const connector = this.#connector;
    this.#connector = null;
    await connector?.stop();
    await this.server.stop();
    await this.#home?.idle();
  }

  /** The peer a device token stands for, or null (the upgrade is refused with 401). */
  async authenticate(token: string): Promise<SyncPeer | null> {
    const home = this.#home;
    if (!home) return null;
    const result = await authenticateDevicePeer({
      token,
      directory: await home.directory(),
      now: this.#now(),
    });
    if (!result.ok) {
      this.#options.logger.info(`sync: refused a connection: ${result.reason}`);
      return null;
    }
    const { peer } = result;
    // The appliance serves its county's PWAs (and central staff visiting); other replicas talk to the hub.
    if (peer.kind !== 'pwa' || (peer.countyCode !== null && peer.countyCode !== this.#options.countyCode)) {
      this.#options.logger.info(
        `sync: refused ${peer.id}: a ${peer.kind} of ${peer.countyCode ?? 'the centre'}`,
      );
      return null;
    }
    return peer;
  }

  /**
   * Enrols a logged-in user's browser key: proposes registerUser (if the user is not in the directory as
   * the appliance sees it) and enrolDevice, signed by the appliance as its county's system user. They stay
   * pending until the hub decides them, and `authenticate` honours them meanwhile, so the PWA can open
   * its sync connection right away, also while the hub is unreachable.
   */
  enrolPwa(options: {
    user: DirectoryUserSpec;
    deviceId: string;
    publicKey: string;
  }): Promise<PwaEnrolmentResult> {
    const run = this.#enrolling.then(() => this.#enrolPwa(options));
    this.#enrolling = run.catch(() => undefined);
    return run;
  }

  async #enrolPwa(options: {
    user: DirectoryUserSpec;
    deviceId: string;
    publicKey: string;
  }): Promise<PwaEnrolmentResult> {
    const { user, deviceId, publicKey } = options;
    const { device, countyCode, logger } = this.#options;
    const home = this.#home;
    const directoryId = this.#directoryId;
    if (home === null || directoryId === null) {
      return { ok: false, code: 'not_enrolled', field: null, message: 'sync is not enrolled at a hub yet' };
    }
    if (user.countyCode !== countyCode) {
      return {
        ok: false,
        code: 'forbidden',
        field: 'userId',
        message: `userId: the appliance of ${countyCode} enrols only users of its county`,
      };
    }
    const directory = await home.directory();
    if (directory === null) {
      // Proposals to a directory not yet received would apply to nothing: the device would not be honoured.
      return {
        ok: false,
        code: 'not_enrolled',
        field: null,
        message: 'sync is not enrolled at a hub yet: the directory has not arrived from the hub',
      };
    }
    const plan = planPwaEnrolment({ directory, user, deviceId, publicKey });
    if (!plan.ok) return plan;
    if (plan.commands.length > 0) {
      let at = this.#now();
      for (const command of plan.commands) {
        await proposeToStore({
          store: this.#localWrites,
          recordId: directoryId,
          device,
          actor: { userId: applianceUserId({ countyCode }), role: 'system' },
          type: command.type,
          payload: command.payload,
          // Distinct, increasing times, as the hub gives a batch of its own: the log reads in order made.
          at: at++,
        });
      }
      this.#client?.notifyLocalChange({ recordId: directoryId });
      logger.info(
        `sync: enrolled ${deviceId} for ${user.userId} (${plan.commands.map((c) => c.type).join(', ')}), pending at the hub`,
      );
      const signer = findActiveSigner({ directory: await home.directory(), deviceId });
      if ('refused' in signer) {
        throw new Error(`sync: the enrolment of ${deviceId} is not in the directory view: ${signer.refused}`);
      }
    }
    return {
      ok: true,
      enrolment: { deviceId, userId: user.userId, role: user.role, countyCode, directoryId },
    };
  }

  async listClosings(): Promise<ClosingState[]> {
    const closings: ClosingState[] = [];
    let after = 0;
    for (;;) {
      const changes = await this.#options.store.listChanges({
        after,
        limit: 500,
        prefixes: [this.#closingsPrefix],
      });
      if (changes.length === 0) break;
      for (const change of changes) {
        const view = await viewStoredRecord({
          store: this.#options.store,
          recordId: change.recordId,
          deviceId: this.#options.device.deviceId,
        });
        // The accepted state only: a closing refused by the home (or not decided yet) closes nothing.
        const state = view?.accepted as ClosingState | null | undefined;
        if (state) closings.push(state);
      }
      after = changes.at(-1)?.seq ?? after;
    }
    return closings;
  }

  /**
   * Proposes a closing command signed by this appliance as its county's system user, and decides it at
   * once (this appliance is the closing's home); the record then syncs to the hub and the PWAs.
   */
  async proposeClosing(options: {
    recordId: string;
    type: 'closePeriod';
    payload: unknown;
  }): Promise<ClosingDecision | { outcome: 'not_enrolled'; message: string }> {
    const home = this.#home;
    if (home === null || (await home.directory()) === null) {
      return { outcome: 'not_enrolled', message: 'sync is not enrolled at a hub yet: nothing can be signed' };
    }
    const { device, countyCode } = this.#options;
    const { proposalId } = await proposeToStore({
      store: this.#localWrites,
      recordId: options.recordId,
      device,
      actor: { userId: applianceUserId({ countyCode }), role: 'system' },
      type: options.type,
      payload: options.payload,
      at: this.#now(),
    });
    await home.sequence({ recordId: options.recordId });
    this.#client?.notifyLocalChange({ recordId: options.recordId });
    const view = await viewStoredRecord({
      store: this.#options.store,
      recordId: options.recordId,
      deviceId: device.deviceId,
    });
    const conflict = view?.conflicts.find((c) => c.proposal.id === proposalId);
    if (conflict) {
      const { code, field, message } = conflict.entry;
      return { outcome: 'rejected', code, field, message };
    }
    if (!view || view.pending.some((p) => p.id === proposalId)) {
      return { outcome: 'rejected', code: 'internal', field: '', message: 'the home did not decide it' };
    }
    return { outcome: 'accepted', state: view.accepted as ClosingState };
  }

  status(): SyncStatus {
    const { hub, device } = this.#options;
    return {
      deviceId: device.deviceId,
      provisioned: this.#directoryId !== null,
      directoryId: this.#directoryId,
      hub: hub === undefined ? null : { url: hub.url, connected: this.#client?.connected ?? false },
    };
  }

  digest(options: { prefix: string }): Promise<RecordDigests> {
    return digestRecords({ store: this.#options.store, prefix: options.prefix });
  }

  report(options: { recordId: string }): Promise<RecordReport | null> {
    return reportStoredRecord({ store: this.#options.store, recordId: options.recordId });
  }

  async #provision(): Promise<void> {
    const { provisioner, device, countyCode, store, logger } = this.#options;
    if (!provisioner || !this.#running) return;
    const abort = new AbortController();
    this.#provisionAbort = abort;
    try {
      const answer = await provisioner.provisionAppliance({
        countyCode,
        deviceId: device.deviceId,
        publicKey: device.publicKey,
        signal: abort.signal,
      });
      if (!this.#running) return;
      // Saved only after the hub said yes: a crash before this just enrols again (the hub makes that a no-op).
      await store.setMeta({ key: HUB_DEVICE_META_KEY, value: answer.hubDeviceId });
      await store.setMeta({ key: DIRECTORY_META_KEY, value: answer.directoryId });
      logger.info(`sync: enrolled at the hub ${answer.hubDeviceId} as ${device.deviceId}`);
      await this.#begin({ directoryId: answer.directoryId });
    } catch (error) {
      if (!this.#running) return;
      this.#provisionFailures += 1;
      const ceiling = Math.min(
        this.#options.hub?.reconnectMaxMs ?? PROVISION_RETRY_MIN_MS,
        PROVISION_RETRY_MIN_MS * 2 ** (this.#provisionFailures - 1),
      );
      const delay = Math.round(ceiling / 2 + (this.#options.random ?? Math.random)() * (ceiling / 2));
      logger.error(
        `sync: cannot enrol at the hub yet (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`,
      );
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#work = this.#provision();
      }, delay);
    } finally {
      if (this.#provisionAbort === abort) this.#provisionAbort = null;
    }
  }

  /** Enrolled: become the home of the county's orders and start syncing with the PWAs and the hub. */
  async #begin(options: { directoryId: string }): Promise<void> {
    const { store, device, hub, logger } = this.#options;
    this.#directoryId = options.directoryId;
    const home = new HomeService({
      store,
      directoryId: options.directoryId,
      selfDeviceId: device.deviceId,
      publish: async ({ recordId, update }) => {
        const result = await this.server.publish({ recordId, update });
        this.#client?.notifyLocalChange({ recordId });
        return result;
      },
    });
    this.#home = home;
    // Proposals stored but not decided when the process last stopped (kill -9 included) are decided now.
    await home.recover({ prefixes: [this.#ordersPrefix, this.#closingsPrefix] });
    if (!this.#client || !hub || !this.#running) return;
    this.#connector = this.#client.connectWebSocket({
      url: async () => {
        const token = await createDeviceToken({ device, now: this.#now() });
        return `${hub.url.replace(/^http/, 'ws')}/sync?token=${encodeURIComponent(token)}`;
      },
      WebSocketImpl: this.#options.WebSocketImpl,
      maxDelayMs: hub.reconnectMaxMs,
      logger,
    });
    this.#connector.start();
  }

  #sequenceInBackground(options: { recordId: string }): void {
    const home = this.#home;
    if (!home) return;
    home
      .sequence(options)
      .catch((error: unknown) =>
        this.#options.logger.error(`sync: sequencing ${options.recordId} failed`, error),
      );
  }
}
