import { createId } from '@jiazheng/sync/domain';
import {
  createDeviceToken,
  exportPublicKey,
  generateDeviceKeys,
  type SigningDevice,
} from '@jiazheng/sync/records';
import { SyncClient, type WebSocketConnector } from '@jiazheng/sync/relay';
import { proposeToStore, viewStoredRecord, type RecordDigests } from '@jiazheng/sync/replica';
import { MemoryRecordStore } from '@jiazheng/sync/storage/memory';
import { WebSocket } from 'ws';
import {
  APPLIANCE_DEMO_ACCOUNTS,
  DEMO_PASSWORD,
  HUB_DEMO_ACCOUNTS,
  type DemoCounty,
} from '../domain/demo-logins';
import type { CallSeed } from '../domain/call-plan';
import { commandOf, type RegistryIds } from '../domain/order-commands';
import { remainingToSeed } from '../domain/seed-ids';
import type { EnterpriseSeed, OrderSeed } from '../domain/seed-plan';
import { callJson, requestJson, waitFor } from './http-json';

const dayMs = 86_400_000;
/** Calls per import request: well under the appliance's limit of 40 and its 16 KB body limit. */
const CALL_BATCH = 25;

export type { RegistryIds };

export type ApplianceTarget = { county: DemoCounty; url: string; adminToken: string };

/** A device the seeding plays: a memory store kept in sync with the hub or an appliance. */
type Desk = {
  store: MemoryRecordStore;
  client: SyncClient;
  connector: WebSocketConnector;
  device: SigningDevice;
  actor: { userId: string; role: string };
};

async function newKeys(prefix: string): Promise<{ device: SigningDevice; publicKey: string }> {
  const keys = await generateDeviceKeys({ extractable: false });
  return {
    device: { deviceId: `${prefix}-${createId()}`, privateKey: keys.privateKey },
    publicKey: await exportPublicKey({ key: keys.publicKey }),
  };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(runners);
}

/**
 * Makes the demo data through the product's own doors: staff accounts over the hub's and the appliances'
 * account APIs; the registry as a registry officer's device enrolled at the hub, proposing signed
 * commands that the hub (their home) decides; each county's orders as its call-takers' devices, enrolled
 * at their appliance (`POST /api/devices`), proposing the history with the times it happened, decided by
 * the appliance (the orders' home) and synced on to the hub.
 */
export class DemoSeeder {
  private readonly desks: Desk[] = [];

  constructor(
    private readonly options: {
      hub: { url: string; adminToken: string };
      appliances: readonly ApplianceTarget[];
      log: (line: string) => void;
    },
  ) {}

  /** Closes the seeding devices' connections. */
  async stop(): Promise<void> {
    for (const desk of this.desks.splice(0)) await desk.connector.stop();
  }

  private connectDesk(options: {
    socketUrl: string;
    device: SigningDevice;
    actor: { userId: string; role: string };
  }): Desk {
    const store = new MemoryRecordStore();
    const client = new SyncClient({
      store,
      clientId: options.device.deviceId,
      cursorKey: 'cursor:centre-seed',
    });
    const connector = client.connectWebSocket({
      url: async () =>
        `${options.socketUrl}?token=${encodeURIComponent(await createDeviceToken({ device: options.device, now: Date.now() }))}`,
      WebSocketImpl: WebSocket,
      minDelayMs: 200,
      maxDelayMs: 1_000,
    });
    connector.start();
    const desk = { store, client, connector, device: options.device, actor: options.actor };
    this.desks.push(desk);
    return desk;
  }

  /**
   * Writes the proposals to the desk's store, then tells the sync client once: the record travels with all
   * of them and its home decides them in one round, instead of one round (and one database write) each.
   */
  private async proposeAll(
    desk: Desk,
    recordId: string,
    commands: readonly { type: string; payload: unknown; at: number }[],
  ): Promise<void> {
    for (const { type, payload, at } of commands)
      await proposeToStore({
        store: desk.store,
        device: desk.device,
        actor: desk.actor,
        recordId,
        type,
        payload,
        at,
      });
    desk.client.notifyLocalChange({ recordId });
  }

  /** Waits until the home decided every proposal of these records; returns the rejections' messages. */
  private async untilDecided(
    desk: Desk,
    recordIds: readonly string[],
    what: string,
    timeoutMs = 600_000,
  ): Promise<string[]> {
    const rejected: string[] = [];
    let left = [...recordIds];
    await waitFor({
      what,
      timeoutMs,
      intervalMs: 300,
      progress: (s) =>
        this.options.log(`  … ${what}: ${recordIds.length - left.length}/${recordIds.length} (${s} s)`),
      reportEveryMs: 10_000,
      check: async () => {
        const still: string[] = [];
        for (const recordId of left) {
          const view = await viewStoredRecord({
            store: desk.store,
            recordId,
            deviceId: desk.device.deviceId,
          });
          if (view === null || view.pending.length > 0) still.push(recordId);
          else
            for (const c of view.conflicts)
              rejected.push(`${recordId} ${c.proposal.type}: ${c.entry.message}`);
        }
        left = still;
        return left.length === 0 ? true : undefined;
      },
    });
    return rejected;
  }

