import { expect, test } from 'vitest';
import { day, makeWorker, t0 } from '../test-support';
import { maskIdNumber, validateIdNumber } from './identity-number';
import { checkWorkerEligibility, listWorkerQualifications, parseWorker } from './worker';

test('identity numbers are checked and masked', () => {
  expect(validateIdNumber({ idNumber: '11010519491231002X' })).toEqual({
    ok: true,
    value: { birthDate: '1949-12-31', gender: 'female', regionCode: '110105' },
  });
  expect(validateIdNumber({ idNumber: '33010619900101123x' }).ok).toBe(true);
  expect(maskIdNumber({ idNumber: '330106198512310026' })).toBe('330106********0026');
  const wrongCheck = validateIdNumber({ idNumber: '330106198512310027' });
  expect(wrongCheck.ok ? null : wrongCheck.error.message).toMatch(/check character/);
  const badDate = validateIdNumber({ idNumber: '330106198502300020' });
  expect(badDate.ok ? null : badDate.error.field).toBe('idNumber');
  expect(validateIdNumber({ idNumber: '12345' }).ok).toBe(false);
  expect(() => maskIdNumber({ idNumber: '330106198512310027' })).toThrow(/check character/);
  expect(() => maskIdNumber({ idNumber: 'abc' })).toThrow(/idNumber/);
});

test('qualifications come from certificates, passed trainings and the health certificate, while valid', () => {
  const w = makeWorker({ id: 'w1', enterpriseId: 'e1', qualifications: ['childcare_cert'] });
  expect([...listWorkerQualifications({ worker: w, at: t0 })].sort()).toEqual([
    'childcare_cert',
    'health_certificate',
    'pre_post_training',
  ]);
  // after the health certificate and the training expire
  expect([...listWorkerQualifications({ worker: w, at: t0 + 800 * day })]).toEqual(['childcare_cert']);
  const failed = { ...w, trainings: w.trainings.map((t) => ({ ...t, examScore: 40 })) };
  expect(listWorkerQualifications({ worker: failed, at: t0 }).has('pre_post_training')).toBe(false);
  const noScore = { ...w, trainings: w.trainings.map((t) => ({ ...t, examScore: null })) };
  expect(listWorkerQualifications({ worker: noScore, at: t0 }).has('pre_post_training')).toBe(false);
});

test('eligibility lists every reason and always demands pre-post training', () => {
  const untrained = makeWorker({ id: 'w2', enterpriseId: 'e1', trained: false, status: 'suspended' });
  const result = checkWorkerEligibility({ worker: untrained, required: ['elder_care_cert'], at: t0 });
  expect(result.eligible).toBe(false);
  expect(result.reasons.map((r) => r.code)).toEqual([
    'worker_not_active',
    'no_pre_post_training',
    'missing_qualification',
  ]);

  const busy = makeWorker({
    id: 'w3',
    enterpriseId: 'e1',
    bookings: [{ orderId: 'o1', from: t0, to: t0 + 3_600_000 }],
  });
  const clash = checkWorkerEligibility({
    worker: busy,
    required: [],
    at: t0,
    window: { from: t0 + 1800_000, to: t0 + 7200_000 },
  });
  expect(clash.reasons).toEqual([{ code: 'busy', orderId: 'o1' }]);
  const after = checkWorkerEligibility({
    worker: busy,
    required: [],
    at: t0,
    window: { from: t0 + 3_600_000, to: t0 + 7200_000 },
  });
  expect(after.eligible).toBe(true);
});

test('parseWorker refuses a full identity number and names the field', () => {
  const w = makeWorker({ id: 'w1', enterpriseId: 'e1' });
  expect(parseWorker({ input: w })).toEqual(w);
  expect(() => parseWorker({ input: { ...w, idNumberMasked: '330106198512310026' } })).toThrow(
    /worker.idNumberMasked/,
  );
  expect(() => parseWorker({ input: { ...w, bookings: [{ orderId: 'o', from: 5, to: 1 }] } })).toThrow(
    /worker.bookings.0.to/,
  );
});
