import { createId } from '@jiazheng/sync/domain';
import type { OrderStep } from './seed-plan';

/** The records the registry seeding made, kept in the centre's state so a restart can refer to them. */
export type RegistryIds = {
  /** Same order as the plan's enterprises. */
  enterpriseIds: string[];
  /** Per enterprise, its workers' record ids in the plan's order. */
  workerIds: string[][];
};

/** One planned step as the order command its type names, with the plan's indexes turned into record ids. */
export function commandOf(options: { step: OrderStep; orderId: string; ids: RegistryIds }): {
  type: string;
  payload: unknown;
} {
  const { step, orderId, ids } = options;
  const enterpriseId = (index: number): string => {
    const id = ids.enterpriseIds[index];
    if (id === undefined) throw new Error(`no enterprise #${index}`);
    return id;
  };
  switch (step.type) {
    case 'receive':
      return {
        type: step.type,
        payload: {
          orderId,
          channel: step.channel,
          citizenPhone: step.citizen.phone,
          citizenName: step.citizen.name,
          itemCode: step.itemCode,
          urgency: step.urgency,
          address: step.address,
          wantedAt: null,
          durationMinutes: null,
          notes: step.notes,
        },
      };
    case 'answerInformation':
      return { type: step.type, payload: { answer: step.answer } };
    case 'awaitDispatch':
    case 'startService':
      return { type: step.type, payload: {} };
    case 'dispatch':
      return { type: step.type, payload: { enterpriseId: enterpriseId(step.enterprise) } };
    case 'decline':
      return {
        type: step.type,
        payload: { enterpriseId: enterpriseId(step.enterprise), reason: step.reason },
      };
    case 'accept': {
      const workerId = ids.workerIds[step.enterprise]?.[step.worker] ?? null;
      return { type: step.type, payload: { enterpriseId: enterpriseId(step.enterprise), workerId } };
    }
    case 'markServed':
      return { type: step.type, payload: { feeFen: step.feeFen } };
    case 'recordReturnVisit':
      return {
        type: step.type,
        payload: step.reached
          ? { reached: true, satisfaction: step.satisfaction, comment: step.comment }
          : { reached: false, comment: step.comment },
      };
    case 'cancel':
      return { type: step.type, payload: { reason: step.reason } };
    case 'openComplaint':
      return {
        type: step.type,
        payload: { complaintId: createId({ now: step.at }), kind: step.kind, description: step.description },
      };
  }
}