  /** The ids a record's home holds under a prefix (from its digest, with the admin token). */
  private async idsAt(url: string, token: string, prefix: string): Promise<Set<string>> {
    const digests = await callJson<RecordDigests>({
      url: `${url}/api/sync/digest?prefix=${encodeURIComponent(prefix)}`,
      token,
    });
    return new Set(Object.keys(digests.records));
  }

  /** The hub's staff (idempotent: an account that exists is left as it is). */
  async seedHubAccounts(): Promise<void> {
    const { hub } = this.options;
    for (const account of HUB_DEMO_ACCOUNTS) {
      if (account.bootstrap) continue;
      await callJson({
        url: `${hub.url}/api/users`,
        token: hub.adminToken,
        body: {
          username: account.username,
          password: DEMO_PASSWORD,
          displayName: account.displayName,
          role: account.role,
          scope: account.scope,
        },
        alsoOk: [409],
      });
    }
  }

  /** Each appliance's call-takers and supervisor, made by its admin (idempotent too). */
  async seedApplianceAccounts(): Promise<void> {
    for (const appliance of this.options.appliances) {
      const admin = await this.login(appliance.url, 'admin');
      for (const account of APPLIANCE_DEMO_ACCOUNTS) {
        if (account.bootstrap) continue;
        await callJson({
          url: `${appliance.url}/api/users`,
          token: admin,
          body: {
            username: account.username,
            password: DEMO_PASSWORD,
            role: account.role,
            displayName: account.displayName,
            ...(account.seat === undefined ? {} : { seat: account.seat }),
          },
          alsoOk: [409],
        });
      }
    }
  }

  private async login(url: string, username: string): Promise<string> {
    const session = await callJson<{ token: string }>({
      url: `${url}/api/auth/login`,
      body: { username, password: DEMO_PASSWORD },
    });
    return session.token;
  }

