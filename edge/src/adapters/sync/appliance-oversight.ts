import { DomainError, DomainErrorCode, formatRegionName, type DirectoryState } from '@jiazheng/sync/domain';
import type { RecordStore } from '@jiazheng/sync/storage';
import { countyScope, scopeContains, type AccountScope } from '../../domain/hub-accounts';
import type { ApplianceOversight, ApplianceView } from '../../ports/appliance-oversight';
import type { SyncContacts } from './sync-contacts';

/** Past this many records a backlog is reported as "at least"; counting further only costs the store. */
export const MAX_BACKLOG_COUNT = 10_000;
const PAGE = 1000;

/**
 * Every appliance in the directory within `scope`, with what the hub knows of its sync: for the
 * technicians and administrators who look after the counties' machines.
 */
export async function listAppliances(options: {
  directory: DirectoryState | null;
  contacts: SyncContacts;
  store: RecordStore;
  scope: AccountScope;
  now?: number | undefined;
}): Promise<ApplianceView[]> {
  const { directory, contacts, store, scope } = options;
  const now = options.now ?? Date.now();
  if (directory === null) return [];
  const views: ApplianceView[] = [];
  for (const device of Object.values(directory.devices)) {
    if (device.kind !== 'appliance') continue;
    const countyCode = directory.users[device.userId]?.countyCode ?? null;
    // A county-less appliance is the centre's: only a country-wide scope sees it.
    const inScope =
      countyCode === null
        ? scope.level === 'country'
        : scopeContains({ outer: scope, inner: countyScope({ countyCode }) });
    if (!inScope) continue;
    const contact = contacts.get({ deviceId: device.deviceId });
    const lastAt = contact ? Math.max(contact.connectedAt, contact.lastFrameAt ?? 0) : null;
    const connected = contact !== undefined && contact.open > 0;
    views.push({
      deviceId: device.deviceId,
      userId: device.userId,
      county: countyCode === null ? null : { code: countyCode, name: formatRegionName({ code: countyCode }) },
      enrolledAt: new Date(device.enrolledAt).toISOString(),
      revoked:
        device.revokedAt === null
          ? null
          : { at: new Date(device.revokedAt).toISOString(), reason: device.revokeReason },
      lastContact:
        contact === undefined || lastAt === null
          ? null
          : {
              // Still connected means in contact now.
              at: new Date(connected ? now : Math.max(lastAt, contact.disconnectedAt ?? 0)).toISOString(),
              connected,
              connectedAt: new Date(contact.connectedAt).toISOString(),
              disconnectedAt:
                contact.disconnectedAt === null ? null : new Date(contact.disconnectedAt).toISOString(),
            },
      version: 'unknown',
      backlog:
        contact === undefined || countyCode === null
          ? null
          : await countBacklog({ store, after: contact.seqAtContact, countyCode }),
    });
  }
  return views.sort(
    (a, b) =>
      (a.county?.code ?? '').localeCompare(b.county?.code ?? '') || a.deviceId.localeCompare(b.deviceId),
  );
}

async function countBacklog(options: {
  store: RecordStore;
  after: number;
  countyCode: string;
}): Promise<NonNullable<ApplianceView['backlog']>> {
  let after = options.after;
  let records = 0;
  for (;;) {
    const page = await options.store.listChanges({
      after,
      limit: PAGE,
      prefixes: [`order:${options.countyCode}:`],
    });
    records += page.length;
    if (records >= MAX_BACKLOG_COUNT)
      return { records: MAX_BACKLOG_COUNT, atLeast: true, since: 'last_contact' };
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) return { records, atLeast: false, since: 'last_contact' };
    after = last.seq;
  }
}

/** The parts of HubSync the appliances view needs. */
export type OverseenHub = {
  directory(): Promise<DirectoryState | null>;
  revokeDevice(options: { deviceId: string; reason: string }): Promise<void>;
  readonly contacts: SyncContacts;
};

/** The hub's answer to the appliances view: its directory, its sync contacts and its store. */
export class HubApplianceOversight implements ApplianceOversight {
  readonly #hub: OverseenHub;
  readonly #store: RecordStore;
  readonly #now: () => number;

  constructor(options: { hub: OverseenHub; store: RecordStore; now?: () => number }) {
    this.#hub = options.hub;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
  }

  async list(options: { scope: AccountScope }): Promise<ApplianceView[]> {
    return listAppliances({
      directory: await this.#hub.directory(),
      contacts: this.#hub.contacts,
      store: this.#store,
      scope: options.scope,
      now: this.#now(),
    });
  }

  async revoke(options: { deviceId: string; reason: string; scope: AccountScope }): Promise<void> {
    const directory = await this.#hub.directory();
    const device = directory?.devices[options.deviceId];
    const countyCode = device ? (directory?.users[device.userId]?.countyCode ?? null) : null;
    const visible =
      device?.kind === 'appliance' &&
      (countyCode === null
        ? options.scope.level === 'country'
        : scopeContains({ outer: options.scope, inner: countyScope({ countyCode }) }));
    if (!visible) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'deviceId',
        message: `deviceId: no appliance ${options.deviceId} within your scope`,
      });
    }
    await this.#hub.revokeDevice({ deviceId: options.deviceId, reason: options.reason });
  }
}
