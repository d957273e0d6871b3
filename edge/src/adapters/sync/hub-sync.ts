import {
  createId,
  DomainError,
  DomainErrorCode,
  formatRecordId,
  formatRegionName,
  type DirectoryState,
  type Role,
} from '@jiazheng/sync/domain';
import {
  exportPrivateKey,
  exportPublicKey,
  generateDeviceKeys,
  importPrivateKey,
  loadRecordDoc,
  proposeCommand,
  readRecordSnapshot,
  type SigningDevice,
  type TrustedSigner,
} from '@jiazheng/sync/records';
import { z } from 'zod';
import type { SyncServer } from '@jiazheng/sync/relay';
import {
  authenticateDevicePeer,
  createReplicaPolicy,
  digestRecords,
  HomeService,
  type ExclusiveRun,
  reportStoredRecord,
  type RecordDigests,
  type RecordReport,
  type SyncPeer,
} from '@jiazheng/sync/replica';
import type { RecordStore } from '@jiazheng/sync/storage';
import { applianceUserId } from '@jiazheng/sync/domain';
import type { ApplianceProvision, DeviceProvision } from '../../domain/provision-requests';
import type { HubOperations, ProvisionResult } from '../../ports/hub-operations';
import type { Logger } from '../../ports/logger';
import type { Service } from '../../ports/service';
import type { DeviceKey } from '@jiazheng/sync/node';
import { ContactTrackingSyncServer, SyncContacts } from './sync-contacts';

/** The hub's own system user: it signs the directory's bootstrap and every enrolment made at the hub. */
export const HUB_USER_ID = 'hub';
const DIRECTORY_META_KEY = 'hub:directoryId';
/** What the hub is home of: the directory and the registry. Counties' orders are homed at their appliances. */
const HOME_PREFIXES = [
  'directory:',
  'enterprise:',
  'worker:',
  'inspection:',
  'complaint:',
  'course:',
] as const;

/** One command to sign at the hub; its record kind's schema checks the payload when it is decided. */
export type HubCommand = { type: string; payload: unknown };

/** A hub staff account acting through the hub: its directory user is `hub:<username>`. */
export type StaffActor = { username: string; name: string; role: Role; countyCode: string | null };

export function staffUserId(options: { username: string }): string {
  return `hub:${options.username}`;
}

const staffKeySchema = z.object({
  deviceId: z.string().min(1).max(64),
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateJwk: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), d: z.string() }),
});

/**
 * The hub as a sync replica: the relay every appliance and central PWA connects to, and the home of the
 * directory and the registry. At first start it creates the directory record and enrols its own device,
 * through signed proposals it sequences itself (its device is trusted without the directory, which does
 * not exist yet). Enrolments asked for over HTTP go the same way: proposed as the hub, decided by the
 * hub's sequencer, published to every connected replica.
 */
export class HubSync implements Service, HubOperations {
  readonly server: SyncServer<SyncPeer>;
  /** When each device's sync connection last opened, closed or sent a frame (the appliances view). */
  readonly contacts: SyncContacts;
  readonly #store: RecordStore;
  readonly #device: DeviceKey;
  readonly #logger: Logger;
  readonly #now: () => number;
  #home: HomeService | null = null;
  #directoryId: string | null = null;
  readonly #staffKeys = new Map<string, DeviceKey>();

  readonly #exclusive: ExclusiveRun | undefined;

  constructor(options: {
    store: RecordStore;
    device: DeviceKey;
    logger: Logger;
    now?: () => number;
    /** Several hub processes on one PostgreSQL: one of them at a time decides a given record. */
    exclusive?: ExclusiveRun;
  }) {
    this.#exclusive = options.exclusive;
    this.#store = options.store;
    this.#device = options.device;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.contacts = new SyncContacts({ store: options.store, now: this.#now });
    this.server = new ContactTrackingSyncServer({
      contacts: this.contacts,
      store: options.store,
      serverId: options.device.deviceId,
      logger: options.logger,
      policy: createReplicaPolicy({
        self: { kind: 'hub' },
        sequence: ({ recordId }) => this.#requireHome().sequence({ recordId }),
      }),
    });
  }