  /**
   * The registry as the registry officer brings it in at the hub: each enterprise applied, reviewed
   * against the whole checklist, approved with its agreement, activated; then its workers registered with
   * their pre-post training and the certificates their items need. Records the hub already holds (a first
   * start interrupted here) are not proposed again.
   */
  async seedRegistry(enterprises: readonly EnterpriseSeed[], now: number): Promise<RegistryIds> {
    const { hub, log } = this.options;
    const keys = await newKeys('pwa-centre-registry');
    await callJson({
      url: `${hub.url}/api/provision/device`,
      token: hub.adminToken,
      body: {
        userId: 'registry',
        name: '钱进（企业登记）',
        role: 'registry_officer',
        countyCode: null,
        deviceId: keys.device.deviceId,
        publicKey: keys.publicKey,
        kind: 'pwa',
      },
    });
    const desk = this.connectDesk({
      socketUrl: `${hub.url.replace(/^http/, 'ws')}/sync`,
      device: keys.device,
      actor: { userId: 'registry', role: 'registry_officer' },
    });
    const checklist = Object.fromEntries(
      [
        'licence_valid',
        'scope_covers_services',
        'premises_verified',
        'liability_insurance',
        'staff_roster',
        'fee_schedule_published',
        'no_serious_violations',
      ].map((check) => [check, true]),
    );
    const enterpriseIds = enterprises.map((e) => e.id);
    const atHub = await this.idsAt(hub.url, hub.adminToken, 'enterprise:');
    const newEnterprises = remainingToSeed({ planned: enterprises, idOf: (e) => e.id, present: atHub });
    if (newEnterprises.done > 0)
      log(`  ${newEnterprises.done} 家企业已在中心 / enterprises already at the hub`);
    await eachLimited(
      newEnterprises.todo.map((e) => ({ e, id: e.id })),
      8,
      async ({ e, id }) => {
        await this.proposeAll(desk, id, [
          {
            type: 'apply',
            payload: {
              enterpriseId: id,
              kind: 'enterprise',
              name: e.name,
              licenceNumber: e.licenceNumber,
              contactName: e.contactName,
              contactPhone: e.contactPhone,
              documents: [],
              items: e.items,
              counties: e.counties,
            },
            at: now,
          },
          { type: 'startReview', payload: {}, at: now },
          { type: 'approve', payload: { checklist, agreement: { signedAt: now, ...e.agreement } }, at: now },
          { type: 'activate', payload: {}, at: now },
        ]);
      },
    );
    const refusedEnterprises = await this.untilDecided(
      desk,
      newEnterprises.todo.map((e) => e.id),
      'enterprises decided at the hub',
    );
    if (refusedEnterprises.length > 0)
      throw new Error(`enterprises refused: ${refusedEnterprises.join('; ')}`);
    log(`  ${enterprises.length} 家企业已登记 / enterprises active`);

    const workerIds = enterprises.map((e) => e.workers.map((w) => w.id));
    const workersAtHub = await this.idsAt(hub.url, hub.adminToken, 'worker:');
    const workers = remainingToSeed({
      planned: enterprises.flatMap((e) => e.workers.map((w) => ({ w, enterpriseId: e.id, id: w.id }))),
      idOf: (w) => w.id,
      present: workersAtHub,
    }).todo;
    await eachLimited(workers, 8, async ({ w, enterpriseId, id }) => {
      const commands: { type: string; payload: unknown; at: number }[] = [
        {
          type: 'registerWorker',
          payload: {
            workerId: id,
            enterpriseId,
            name: w.name,
            idNumberMasked: w.idNumberMasked,
            phone: w.phone,
          },
          at: now,
        },
      ];
      for (const qualification of w.qualifications) {
        commands.push(
          qualification === 'pre_post_training'
            ? {
                type: 'recordTraining',
                payload: {
                  training: {
                    courseCode: 'PRE-POST',
                    courseName: '家政服务岗前培训',
                    grants: 'pre_post_training',
                    hours: 40,
                    examScore: w.examScore,
                    passMark: 60,
                    completedAt: w.trainedAt,
                    validUntil: w.trainedAt + 3 * 365 * dayMs,
                  },
                },
                at: now,
              }
            : {
                type: 'addCertificate',
                payload: {
                  certificate: {
                    qualification,
                    number: `C-${createId().slice(-8)}`,
                    validUntil: now + 2 * 365 * dayMs,
                  },
                },
                at: now,
              },
        );
      }
      await this.proposeAll(desk, id, commands);
    });
    const refusedWorkers = await this.untilDecided(
      desk,
      workers.map((w) => w.id),
      'workers decided at the hub',
    );
    if (refusedWorkers.length > 0) throw new Error(`workers refused: ${refusedWorkers.join('; ')}`);
    log(`  ${workers.length} 名服务人员已登记并完成岗前培训 / workers registered and trained`);
    return { enterpriseIds, workerIds };
  }

  /** Waits until the appliance holds the same registry records as the hub (its orders are checked against them). */
  private async untilApplianceHasRegistry(appliance: ApplianceTarget, ids: readonly string[]): Promise<void> {
    const { hub } = this.options;
    const digestOf = async (url: string, token: string, prefix: string) =>
      (
        await callJson<RecordDigests>({
          url: `${url}/api/sync/digest?prefix=${encodeURIComponent(prefix)}`,
          token,
        })
      ).records;
    await waitFor({
      what: `${appliance.county.code}: the registry reaching the appliance`,
      timeoutMs: 300_000,
      intervalMs: 500,
      progress: (s) =>
        this.options.log(`  … ${appliance.county.code}: waiting for the registry to sync (${s} s)`),
      reportEveryMs: 10_000,
      check: async () => {
        for (const prefix of ['enterprise:', 'worker:']) {
          const [atHub, atAppliance] = await Promise.all([
            digestOf(hub.url, hub.adminToken, prefix),
            digestOf(appliance.url, appliance.adminToken, prefix),
          ]);
          for (const id of ids.filter((i) => i.startsWith(prefix)))
            if (atHub[id] === undefined || atHub[id] !== atAppliance[id]) return undefined;
        }
        return true;
      },
    });
  }

