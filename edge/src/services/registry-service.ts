import {
  applyEnterpriseCommand,
  applyWorkerCommand,
  ApplyMode,
  buildRegisterWorkerPayload,
  createId,
  DomainError,
  DomainErrorCode,
  formatRecordId,
  Role,
  type EnterpriseState,
} from '@jiazheng/sync/domain';
import { COUNTRY_SCOPE, type HubRole } from '../domain/hub-accounts';
import { filterCreditLists, type CreditEntry, type CreditLists } from '../domain/registry-credit';
import type {
  CreditListQuery,
  EnterpriseCommandRequest,
  RegisterWorkerRequest,
  RegistryListQuery,
  WorkerCommandRequest,
} from '../domain/registry-requests';
import {
  matchesRegistryQuery,
  REVIEW_CHECKS,
  sortEnterpriseRows,
  toEnterpriseRow,
  toWorkerRow,
  type EnterpriseRow,
  type WorkerRow,
} from '../domain/registry-view';
import { staffActorOf, staffDirectoryUserId } from '../domain/staff-actor';
import type { IdentityVault } from '../ports/identity-vault';
import type { Logger } from '../ports/logger';
import type { RegistryLogEntry, RegistryRecords } from '../ports/registry-records';
import type { CreditListService } from './credit-list-service';
import { requireRole, requireScope, type HubPrincipal } from './hub-account-service';
import { asRequestError, recordNotFound } from './request-errors';

/** Who keeps the registry: its officers and the administrators. */
export const REGISTRY_ROLES: readonly HubRole[] = [Role.registryOfficer, Role.administrator];
/** Who reads the credit lists. */
export const CREDIT_READER_ROLES: readonly HubRole[] = [
  Role.registryOfficer,
  Role.qualityInspector,
  Role.centralOffice,
  Role.administrator,
];

export type EnterpriseDetail = {
  enterprise: EnterpriseRow;
  log: RegistryLogEntry[];
  workers: WorkerRow[];
  credit: CreditEntry | null;
  reviewChecks: readonly string[];
};

/**
 * The registry officer's work: reading the national registry and acting on it. The registry is national
 * (an enterprise serves counties of several provinces), so it needs an account of the whole country: a
 * province, city or county account is refused with 403, whatever its role. Every act is first tried on
 * the record's accepted state with the domain's own reducer, so a refusal is answered without a rejected
 * proposal left in the record's log for good; then it is signed as the acting account and decided by the
 * hub, whose decision is the one that counts.
 */
export class RegistryService {
  readonly #records: RegistryRecords;
  readonly #credit: CreditListService;
  readonly #identities: IdentityVault;
  readonly #logger: Logger;
  readonly #now: () => number;

