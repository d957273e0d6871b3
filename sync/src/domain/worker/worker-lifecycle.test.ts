import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ApplyMode } from '../lifecycle';
import { Qualification } from '../qualifications';
import { Role } from '../roles';
import { command, day, makeEnterprise, t0 } from '../test-support';
import { checkWorkerEligibility, parseWorker } from './worker';
import {
  applyWorkerCommand,
  buildRegisterWorkerPayload,
  replayWorkerLog,
  toWorker,
  workerTransitionList,
  type WorkerContext,
  type WorkerState,
} from './worker-lifecycle';

const workerId = 'worker:hub:01JBQ5M8X0000000000000000W';
const enterpriseId = 'enterprise:hub:01JBQ5M8X0000000000000000E';
const replay: WorkerContext = { mode: ApplyMode.replay };
const registerPayload = {
  workerId,
  enterpriseId,
  name: '李阿姨',
  idNumberMasked: '330106********0026',
  phone: '+8613812345678',
};
const prePost = (options: {
  examScore?: number | null;
  completedAt?: number;
  validUntil?: number | null;
}) => ({
  training: {
    courseCode: 'PPT-2026',
    courseName: '岗前培训',
    grants: Qualification.prePostTraining,
    hours: 40,
    examScore: options.examScore === undefined ? 88 : options.examScore,
    passMark: 60,
    completedAt: options.completedAt ?? t0 - day,
    validUntil: options.validUntil === undefined ? t0 + 700 * day : options.validUntil,
  },
});
const certificate = (
  qualification: Qualification,
  validUntil: number | null,
  number = `C-${qualification}`,
) => ({
  certificate: { qualification, number, validUntil },
});

type Step = { type: string; payload: unknown; role?: string | undefined; at?: number | undefined };

function step(state: WorkerState | null, s: Step, context: WorkerContext = replay) {
  return applyWorkerCommand({
    state,
    command: command({
      type: s.type,
      payload: s.payload,
      role: (s.role ?? 'registry_officer') as Role,
      at: s.at ?? t0,
    }),
    context,
  });
}

function run(state: WorkerState | null, ...steps: Step[]): WorkerState {
  let s = state;
  for (const x of steps) {
    const r = step(s, x);
    if (!r.ok) throw r.error;
    s = r.value;
  }
  if (!s) throw new Error('no steps');
  return s;
}

function refusal(state: WorkerState | null, s: Step, context: WorkerContext = replay) {
  const r = step(state, s, context);
  if (r.ok) throw new Error(`${s.type} was accepted`);
  return { code: r.error.code, field: r.error.field, message: r.error.message };
}

const registered = () => run(null, { type: 'registerWorker', payload: registerPayload });

test('a registered worker is active but not assignable until trained; then eligibility passes unchanged', () => {
  const fresh = registered();
  expect(fresh).toMatchObject({
    id: workerId,
    enterpriseId,
    status: 'active',
    idNumberMasked: '330106********0026',
    phone: '+8613812345678',
    registeredBy: 'u-registry_officer',
    trainings: [],
  });
  const untrained = checkWorkerEligibility({ worker: toWorker({ state: fresh }), required: [], at: t0 });
  expect(untrained.reasons.map((r) => r.code)).toEqual(['no_pre_post_training']);

  const ready = run(
    fresh,
    { type: 'recordTraining', payload: prePost({}), role: 'system' },
    { type: 'addCertificate', payload: certificate('health_certificate', t0 + 180 * day) },
    { type: 'addCertificate', payload: certificate('domestic_service_cert', null) },
  );
  const worker = toWorker({ state: ready });
  // The worker the record gives is exactly the registry's Worker: it parses, with no extra fields.
  expect(parseWorker({ input: worker })).toEqual(worker);
  expect(Object.keys(worker).sort()).toEqual(
    [
      'id',
      'enterpriseId',
      'name',
      'idNumberMasked',
      'status',
      'healthCertificateValidUntil',
      'backgroundCheckedAt',
      'certificates',
      'trainings',
      'bookings',
    ].sort(),
  );
  expect(
    checkWorkerEligibility({
      worker,
      required: ['pre_post_training', 'health_certificate', 'domestic_service_cert'],
      at: t0,
    }),
  ).toEqual({ eligible: true, reasons: [] });
  const booked = toWorker({ state: ready, bookings: [{ orderId: 'o1', from: t0, to: t0 + 3_600_000 }] });
  expect(
    checkWorkerEligibility({ worker: booked, required: [], at: t0, window: { from: t0, to: t0 + 60_000 } })
      .reasons,
  ).toEqual([{ code: 'busy', orderId: 'o1' }]);
  expect(() => toWorker({ state: ready, bookings: [{ orderId: 'o1', from: 5, to: 1 }] })).toThrow(
    /bookings.0.to/,
  );
});

