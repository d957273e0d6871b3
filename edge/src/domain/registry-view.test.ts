import type { EnterpriseState, WorkerState } from '@jiazheng/sync/domain';
import { expect, test } from 'vitest';
import { matchesRegistryQuery, sortEnterpriseRows, toWorkerRow } from './registry-view';

const day = 24 * 3600 * 1000;
const now = Date.parse('2026-11-30T02:00:00Z');

function enterprise(name: string, status: EnterpriseState['status'], appliedAt: number): EnterpriseState {
  return {
    id: `enterprise:hub:${name}`,
    kind: 'enterprise',
    status,
    name,
    licenceNumber: '91330106MA27XL0R2J',
    contactName: '王',
    contactPhone: '+8657188886666',
    items: ['FAM-CLEANING'],
    counties: ['330106'],
    documents: [],
    appliedAt,
    review: null,
    agreement: null,
    sanctions: [],
    suspendedUntil: null,
    updatedAt: appliedAt,
  };
}

test('waiting applications first, oldest first; then the rest by name as a Chinese reader sorts', () => {
  const rows = [
    enterprise('西湖家政', 'active', 1),
    enterprise('新申请', 'applied', 30),
    enterprise('阿福家政', 'suspended', 2),
    enterprise('审核中', 'under_review', 20),
    enterprise('被拒家政', 'rejected', 3),
  ];
  expect(sortEnterpriseRows({ rows }).map((r) => r.name)).toEqual([
    '审核中',
    '新申请',
    '阿福家政',
    '被拒家政',
    '西湖家政',
  ]);
});

test('filters: status, kind, and a name or licence substring in any case', () => {
  const state = enterprise('西湖好帮手家政', 'applied', 1);
  expect(matchesRegistryQuery({ state, query: {} })).toBe(true);
  expect(matchesRegistryQuery({ state, query: { q: '好帮手' } })).toBe(true);
  expect(matchesRegistryQuery({ state, query: { q: 'ma27' } })).toBe(true);
  expect(matchesRegistryQuery({ state, query: { q: '阿福' } })).toBe(false);
  expect(matchesRegistryQuery({ state, query: { status: 'applied', kind: 'enterprise' } })).toBe(true);
  expect(matchesRegistryQuery({ state, query: { status: 'active' } })).toBe(false);
  expect(matchesRegistryQuery({ state, query: { kind: 'volunteer' } })).toBe(false);
});

test('a worker is dispatchable while active with valid pre-post training; expiry or suspension ends it', () => {
  const worker: WorkerState = {
    id: 'worker:hub:01JBQ5M8X00000000000000001',
    enterpriseId: 'enterprise:hub:01JBQ5M8X00000000000000001',
    name: '张阿姨',
    idNumberMasked: '110105********002X',
    phone: null,
    status: 'active',
    healthCertificateValidUntil: null,
    backgroundCheckedAt: null,
    backgroundCheckReference: null,
    certificates: [],
    trainings: [
      {
        courseCode: 'PRE-001',
        courseName: '岗前培训',
        grants: 'pre_post_training',
        hours: 40,
        examScore: 75,
        passMark: 60,
        completedAt: now - 30 * day,
        validUntil: now + day,
      },
    ],
    statusChanges: [],
    registeredAt: now - 40 * day,
    registeredBy: 'hub:officer',
    updatedAt: now - 30 * day,
  };
  expect(toWorkerRow({ state: worker, at: now })).toMatchObject({ dispatchable: true, trainingValid: true });
  expect(toWorkerRow({ state: worker, at: now + 2 * day })).toMatchObject({
    dispatchable: false,
    trainingValid: false,
  });
  expect(toWorkerRow({ state: { ...worker, status: 'suspended' }, at: now })).toMatchObject({
    dispatchable: false,
    trainingValid: true,
  });
  const failed = { ...worker, trainings: worker.trainings.map((t) => ({ ...t, examScore: 40 })) };
  expect(toWorkerRow({ state: failed, at: now })).toMatchObject({
    dispatchable: false,
    trainingValid: false,
  });
});