  constructor(options: {
    records: RegistryRecords;
    credit: CreditListService;
    identities: IdentityVault;
    /** Where each reading of a full identity number is recorded (who, whose). */
    logger: Logger;
    now?: () => number;
  }) {
    this.#records = options.records;
    this.#credit = options.credit;
    this.#identities = options.identities;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  async listEnterprises(options: { by: HubPrincipal; query: RegistryListQuery }): Promise<EnterpriseRow[]> {
    requireRegistry(options.by, REGISTRY_ROLES);
    const states = (await this.#records.listEnterprises()).filter((state) =>
      matchesRegistryQuery({ state, query: options.query }),
    );
    const [entries, counts] = await Promise.all([this.#credit.entries(), this.#records.countWorkers()]);
    const rows = states.map((state) => this.#row({ state, entry: entries.get(state.id), counts }));
    return sortEnterpriseRows({ rows });
  }

  async enterpriseDetail(options: { by: HubPrincipal; recordId: string }): Promise<EnterpriseDetail> {
    requireRegistry(options.by, REGISTRY_ROLES);
    const { state, log } = await this.#requireEnterprise(options.recordId);
    const [entry, counts, workers] = await Promise.all([
      this.#credit.entryOf({ enterpriseId: state.id }),
      this.#records.countWorkers(),
      this.#records.listWorkers({ enterpriseId: state.id }),
    ]);
    const at = this.#now();
    return {
      enterprise: this.#row({ state, entry: entry ?? undefined, counts }),
      log,
      workers: workers.map((worker) => toWorkerRow({ state: worker, at })),
      credit: entry,
      reviewChecks: REVIEW_CHECKS,
    };
  }

  async enterpriseCommand(options: {
    by: HubPrincipal;
    recordId: string;
    request: EnterpriseCommandRequest;
  }): Promise<EnterpriseRow> {
    const { by, recordId, request } = options;
    requireRegistry(by, REGISTRY_ROLES);
    const { state } = await this.#requireEnterprise(recordId);
    const tried = applyEnterpriseCommand({ state, command: this.#command({ by, request }) });
    if (!tried.ok) throw asRequestError(tried.error);
    await this.#records.propose({ recordId, command: request, staff: staffActorOf({ account: by }) });
    this.#credit.invalidate();
    const after = await this.#requireEnterprise(recordId);
    const [entry, counts] = await Promise.all([
      this.#credit.entryOf({ enterpriseId: after.state.id }),
      this.#records.countWorkers(),
    ]);
    return this.#row({ state: after.state, entry: entry ?? undefined, counts });
  }

  async listWorkers(options: { by: HubPrincipal; enterpriseId: string }): Promise<WorkerRow[]> {
    requireRegistry(options.by, REGISTRY_ROLES);
    const at = this.#now();
    const workers = await this.#records.listWorkers({ enterpriseId: options.enterpriseId });
    return workers.map((state) => toWorkerRow({ state, at }));
  }

  /**
   * A worker the enterprise brings in, registered by the officer: the identity number checked (GB 11643)
   * and masked here, so only the masked one enters the record; the full one kept sealed in the vault,
   * and removed again if the hub refuses the registration (nothing half-applied).
   */
  async registerWorker(options: { by: HubPrincipal; request: RegisterWorkerRequest }): Promise<WorkerRow> {
    const { by, request } = options;
    requireRegistry(by, REGISTRY_ROLES);
    const found = await this.#records.readEnterprise({ recordId: request.enterpriseId });
    if (found === null || found.state === null) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'enterpriseId',
        message: `enterpriseId: the hub holds no enterprise ${request.enterpriseId}`,
      });
    }
    const enterprise = found.state;
    const at = this.#now();
    const workerId = formatRecordId({ kind: 'worker', scope: 'hub', id: createId({ now: at }) });
    const payload = buildRegisterWorkerPayload({
      workerId,
      enterpriseId: enterprise.id,
      name: request.name,
      idNumber: request.idNumber,
      phone: request.phone,
    });
    if (!payload.ok) throw payload.error;
    const command = { type: 'registerWorker', payload: payload.value };
    const tried = applyWorkerCommand({
      state: null,
      command: this.#command({ by, request: command }),
      context: {
        mode: ApplyMode.home,
        findEnterprise: (id) => (id === enterprise.id ? enterprise : undefined),
      },
    });
    if (!tried.ok) throw asRequestError(tried.error);
    await this.#identities.keep({ workerId, idNumber: request.idNumber.toUpperCase() });
    try {
      await this.#records.propose({ recordId: workerId, command, staff: staffActorOf({ account: by }) });
    } catch (error) {
      await this.#identities.forget({ workerId });
      throw error;
    }
    this.#credit.invalidate();
    const state = await this.#records.readWorker({ recordId: workerId });
    if (state === null) throw recordNotFound(workerId);
    return toWorkerRow({ state, at: this.#now() });
  }

  /** The full identity number, for a background check or a dispute; every reading is logged. */
  async revealIdentity(options: { by: HubPrincipal; recordId: string }): Promise<{ idNumber: string }> {
    const { by, recordId } = options;
    requireRegistry(by, REGISTRY_ROLES);
    if ((await this.#records.readWorker({ recordId })) === null) throw recordNotFound(recordId);
    const idNumber = await this.#identities.reveal({ workerId: recordId });
    if (idNumber === null) {
      throw new DomainError({
        code: DomainErrorCode.notFound,
        field: 'recordId',
        message: `recordId: no full identity number is kept for ${recordId} (registered elsewhere or imported masked)`,
      });
    }
    this.#logger.info(`registry: the identity number of ${recordId} was read by ${by.username} (${by.role})`);
    return { idNumber };
  }

  async workerCommand(options: {
    by: HubPrincipal;
    recordId: string;
    request: WorkerCommandRequest;
  }): Promise<WorkerRow> {
    const { by, recordId, request } = options;
    requireRegistry(by, REGISTRY_ROLES);
    const state = await this.#records.readWorker({ recordId });
    if (state === null) throw recordNotFound(recordId);
    const tried = applyWorkerCommand({
      state,
      command: this.#command({ by, request }),
      context: { mode: ApplyMode.replay },
    });
    if (!tried.ok) throw asRequestError(tried.error);
    await this.#records.propose({ recordId, command: request, staff: staffActorOf({ account: by }) });
    // A training or a suspension moves the enterprise's training share.
    this.#credit.invalidate();
    const after = await this.#records.readWorker({ recordId });
    if (after === null) throw recordNotFound(recordId);
    return toWorkerRow({ state: after, at: this.#now() });
  }

  async creditLists(options: { by: HubPrincipal; query?: CreditListQuery }): Promise<CreditLists> {
    requireRegistry(options.by, CREDIT_READER_ROLES);
    return filterCreditLists({ lists: await this.#credit.current(), kind: options.query?.kind });
  }

  #command(options: { by: HubPrincipal; request: { type: string; payload: unknown } }) {
    const at = this.#now();
    return {
      id: createId({ now: at }),
      type: options.request.type,
      actor: { userId: staffDirectoryUserId({ username: options.by.username }), role: options.by.role },
      at,
      payload: options.request.payload,
    };
  }

  async #requireEnterprise(recordId: string): Promise<{ state: EnterpriseState; log: RegistryLogEntry[] }> {
    const found = await this.#records.readEnterprise({ recordId });
    if (found === null || found.state === null) throw recordNotFound(recordId);
    return { state: found.state, log: found.log };
  }

  #row(options: {
    state: EnterpriseState;
    entry: CreditEntry | undefined;
    counts: Map<string, number>;
  }): EnterpriseRow {
    const { state, entry, counts } = options;
    return toEnterpriseRow({
      state,
      credit: entry === undefined ? null : { score: entry.score, list: entry.list },
      workerCount: counts.get(state.id) ?? 0,
    });
  }
}

export function requireRegistry(principal: HubPrincipal, roles: readonly HubRole[]): void {
  requireRole({ principal, roles });
  requireScope({ principal, scope: COUNTRY_SCOPE, field: 'scope' });
}