test('only the masked identity number enters the record: a raw one, or any extra field, is refused', () => {
  expect(
    refusal(null, {
      type: 'registerWorker',
      payload: { ...registerPayload, idNumberMasked: '330106198512310026' },
    }),
  ).toMatchObject({ code: 'invalid_input', field: 'command.payload.idNumberMasked' });
  expect(
    refusal(null, {
      type: 'registerWorker',
      payload: { ...registerPayload, idNumber: '330106198512310026' },
    }),
  ).toMatchObject({ code: 'invalid_input', field: 'command.payload' });
  expect(
    refusal(null, { type: 'registerWorker', payload: { ...registerPayload, workerId: 'worker:330106:x' } }),
  ).toMatchObject({ field: 'command.payload.workerId' });

  const built = buildRegisterWorkerPayload({
    workerId,
    enterpriseId,
    name: ' 王师傅 ',
    idNumber: '33010619900101123x',
    phone: null,
  });
  expect(built).toEqual({
    ok: true,
    value: { workerId, enterpriseId, name: '王师傅', idNumberMasked: '330106********123X', phone: null },
  });
  expect(JSON.stringify(built)).not.toMatch(/19900101/);
  const wrongCheck = buildRegisterWorkerPayload({ ...registerPayload, idNumber: '330106198512310027' });
  expect(wrongCheck.ok ? null : wrongCheck.error.field).toBe('idNumber');
  const badId = buildRegisterWorkerPayload({
    ...registerPayload,
    workerId: 'w1',
    idNumber: '330106198512310026',
  });
  expect(badId.ok ? null : [badId.error.field, badId.error.code]).toEqual(['workerId', 'invalid_input']);
  const state = run(null, {
    type: 'registerWorker',
    payload: built.ok ? built.value : null,
  });
  expect(state.idNumberMasked).toBe('330106********123X');
});

test('at the hub a registration names a known enterprise that is not blacklisted; replay trusts the hub', () => {
  // The record id is too long for the builder's agreement number, so the id is set afterwards.
  const active = { ...makeEnterprise({ id: 'e1' }), id: enterpriseId };
  const blacklisted = { ...makeEnterprise({ id: 'e1', status: 'blacklisted' }), id: enterpriseId };
  const home = (e: typeof active | undefined): WorkerContext => ({
    mode: ApplyMode.home,
    findEnterprise: (id) => (id === enterpriseId ? e : undefined),
  });
  const register = { type: 'registerWorker', payload: registerPayload };
  expect(step(null, register, home(active)).ok).toBe(true);
  expect(refusal(null, register, home(undefined))).toMatchObject({
    code: 'not_found',
    field: 'payload.enterpriseId',
  });
  const blacklistedRefusal = refusal(null, register, home(blacklisted));
  expect(blacklistedRefusal.code).toBe('invalid_transition');
  expect(blacklistedRefusal.message).toMatch(/blacklisted/);
  expect(step(null, register, replay).ok).toBe(true);
  // Other commands need nothing from the registry.
  expect(
    step(registered(), { type: 'suspendWorker', payload: { reason: '投诉核查' } }, home(undefined)).ok,
  ).toBe(true);
});

