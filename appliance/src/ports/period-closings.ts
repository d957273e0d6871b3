import type { ClosingState } from '@jiazheng/sync/domain';

/** The home's decision on a proposal the appliance made itself. */
export type ClosingDecision =
  | { outcome: 'accepted'; state: ClosingState }
  | { outcome: 'rejected'; code: string; field: string; message: string };

/**
 * The county's period closings as records: listed from the appliance's store (accepted state), and
 * proposed through the appliance's own signed-proposal path, decided at once since the appliance is
 * their home. `not_enrolled` while the appliance has no directory from a hub (nothing could be signed).
 */
export interface PeriodClosings {
  listClosings(): Promise<ClosingState[]>;
  proposeClosing(options: {
    recordId: string;
    type: 'closePeriod';
    payload: unknown;
  }): Promise<ClosingDecision | { outcome: 'not_enrolled'; message: string }>;
}
