import type { EnterpriseState, WorkerState } from '@jiazheng/sync/domain';
import type { CreditFacts } from '../domain/registry-credit';
import type { StaffActorFields } from '../domain/staff-actor';

/** One proposal of a registry record and what its home decided, naming who signed it. */
export type RegistryLogEntry = {
  type: string;
  userId: string;
  role: string;
  decision: 'accepted' | 'rejected' | 'pending';
  code?: string;
  field?: string;
  message?: string;
  at: number;
};

/** The registry's records as the hub (their home) holds them, and staff acts on them. */
export interface RegistryRecords {
  listEnterprises(): Promise<EnterpriseState[]>;
  /** Null when the hub holds no such record; `state` null when it holds one nothing was accepted in. */
  readEnterprise(options: {
    recordId: string;
  }): Promise<{ state: EnterpriseState | null; log: RegistryLogEntry[] } | null>;
  readWorker(options: { recordId: string }): Promise<WorkerState | null>;
  /** The workers registered for an enterprise (its record id), whatever their status. */
  listWorkers(options: { enterpriseId: string }): Promise<WorkerState[]>;
  /** Workers who have not left, per enterprise record id. */
  countWorkers(): Promise<Map<string, number>>;
  /** Signs the command as the staff account, publishes and decides it; throws the refusal as a DomainError. */
  propose(options: {
    recordId: string;
    command: { type: string; payload: unknown };
    staff: StaffActorFields;
  }): Promise<void>;
}

/** Everything the credit lists are computed from, one entry per enterprise record. */
export interface CreditFactsSource {
  readCreditFacts(options: { now: number }): Promise<CreditFacts[]>;
}