/** Builds a worker in each status, for the transition matrix. */
function inStatus(status: 'none' | 'active' | 'suspended' | 'left'): WorkerState | null {
  if (status === 'none') return null;
  const active = registered();
  if (status === 'active') return active;
  return run(active, {
    type: status === 'suspended' ? 'suspendWorker' : 'leaveEnterprise',
    payload: { reason: 'test' },
  });
}

const validPayloads: Record<string, unknown> = {
  registerWorker: registerPayload,
  recordTraining: prePost({}),
  addCertificate: certificate('elder_care_cert', t0 + 400 * day),
  recordBackgroundCheck: { checkedAt: t0 - day, reference: 'PSB-2026-001' },
  suspendWorker: { reason: '健康证过期' },
  reinstateWorker: { reason: '已复查' },
  leaveEnterprise: { reason: '合同到期' },
};

test('every command is allowed from exactly the states of its table, and by exactly its roles', () => {
  expect(workerTransitionList.map((t) => t.type).sort()).toEqual(Object.keys(validPayloads).sort());
  for (const t of workerTransitionList) {
    const payload = validPayloads[t.type];
    for (const status of ['none', 'active', 'suspended', 'left'] as const) {
      const allowed = t.from === 'create' ? status === 'none' : t.from.includes(status);
      const r = step(inStatus(status), { type: t.type, payload, role: t.roles[0] });
      expect(r.ok, `${t.type} from ${status}`).toBe(allowed);
      if (!r.ok) {
        const code =
          status === 'none' ? 'not_found' : t.from === 'create' ? 'conflict' : 'invalid_transition';
        expect(r.error.code, `${t.type} from ${status}`).toBe(code);
      }
    }
    const from = t.from === 'create' ? 'none' : (t.from[0] as 'active' | 'suspended');
    for (const role of Object.values(Role)) {
      const r = step(inStatus(from), { type: t.type, payload, role });
      expect(r.ok, `${t.type} by ${role}`).toBe(t.roles.includes(role));
      if (!r.ok) expect(r.error).toMatchObject({ code: 'forbidden', field: 'command.actor.role' });
    }
  }
  // The enterprise role is nowhere: an actor does not say which enterprise it speaks for.
  expect(workerTransitionList.some((t) => t.roles.includes(Role.enterprise))).toBe(false);
});

test('suspension, reinstatement and leaving are kept with who, why and when', () => {
  const s = run(
    registered(),
    { type: 'suspendWorker', payload: { reason: '投诉核查' }, at: t0 + day },
    { type: 'reinstateWorker', payload: { reason: '核查无责' }, at: t0 + 2 * day, role: 'administrator' },
    { type: 'suspendWorker', payload: { reason: '再次投诉' }, at: t0 + 3 * day },
    { type: 'leaveEnterprise', payload: { reason: '离职' }, at: t0 + 4 * day, role: 'system' },
  );
  expect(s.status).toBe('left');
  expect(s.updatedAt).toBe(t0 + 4 * day);
  expect(s.statusChanges).toEqual([
    { kind: 'suspend', reason: '投诉核查', at: t0 + day, by: 'u-registry_officer' },
    { kind: 'reinstate', reason: '核查无责', at: t0 + 2 * day, by: 'u-administrator' },
    { kind: 'suspend', reason: '再次投诉', at: t0 + 3 * day, by: 'u-registry_officer' },
    { kind: 'leave', reason: '离职', at: t0 + 4 * day, by: 'u-system' },
  ]);
  const eligibility = (state: WorkerState) =>
    checkWorkerEligibility({ worker: toWorker({ state }), required: [], at: t0 + 5 * day }).reasons.map(
      (r) => r.code,
    );
  expect(eligibility(s)).toContain('worker_not_active');
  expect(refusal(registered(), { type: 'suspendWorker', payload: { reason: ' ' } })).toMatchObject({
    field: 'command.payload.reason',
  });
  // A suspended worker still gets trained: retraining is often why they were suspended.
  const suspended = run(registered(), { type: 'suspendWorker', payload: { reason: '未培训' } });
  const retrained = run(suspended, { type: 'recordTraining', payload: prePost({}) });
  expect(eligibility(retrained)).toEqual(['worker_not_active']);
  expect(eligibility(run(retrained, { type: 'reinstateWorker', payload: { reason: '培训合格' } }))).toEqual(
    [],
  );
});

