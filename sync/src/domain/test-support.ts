// Builders shared by the domain's tests. Not part of the public API; excluded from coverage.
import { createId } from './ids';
import {
  applyEnterpriseCommand,
  type EnterpriseCommand,
  type EnterpriseState,
} from './enterprise/enterprise';
import { ReviewCheck } from './enterprise/enterprise';
import type { Role } from './roles';
import type { Qualification } from './qualifications';
import type { Worker } from './worker/worker';

export const day = 24 * 3_600_000;
export const t0 = Date.UTC(2026, 10, 1, 1, 0, 0);

export function command<T extends string, P>(options: {
  type: T;
  payload: P;
  role: Role;
  at?: number;
  userId?: string;
}): { id: string; type: T; payload: P; actor: { userId: string; role: Role }; at: number } {
  return {
    id: createId(),
    type: options.type,
    payload: options.payload,
    actor: { userId: options.userId ?? `u-${options.role}`, role: options.role },
    at: options.at ?? t0,
  };
}

export const allChecksPassed = Object.fromEntries(Object.values(ReviewCheck).map((c) => [c, true]));

export function makeEnterprise(options: {
  id: string;
  kind?: EnterpriseState['kind'];
  items?: string[];
  counties?: string[];
  validTo?: number;
  status?: 'active' | 'warned' | 'suspended' | 'blacklisted' | 'applied';
}): EnterpriseState {
  const steps: Omit<EnterpriseCommand, 'id' | 'actor' | 'at'>[] = [
    {
      type: 'apply',
      payload: {
        enterpriseId: options.id,
        kind: options.kind ?? 'enterprise',
        name: `${options.kind === 'volunteer' ? '志愿队' : '企业'} ${options.id}`,
        licenceNumber: options.kind === 'volunteer' ? null : '91330106MA27XL0R2J',
        contactName: '王经理',
        contactPhone: '+8657188886666',
        documents: [],
        items: options.items ?? ['FAM-NANNY'],
        counties: options.counties ?? ['330106'],
      },
    },
  ];
  if (options.status !== 'applied') {
    steps.push(
      { type: 'startReview', payload: {} },
      {
        type: 'approve',
        payload: {
          checklist: allChecksPassed,
          agreement: {
            number: `QA-${options.id}`,
            signedAt: t0 - day,
            validFrom: t0 - day,
            validTo: options.validTo ?? t0 + 365 * day,
          },
        },
      },
      { type: 'activate', payload: {} },
    );
  }
  if (options.status === 'warned' || options.status === 'suspended' || options.status === 'blacklisted') {
    const type =
      options.status === 'warned' ? 'warn' : options.status === 'suspended' ? 'suspend' : 'blacklist';
    steps.push(
      type === 'suspend'
        ? { type, payload: { reason: 'test', until: null } }
        : { type, payload: { reason: 'test' } },
    );
  }
  let state: EnterpriseState | null = null;
  for (const step of steps) {
    const result = applyEnterpriseCommand({
      state,
      command: { ...step, id: createId(), actor: { userId: 'officer', role: 'registry_officer' }, at: t0 },
    });
    if (!result.ok) throw result.error;
    state = result.value;
  }
  if (!state) throw new Error('no enterprise built');
  return state;
}

export function makeWorker(options: {
  id: string;
  enterpriseId: string;
  trained?: boolean;
  qualifications?: Qualification[];
  bookings?: Worker['bookings'];
  status?: Worker['status'];
}): Worker {
  return {
    id: options.id,
    enterpriseId: options.enterpriseId,
    name: '李阿姨',
    idNumberMasked: '330106********1234',
    status: options.status ?? 'active',
    healthCertificateValidUntil: t0 + 180 * day,
    backgroundCheckedAt: t0 - 30 * day,
    certificates: (options.qualifications ?? []).map((q) => ({
      qualification: q,
      number: `C-${q}`,
      validUntil: null,
    })),
    trainings:
      options.trained === false
        ? []
        : [
            {
              courseCode: 'PPT-2026',
              courseName: '岗前培训',
              grants: 'pre_post_training',
              hours: 40,
              examScore: 88,
              passMark: 60,
              completedAt: t0 - 10 * day,
              validUntil: t0 + 700 * day,
            },
          ],
    bookings: options.bookings ?? [],
  };
}