  identity(): { deviceId: string; directoryId: string } {
    this.#requireHome();
    return { deviceId: this.#device.deviceId, directoryId: this.#directoryId ?? '' };
  }

  async start(): Promise<void> {
    if (this.#home) return;
    let directoryId = await this.#store.getMeta({ key: DIRECTORY_META_KEY });
    if (directoryId === null) {
      directoryId = formatRecordId({ kind: 'directory', scope: 'hub', id: createId() });
      // Kept before anything is proposed, so a crash halfway through the bootstrap resumes the same record.
      await this.#store.setMeta({ key: DIRECTORY_META_KEY, value: directoryId });
    }
    this.#directoryId = directoryId;
    const trusted: TrustedSigner = {
      deviceId: this.#device.deviceId,
      publicKey: this.#device.publicKey,
      userId: HUB_USER_ID,
      role: 'system',
      countyCode: null,
    };
    this.#home = new HomeService({
      store: this.#store,
      directoryId,
      selfDeviceId: this.#device.deviceId,
      trusted: [trusted],
      ...(this.#exclusive && { exclusive: this.#exclusive }),
      publish: ({ recordId, update }) => this.server.publish({ recordId, update }),
    });
    const recovered = await this.#home.recover({ prefixes: HOME_PREFIXES });
    if (recovered > 0)
      this.#logger.info(`sync: checked ${recovered} hub-homed records for undecided proposals`);
    await this.#bootstrapDirectory();
  }

  async stop(): Promise<void> {
    await this.server.stop();
    await this.#home?.idle();
  }

  /** Decides the undecided proposals of a record the hub is the home of (the registry, the directory). */
  async sequence(options: { recordId: string }): Promise<void> {
    await this.#requireHome().sequence(options);
  }

  /** The directory as the hub holds it; null before start. */
  async directory(): Promise<DirectoryState | null> {
    return this.#home ? this.#home.directory() : null;
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
    if (result.ok) return result.peer;
    this.#logger.info(`sync: refused a connection: ${result.reason}`);
    return null;
  }

  async provisionAppliance(options: ApplianceProvision): Promise<ProvisionResult> {
    const userId = applianceUserId({ countyCode: options.countyCode });
    return this.#enrol({
      user: {
        userId,
        name: `${formatRegionName({ code: options.countyCode })} 设备`.slice(0, 40),
        role: 'system',
        countyCode: options.countyCode,
      },
      device: { deviceId: options.deviceId, kind: 'appliance', publicKey: options.publicKey, userId },
    });
  }

  async provisionDevice(options: DeviceProvision): Promise<ProvisionResult> {
    return this.#enrol({
      user: {
        userId: options.userId,
        name: options.name,
        role: options.role,
        countyCode: options.countyCode,
      },
      device: {
        deviceId: options.deviceId,
        kind: options.kind,
        publicKey: options.publicKey,
        userId: options.userId,
      },
    });
  }

  /**
   * Revokes a device in the directory, signed by the hub as its system user (the reason names who asked,
   * since the hub's signature cannot). Its next sync connection is refused; one already open stays until
   * it closes, as with a revocation made anywhere else. Revoking twice proposes nothing.
   */
  async revokeDevice(options: { deviceId: string; reason: string }): Promise<void> {
    const directory = await this.#requireHome().directory();
    const device = directory?.devices[options.deviceId];
    if (!device) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'deviceId',
        message: `deviceId: no device ${options.deviceId} in the directory`,
      });
    }
    if (device.revokedAt !== null) return;
    await this.#proposeAndDecide({
      commands: [{ type: 'revokeDevice', payload: { deviceId: options.deviceId, reason: options.reason } }],
    });
  }

  /**
   * Disables a hub account's directory user (`hub:<username>`), signed by the administrator who disabled
   * the account (the directory lets administrators, not the hub's system user, disable users), so its
   * custodial key stops: the directory refuses the user's devices everywhere it syncs. False when the
   * account never acted through the hub (no such user); already disabled proposes nothing.
   */
  async disableStaffUser(options: { username: string; reason: string; by: StaffActor }): Promise<boolean> {
    const userId = await this.#staffUserIdOf({ username: options.username });
    const user = (await this.#requireHome().directory())?.users[userId];
    if (!user) return false;
    if (user.disabledAt !== null) return true;
    await this.propose({
      recordId: this.#directoryId ?? '',
      commands: [{ type: 'disableUser', payload: { userId, reason: options.reason } }],
      staff: options.by,
    });
    this.#staffKeys.delete(userId);
    return true;
  }

  /**
   * Gives a hub account enabled again a new directory user, since the directory cannot enable a disabled
   * one: `hub:<username>:2` (then `:3`, …) with a new custodial key, enrolled at its next act. Records
   * signed before keep naming the old user. Nothing to do when its user is not disabled (or it has none).
   */
  async renewStaffUser(options: { username: string }): Promise<string> {
    const directory = await this.#requireHome().directory();
    const current = await this.#staffUserIdOf(options);
    if (directory?.users[current]?.disabledAt == null) return current;
    const base = staffUserId(options);
    let generation = 2;
    while (directory.users[`${base}:${generation}`]) generation++;
    const next = `${base}:${generation}`;
    await this.#store.setMeta({ key: `hub:staffUserId:${options.username}`, value: next });
    return next;
  }

  /** The directory user an account signs as now: `hub:<username>`, or the one it got when enabled again. */
  async #staffUserIdOf(options: { username: string }): Promise<string> {
    return (
      (await this.#store.getMeta({ key: `hub:staffUserId:${options.username}` })) ?? staffUserId(options)
    );
  }

  digest(options: { prefix: string }): Promise<RecordDigests> {
    return digestRecords({ store: this.#store, prefix: options.prefix });
  }

  report(options: { recordId: string }): Promise<RecordReport | null> {
    return reportStoredRecord({ store: this.#store, recordId: options.recordId });
  }

  async #bootstrapDirectory(): Promise<void> {
    const directory = await this.#requireHome().directory();
    const commands: HubCommand[] = [];
    if (directory === null) {
      commands.push({ type: 'createDirectory', payload: { directoryId: this.#directoryId } });
    }
    if (!directory?.users[HUB_USER_ID]) {
      commands.push({
        type: 'registerUser',
        payload: { userId: HUB_USER_ID, name: '中心枢纽 hub', role: 'system', countyCode: null },
      });
    }
    if (!directory?.devices[this.#device.deviceId]) {
      commands.push({
        type: 'enrolDevice',
        payload: {
          deviceId: this.#device.deviceId,
          kind: 'hub',
          publicKey: this.#device.publicKey,
          userId: HUB_USER_ID,
        },
      });
    }
    if (commands.length === 0) return;
    await this.#proposeAndDecide({ commands });
    this.#logger.info(`sync: directory ${this.#directoryId ?? ''} set up with the hub's own device`);
  }

  /**
   * Registers (or renames) a user and enrols a device, proposing only what the directory lacks, so
   * repeating a provisioning adds nothing to the log. Refusals the directory would make are caught first
   * (a 409 rather than a rejected entry kept in the log forever).
   */
  async #enrol(options: {
    user: { userId: string; name: string; role: string; countyCode: string | null };
    device: { deviceId: string; kind: string; publicKey: string; userId: string };
  }): Promise<ProvisionResult> {
    const { user, device } = options;
    const directory = await this.#requireHome().directory();
    const existingUser = directory?.users[user.userId];
    const existingDevice = directory?.devices[device.deviceId];
    checkEnrolment({ directory, user, device });
    const commands: HubCommand[] = [];
    if (!existingUser || existingUser.name !== user.name)
      commands.push({ type: 'registerUser', payload: user });
    if (!existingDevice) commands.push({ type: 'enrolDevice', payload: device });
    if (commands.length > 0) await this.#proposeAndDecide({ commands });
    return {
      directoryId: this.#directoryId ?? '',
      hubDeviceId: this.#device.deviceId,
      userId: user.userId,
      deviceId: device.deviceId,
    };
  }

  /**
   * Signs the commands on a record the hub is home of, in order, publishes them (connected replicas get
   * each proposal with its log entry), decides them, and throws the first refusal as a DomainError naming
   * its field. Signed by the hub's own system user, or by a staff account acting through the hub (see
   * #staffSigner). Returns the proposal ids, in the order of the commands.
   */
  async propose(options: {
    recordId: string;
    commands: readonly HubCommand[];
    staff?: StaffActor;
  }): Promise<{ proposalIds: string[] }> {
    const { recordId } = options;
    if (!HOME_PREFIXES.some((prefix) => recordId.startsWith(prefix))) {
      throw new Error(`HubSync.propose: the hub is not the home of ${recordId}`);
    }
    const home = this.#requireHome();
    const signer = options.staff
      ? await this.#staffSigner(options.staff)
      : { device: this.#device, actor: { userId: HUB_USER_ID, role: 'system' } };
    const proposalIds = await this.#signAndPublish({ recordId, commands: options.commands, signer });
    await home.sequence({ recordId });
    const stored = await this.#store.readRecord({ recordId });
    const after = loadRecordDoc({ recordId, update: stored?.update ?? null });
    try {
      const { decided } = readRecordSnapshot({ doc: after, recordId });
      for (const id of proposalIds) {
        const entry = decided.get(id);
        if (entry?.outcome === 'accepted') continue;
        const code = entry?.outcome === 'rejected' && isDomainCode(entry.code) ? entry.code : 'conflict';
        throw new DomainError({
          code,
          field: entry?.outcome === 'rejected' ? entry.field : undefined,
          message: entry?.outcome === 'rejected' ? entry.message : `proposal ${id} was not decided`,
        });
      }
    } finally {
      after.destroy();
    }
    return { proposalIds };
  }

  /**
   * Signs the commands as the hub's system user on a record another replica is home of (a county's order),
   * stores and publishes them, and decides nothing: a connected home gets them at once and decides them,
   * one offline when it next syncs. The caller learns the outcome from the record's log as it comes back.
   */
  async proposeRemote(options: {
    recordId: string;
    commands: readonly HubCommand[];
  }): Promise<{ proposalIds: string[] }> {
    const { recordId } = options;
    if (HOME_PREFIXES.some((prefix) => recordId.startsWith(prefix))) {
      throw new Error(`HubSync.proposeRemote: the hub is the home of ${recordId}; use propose`);
    }
    const signer = { device: this.#device, actor: { userId: HUB_USER_ID, role: 'system' } };
    return { proposalIds: await this.#signAndPublish({ recordId, commands: options.commands, signer }) };
  }

  /** Publishing stores the update and sends it to every connected replica that reads the record. */
  async #signAndPublish(options: {
    recordId: string;
    commands: readonly HubCommand[];
    signer: { device: SigningDevice; actor: { userId: string; role: string } };
  }): Promise<string[]> {
    const { recordId, signer } = options;
    const record = await this.#store.readRecord({ recordId });
    // One document for the batch, so its proposals land in the order given.
    const doc = loadRecordDoc({ recordId, update: record?.update ?? null });
    const proposalIds: string[] = [];
    try {
      let at = this.#now();
      for (const command of options.commands) {
        const { proposalId, update } = await proposeCommand({
          doc,
          recordId,
          device: signer.device,
          actor: signer.actor,
          type: command.type,
          payload: command.payload,
          at: at++,
        });
        proposalIds.push(proposalId);
        await this.server.publish({ recordId, update });
      }
    } finally {
      doc.destroy();
    }
    return proposalIds;
  }

  /** Directory changes are the hub's own acts. */
  async #proposeAndDecide(options: { commands: readonly HubCommand[] }): Promise<void> {
    await this.propose({ recordId: this.#directoryId ?? '', commands: options.commands });
  }

  /**
   * The key a staff account signs with when it acts through the hub's HTTP API (a registry officer's
   * review, an inspector's ruling). The account's browser does not sync with the hub, so the hub keeps one
   * key per account, in the record store's meta so every hub process on one database signs alike, and
   * enrols it in the directory as that account's own user and device: the log then names the officer, not
   * the hub, and disabling the user in the directory stops the key. Made at the account's first act.
   */
  async #staffSigner(
    staff: StaffActor,
  ): Promise<{ device: SigningDevice; actor: { userId: string; role: string } }> {
    const userId = await this.#staffUserIdOf({ username: staff.username });
    const cached = this.#staffKeys.get(userId);
    const metaKey = `hub:staffKey:${userId}`;
    let key = cached;
    if (!key) {
      const text = await this.#store.getMeta({ key: metaKey });
      if (text !== null) {
        const kept = staffKeySchema.parse(JSON.parse(text));
        key = {
          deviceId: kept.deviceId,
          publicKey: kept.publicKey,
          privateKey: await importPrivateKey({ jwk: kept.privateJwk }),
        };
      } else {
        const pair = await generateDeviceKeys({ extractable: true });
        const made = {
          deviceId: `hub-staff:${createId()}`,
          publicKey: await exportPublicKey({ key: pair.publicKey }),
          privateJwk: await exportPrivateKey({ key: pair.privateKey }),
        };
        await this.#store.setMeta({ key: metaKey, value: JSON.stringify(made) });
        key = {
          deviceId: made.deviceId,
          publicKey: made.publicKey,
          privateKey: await importPrivateKey({ jwk: made.privateJwk }),
        };
      }
      this.#staffKeys.set(userId, key);
    }
    // Checked at every act, so a role or scope changed since, or a disabled user, is refused by name.
    await this.#enrol({
      user: { userId, name: staff.name, role: staff.role, countyCode: staff.countyCode },
      device: { deviceId: key.deviceId, kind: 'hub', publicKey: key.publicKey, userId },
    });
    return { device: key, actor: { userId, role: staff.role } };
  }

  #requireHome(): HomeService {
    if (!this.#home) throw new Error('HubSync: not started');
    return this.#home;
  }
}

/** The directory's own conflict rules, checked before proposing (see #enrol). */
function checkEnrolment(options: {
  directory: DirectoryState | null;
  user: { userId: string; role: string; countyCode: string | null };
  device: { deviceId: string; publicKey: string; userId: string };
}): void {
  const { directory, user, device } = options;
  const existingUser = directory?.users[user.userId];
  if (existingUser && (existingUser.role !== user.role || existingUser.countyCode !== user.countyCode)) {
    throw new DomainError({
      code: DomainErrorCode.conflict,
      field: 'userId',
      message: `userId: ${user.userId} already exists as ${existingUser.role} of ${existingUser.countyCode ?? 'the centre'}`,
    });
  }
  if (existingUser && existingUser.disabledAt !== null) {
    throw new DomainError({
      code: DomainErrorCode.conflict,
      field: 'userId',
      message: `userId: ${user.userId} is disabled`,
    });
  }
  const existingDevice = directory?.devices[device.deviceId];
  if (
    existingDevice &&
    (existingDevice.publicKey !== device.publicKey ||
      existingDevice.userId !== device.userId ||
      existingDevice.revokedAt !== null)
  ) {
    throw new DomainError({
      code: DomainErrorCode.conflict,
      field: 'deviceId',
      message: `deviceId: ${device.deviceId} is already enrolled with another key or user, or revoked`,
    });
  }
}

const domainCodes: ReadonlySet<string> = new Set(Object.values(DomainErrorCode));

export function isDomainCode(code: string): code is DomainErrorCode {
  return domainCodes.has(code);
}