test('trainings: a failed exam is kept but grants nothing; dates must make sense', () => {
  const failed = run(registered(), { type: 'recordTraining', payload: prePost({ examScore: 40 }) });
  expect(failed.trainings).toHaveLength(1);
  expect(checkWorkerEligibility({ worker: toWorker({ state: failed }), required: [], at: t0 }).eligible).toBe(
    false,
  );
  expect(
    refusal(registered(), { type: 'recordTraining', payload: prePost({ completedAt: t0 + day }), at: t0 }),
  ).toMatchObject({ code: 'invalid_input', field: 'payload.training.completedAt' });
  expect(
    refusal(registered(), { type: 'recordTraining', payload: prePost({ validUntil: t0 - 2 * day }) }),
  ).toMatchObject({ code: 'invalid_input', field: 'payload.training.validUntil' });
  expect(
    refusal(registered(), { type: 'recordTraining', payload: { training: { courseCode: 'x' } } }).field,
  ).toMatch(/^command\.payload\.training\./);
  const full = { ...registered(), trainings: Array.from({ length: 500 }, () => prePost({}).training) };
  expect(refusal(full, { type: 'recordTraining', payload: prePost({}) })).toMatchObject({
    code: 'conflict',
    field: 'trainings',
  });
});

test('certificates: the health certificate must expire, pre-post training is no certificate, renewals replace', () => {
  const w = registered();
  expect(
    refusal(w, { type: 'addCertificate', payload: certificate('pre_post_training', null) }),
  ).toMatchObject({ field: 'payload.certificate.qualification' });
  expect(
    refusal(w, { type: 'addCertificate', payload: certificate('health_certificate', null) }),
  ).toMatchObject({ field: 'payload.certificate.validUntil' });
  const expired = refusal(w, {
    type: 'addCertificate',
    payload: certificate('childcare_cert', t0 - 1),
    at: t0,
  });
  expect([expired.field, expired.message]).toEqual([
    'payload.certificate.validUntil',
    expect.stringMatching(/expired/),
  ]);

  const twice = run(
    w,
    { type: 'addCertificate', payload: certificate('health_certificate', t0 + 300 * day, 'H-1') },
    { type: 'addCertificate', payload: certificate('health_certificate', t0 + 100 * day, 'H-0') },
    { type: 'addCertificate', payload: certificate('childcare_cert', t0 + 10 * day, 'C-1') },
    { type: 'addCertificate', payload: certificate('childcare_cert', t0 + 900 * day, 'C-1') },
  );
  // An older health certificate recorded late does not shorten the validity.
  expect(twice.healthCertificateValidUntil).toBe(t0 + 300 * day);
  expect(twice.certificates.map((c) => [c.number, c.validUntil])).toEqual([
    ['H-1', t0 + 300 * day],
    ['H-0', t0 + 100 * day],
    ['C-1', t0 + 900 * day],
  ]);
  const full = {
    ...w,
    certificates: Array.from(
      { length: 50 },
      (_, i) => certificate('childcare_cert', null, `C-${i}`).certificate,
    ),
  };
  expect(
    refusal(full, { type: 'addCertificate', payload: certificate('childcare_cert', null, 'new') }),
  ).toMatchObject({ code: 'conflict', field: 'certificates' });
  // Renewing one of the fifty is not a fifty-first.
  expect(
    step(full, { type: 'addCertificate', payload: certificate('childcare_cert', t0 + day, 'C-3') }).ok,
  ).toBe(true);
});