  /**
   * A county's history: its call-takers log in at the appliance, enrol a device each, and propose the
   * orders' commands with the times they happened; the appliance decides them. Orders the appliance already
   * holds (a first start interrupted in this county) are skipped: each went with all its commands at once.
   * Returns how many orders the county has and how many proposals the appliance refused (reported, not
   * fatal).
   */
  async seedOrders(options: {
    appliance: ApplianceTarget;
    orders: readonly OrderSeed[];
    enterprises: readonly EnterpriseSeed[];
    ids: RegistryIds;
    takers: readonly string[];
  }): Promise<{ orders: number; refused: string[] }> {
    const { appliance, orders, ids, log } = { ...options, log: this.options.log };
    const code = appliance.county.code;
    // The registry the orders refer to: the county's enterprises and their workers.
    const needed = options.enterprises.flatMap((e, i) =>
      e.counties.includes(code) ? [ids.enterpriseIds[i] ?? '', ...(ids.workerIds[i] ?? [])] : [],
    );
    await this.untilApplianceHasRegistry(appliance, needed);
    const desks: Desk[] = [];
    for (const username of options.takers) {
      const token = await this.login(appliance.url, username);
      const keys = await newKeys(`pwa-centre-${username}`);
      // 503 while the appliance is not enrolled at the hub yet: it is, in a moment.
      await waitFor({
        what: `${code}: enrolling ${username}'s device`,
        timeoutMs: 120_000,
        intervalMs: 500,
        check: async () => {
          const response = await requestJson({
            url: `${appliance.url}/api/devices`,
            token,
            body: { deviceId: keys.device.deviceId, publicKey: keys.publicKey },
          });
          if (response.status === 503) return undefined;
          if (response.status !== 200)
            throw new Error(`enrolling ${username}: ${response.status} ${JSON.stringify(response.body)}`);
          return true;
        },
      });
      desks.push(
        this.connectDesk({
          socketUrl: `${appliance.url.replace(/^http/, 'ws')}/sync`,
          device: keys.device,
          actor: { userId: `${code}-${username}`, role: 'call_taker' },
        }),
      );
    }
    const present = await this.idsAt(appliance.url, appliance.adminToken, `order:${code}:`);
    const { todo, done: already } = remainingToSeed({ planned: orders, idOf: (o) => o.id, present });
    if (already > 0)
      log(
        `  ${code}: ${already}/${orders.length} 张订单已在区县设备，续做其余 / orders already at the appliance, making the rest`,
      );
    await waitFor({
      what: `${code}: the call-takers' devices connecting`,
      timeoutMs: 60_000,
      check: () => Promise.resolve(desks.every((d) => d.client.connected) ? true : undefined),
    });

    const byDesk = new Map<Desk, string[]>();
    const started = Date.now();
    let done = 0;
    await eachLimited(todo, 6, async (order) => {
      const desk = desks[order.taker] ?? desks[0];
      if (desk === undefined) throw new Error('no call-taker to seed orders');
      if (order.steps.length === 0) return;
      const orderId = order.id;
      await this.proposeAll(
        desk,
        orderId,
        order.steps.map((step) => ({ ...commandOf({ step, orderId, ids }), at: step.at })),
      );
      const list = byDesk.get(desk) ?? [];
      list.push(orderId);
      byDesk.set(desk, list);
      done++;
      if (done % 50 === 0)
        log(
          `  ${code}: ${already + done}/${orders.length} 订单已提交 / orders proposed (${((Date.now() - started) / 1000).toFixed(0)} s)`,
        );
    });
    const refused: string[] = [];
    for (const [desk, list] of byDesk)
      refused.push(...(await this.untilDecided(desk, list, `${code}: orders decided at the appliance`)));
    return { orders: orders.length, refused };
  }

  /**
   * A county's past calls through the appliance's call-history import, as its administrator, in batches.
   * Idempotent (by call id), so an interrupted start simply imports them again. Returns how many the
   * appliance holds.
   */
  async seedCalls(options: { appliance: ApplianceTarget; calls: readonly CallSeed[] }): Promise<number> {
    const { appliance, calls } = options;
    const admin = await this.login(appliance.url, 'admin');
    let imported = 0;
    for (let i = 0; i < calls.length; i += CALL_BATCH) {
      const result = await callJson<{ imported: number }>({
        url: `${appliance.url}/api/calls/import`,
        token: admin,
        body: { calls: calls.slice(i, i + CALL_BATCH) },
      });
      imported += result.imported;
    }
    return imported;
  }

  /** Waits (at most `timeoutMs`) until the hub holds each county's orders as its appliance does. */
  async untilHubHasOrders(timeoutMs: number): Promise<boolean> {
    const { hub } = this.options;
    try {
      await waitFor({
        what: 'the orders reaching the hub',
        timeoutMs,
        intervalMs: 1_000,
        progress: (s) => this.options.log(`  … 订单同步到中心 / orders syncing to the hub (${s} s)`),
        reportEveryMs: 10_000,
        check: async () => {
          for (const appliance of this.options.appliances) {
            const prefix = encodeURIComponent(`order:${appliance.county.code}:`);
            const [atHub, atAppliance] = await Promise.all([
              callJson<RecordDigests>({
                url: `${hub.url}/api/sync/digest?prefix=${prefix}`,
                token: hub.adminToken,
              }),
              callJson<RecordDigests>({
                url: `${appliance.url}/api/sync/digest?prefix=${prefix}`,
                token: appliance.adminToken,
              }),
            ]);
            if (JSON.stringify(atHub.records) !== JSON.stringify(atAppliance.records)) return undefined;
          }
          return true;
        },
      });
      return true;
    } catch {
      return false;
    }
  }
}