test('background checks: the latest one counts, and none from the future', () => {
  const w = run(
    registered(),
    { type: 'recordBackgroundCheck', payload: { checkedAt: t0 - day, reference: 'B-2' } },
    { type: 'recordBackgroundCheck', payload: { checkedAt: t0 - 30 * day, reference: 'B-1' }, at: t0 + 1 },
  );
  expect([w.backgroundCheckedAt, w.backgroundCheckReference, w.updatedAt]).toEqual([t0 - day, 'B-2', t0 + 1]);
  expect(
    refusal(registered(), {
      type: 'recordBackgroundCheck',
      payload: { checkedAt: t0 + day, reference: 'B-3' },
      at: t0,
    }),
  ).toMatchObject({ field: 'payload.checkedAt' });
});

test('bad commands name the field; unknown commands are refused', () => {
  const r = applyWorkerCommand({
    state: null,
    command: { type: 'registerWorker', payload: {} },
    context: replay,
  });
  expect(r.ok ? '' : r.error.field).toMatch(/^command\./);
  const unknown = step(null, { type: 'promote', payload: {}, role: 'administrator' });
  expect(unknown.ok ? '' : unknown.error.field).toBe('command.type');
});

const anyStep = fc.oneof(
  fc.constant({ type: 'registerWorker', payload: registerPayload }),
  fc.constant({
    type: 'registerWorker',
    payload: { ...registerPayload, idNumberMasked: '330106198512310026' },
  }),
  fc
    .record({
      examScore: fc.option(fc.integer({ min: 0, max: 100 })),
      completedDay: fc.integer({ min: -20, max: 40 }),
      validDays: fc.option(fc.integer({ min: -30, max: 800 })),
    })
    .map(({ examScore, completedDay, validDays }) => ({
      type: 'recordTraining',
      payload: prePost({
        examScore,
        completedAt: t0 + completedDay * day,
        validUntil: validDays === null ? null : t0 + (completedDay + validDays) * day,
      }),
    })),
  fc
    .record({
      qualification: fc.constantFrom('health_certificate', 'childcare_cert', 'pre_post_training'),
      validDays: fc.option(fc.integer({ min: -10, max: 400 })),
      number: fc.constantFrom('A', 'B'),
    })
    .map(({ qualification, validDays, number }) => ({
      type: 'addCertificate',
      payload: certificate(qualification, validDays === null ? null : t0 + validDays * day, number),
    })),
  fc.integer({ min: -40, max: 40 }).map((d) => ({
    type: 'recordBackgroundCheck',
    payload: { checkedAt: t0 + d * day, reference: `B${d}` },
  })),
  fc.constant({ type: 'suspendWorker', payload: { reason: 'r' } }),
  fc.constant({ type: 'reinstateWorker', payload: { reason: 'r' } }),
  fc.constant({ type: 'leaveEnterprise', payload: { reason: 'r' } }),
);
const anyRole = fc.constantFrom('registry_officer', 'administrator', 'system', 'enterprise', 'call_taker');

test('property: no command sequence breaks the invariants; refusals change nothing; replay equals stepping', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(anyStep, anyRole, fc.integer({ min: 0, max: 30 })), { maxLength: 40 }),
      (steps) => {
        let state: WorkerState | null = null;
        const log: unknown[] = [];
        for (const [s, role, dayOffset] of steps) {
          const cmd = command({
            type: s.type,
            payload: s.payload,
            role: role,
            at: t0 + dayOffset * day,
          });
          const snapshot = JSON.stringify(state);
          const r = applyWorkerCommand({ state, command: cmd, context: replay });
          if (r.ok) {
            state = r.value;
            log.push(cmd);
          } else {
            expect(JSON.stringify(state)).toBe(snapshot);
          }
          if (state) {
            // Always a valid registry Worker, never with a full identity number anywhere in the state.
            expect(parseWorker({ input: toWorker({ state }) }).id).toBe(workerId);
            expect(JSON.stringify(state)).not.toMatch(/\d{17}[\dX]/);
            expect(state.certificates.some((c) => c.qualification === 'pre_post_training')).toBe(false);
            if (state.status === 'left') expect(state.statusChanges.at(-1)?.kind).toBe('leave');
            if (state.status === 'suspended') expect(state.statusChanges.at(-1)?.kind).toBe('suspend');
          }
        }
        expect(replayWorkerLog({ log })).toEqual(state);
      },
    ),
  );
}, 60_000);
