import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ApplyMode } from '../lifecycle';
import { Role } from '../roles';
import { command, day, makeEnterprise, t0 } from '../test-support';
import {
  applyInspectionCommand,
  inspectionTransitionList,
  replayInspectionLog,
  type InspectionContext,
  type InspectionState,
} from './inspection-lifecycle';

const inspectionId = 'inspection:hub:01JBQ5M8X0000000000000000N';
const enterpriseId = 'enterprise:hub:01JBQ5M8X0000000000000000E';
// The registry's builder names its agreement after the id, which a record id would make too long.
const enterprise = makeEnterprise({ id: 'e1' });
const replay: InspectionContext = { mode: ApplyMode.replay };
const home: InspectionContext = {
  mode: ApplyMode.home,
  findEnterprise: (id) => (id === enterpriseId ? enterprise : undefined),
};
const checklist = ['contracts.signed', 'workers.trained', 'premises.clean'];
const schedulePayload = {
  inspectionId,
  enterpriseId,
  countyCode: '330106',
  dueAt: t0 + 7 * day,
  checklist,
  inspectorUserId: 'inspector-qian',
};

type Step = {
  type: string;
  payload: unknown;
  role?: string | undefined;
  userId?: string | undefined;
  at?: number | undefined;
};

/** Planners schedule, reassign and cancel; the inspector (inspector-qian unless told) does the rest. */
const plannerCommands = new Set(['scheduleInspection', 'reassignInspection', 'cancelInspection']);
const defaultRole = (type: string) =>
  plannerCommands.has(type) ? Role.registryOfficer : Role.qualityInspector;

function step(state: InspectionState | null, s: Step, context: InspectionContext = home) {
  const role = (s.role ?? defaultRole(s.type)) as Role;
  return applyInspectionCommand({
    state,
    command: command({
      type: s.type,
      payload: s.payload,
      role,
      userId: s.userId ?? (role === Role.qualityInspector ? 'inspector-qian' : `u-${role}`),
      at: s.at ?? t0,
    }),
    context,
  });
}

function run(state: InspectionState | null, ...steps: Step[]): InspectionState {
  let s = state;
  for (const x of steps) {
    const r = step(s, x);
    if (!r.ok) throw r.error;
    s = r.value;
  }
  if (!s) throw new Error('no steps');
  return s;
}

function refusal(state: InspectionState | null, s: Step, context: InspectionContext = home) {
  const r = step(state, s, context);
  if (r.ok) throw new Error(`${s.type} was accepted`);
  return r.error;
}

const schedule: Step = { type: 'scheduleInspection', payload: schedulePayload };
const start: Step = { type: 'startInspection', payload: {} };
const finding = (key: string, passed = true, note = ''): Step => ({
  type: 'recordFinding',
  payload: { key, passed, note },
});
const allPassed = checklist.map((key) => finding(key));
const complete = (outcome: string): Step => ({
  type: 'completeInspection',
  payload: { summary: '整体良好', outcome },
});

describe('scheduling', () => {
  test('a registry officer or an administrator schedules an inspection for one inspector', () => {
    const s = run(null, schedule);
    expect(s).toMatchObject({
      id: inspectionId,
      enterpriseId,
      countyCode: '330106',
      status: 'scheduled',
      inspectorUserId: 'inspector-qian',
      checklist,
      findings: [],
      outcome: null,
      scheduledAt: t0,
      scheduledBy: 'u-registry_officer',
    });
    expect(run(null, { ...schedule, role: Role.administrator }).scheduledBy).toBe('u-administrator');
  });

  test('inspectors, call-takers and the system do not schedule', () => {
    for (const role of [Role.qualityInspector, Role.callTaker, Role.system, Role.supervisor]) {
      expect(refusal(null, { ...schedule, role })).toMatchObject({
        code: 'forbidden',
        field: 'command.actor.role',
      });
    }
  });

  test('the checklist is non-empty with unique keys, the due date after scheduling', () => {
    expect(refusal(null, { ...schedule, payload: { ...schedulePayload, checklist: [] } }).field).toBe(
      'command.payload.checklist',
    );
    expect(refusal(null, { ...schedule, payload: { ...schedulePayload, checklist: ['a', 'a'] } }).field).toBe(
      'command.payload.checklist',
    );
    expect(
      refusal(null, { ...schedule, payload: { ...schedulePayload, checklist: ['Not A Key'] } }).field,
    ).toBe('command.payload.checklist.0');
    expect(refusal(null, { ...schedule, payload: { ...schedulePayload, dueAt: t0 } })).toMatchObject({
      code: 'invalid_input',
      field: 'payload.dueAt',
    });
    expect(
      refusal(null, {
        ...schedule,
        payload: { ...schedulePayload, inspectionId: 'worker:hub:01JBQ5M8X0000000000000000N' },
      }).field,
    ).toBe('command.payload.inspectionId');
  });

  test('at the home the enterprise must be known; replay trusts the log', () => {
    const unknown = { ...schedule, payload: { ...schedulePayload, enterpriseId: 'enterprise:hub:X' } };
    expect(refusal(null, unknown)).toMatchObject({ code: 'not_found', field: 'payload.enterpriseId' });
    expect(step(null, unknown, replay).ok).toBe(true);
  });

  test('an inspection is scheduled once', () => {
    expect(refusal(run(null, schedule), schedule).code).toBe('conflict');
  });
});

describe('the assigned inspector', () => {
  test('starts, records findings and completes', () => {
    const s = run(null, schedule, { ...start, at: t0 + day }, ...allPassed, {
      ...complete('pass'),
      at: t0 + 2 * day,
    });
    expect(s).toMatchObject({
      status: 'completed',
      outcome: 'pass',
      summary: '整体良好',
      startedAt: t0 + day,
      completedAt: t0 + 2 * day,
      updatedAt: t0 + 2 * day,
    });
    expect(s.findings.map((f) => [f.key, f.passed, f.by])).toEqual(
      checklist.map((k) => [k, true, 'inspector-qian']),
    );
  });

  test('another inspector is refused at the home, but a replayed log is trusted', () => {
    const scheduled = run(null, schedule);
    const other = { ...start, userId: 'inspector-li' };
    expect(refusal(scheduled, other)).toMatchObject({ code: 'forbidden', field: 'command.actor.userId' });
    expect(step(scheduled, other, replay).ok).toBe(true);
    const started = run(scheduled, start);
    expect(refusal(started, { ...finding('premises.clean'), userId: 'inspector-li' }).code).toBe('forbidden');
    const found = run(started, ...allPassed);
    expect(refusal(found, { ...complete('pass'), userId: 'inspector-li' }).code).toBe('forbidden');
  });

  test('only inspectors start, record and complete, not the planners', () => {
    const scheduled = run(null, schedule);
    expect(refusal(scheduled, { ...start, role: Role.administrator }).code).toBe('forbidden');
    const started = run(scheduled, start);
    expect(refusal(started, { ...finding('premises.clean'), role: Role.registryOfficer }).code).toBe(
      'forbidden',
    );
  });
});

describe('findings', () => {
  test('only while in progress', () => {
    const scheduled = run(null, schedule);
    expect(refusal(scheduled, finding('premises.clean')).code).toBe('invalid_transition');
  });

  test('only checklist keys', () => {
    const started = run(null, schedule, start);
    expect(refusal(started, finding('kitchen.fire'))).toMatchObject({
      code: 'invalid_input',
      field: 'payload.key',
    });
  });

  test('the last one per key wins, kept in checklist order', () => {
    const s = run(
      null,
      schedule,
      start,
      finding('premises.clean', false, '地面有污渍'),
      finding('contracts.signed'),
      { ...finding('premises.clean', true, '已整改'), at: t0 + day },
    );
    expect(s.findings.map((f) => [f.key, f.passed, f.note])).toEqual([
      ['contracts.signed', true, ''],
      ['premises.clean', true, '已整改'],
    ]);
    expect(s.updatedAt).toBe(t0 + day);
  });
});

describe('completion', () => {
  test('needs a finding for every checklist item', () => {
    const partial = run(null, schedule, start, finding('contracts.signed'));
    const error = refusal(partial, complete('rectify'));
    expect(error).toMatchObject({ code: 'invalid_transition', field: 'findings' });
    expect(error.message).toContain('workers.trained, premises.clean');
  });

  test('a failed item cannot pass; rectify and fail record the outcome', () => {
    const found = run(null, schedule, start, ...allPassed.slice(0, 2), finding('premises.clean', false));
    expect(refusal(found, complete('pass'))).toMatchObject({
      code: 'invalid_input',
      field: 'payload.outcome',
    });
    expect(run(found, complete('rectify')).outcome).toBe('rectify');
    expect(run(found, complete('fail')).outcome).toBe('fail');
    expect(refusal(found, complete('excellent')).field).toBe('command.payload.outcome');
  });

  test('only once, from in progress', () => {
    const done = run(null, schedule, start, ...allPassed, complete('pass'));
    expect(refusal(done, complete('pass')).code).toBe('invalid_transition');
    expect(refusal(run(null, schedule), complete('pass')).code).toBe('invalid_transition');
  });
});

describe('reassignment and cancellation', () => {
  const reassign = (to: string): Step => ({
    type: 'reassignInspection',
    payload: { inspectorUserId: to, reason: '原检查员病假' },
  });

  test('moves the inspection to another inspector, keeping its findings', () => {
    const s = run(null, schedule, start, finding('contracts.signed'), {
      ...reassign('inspector-li'),
      at: t0 + day,
    });
    expect(s.inspectorUserId).toBe('inspector-li');
    expect(s.findings).toHaveLength(1);
    expect(s.reassignments).toEqual([
      {
        from: 'inspector-qian',
        to: 'inspector-li',
        reason: '原检查员病假',
        at: t0 + day,
        by: 'u-registry_officer',
      },
    ]);
    // From now on the old inspector is refused and the new one continues.
    expect(refusal(s, finding('workers.trained')).code).toBe('forbidden');
    const next = run(s, { ...finding('workers.trained'), userId: 'inspector-li' });
    expect(next.findings.map((f) => f.by)).toEqual(['inspector-qian', 'inspector-li']);
  });

  test('not to the same inspector, not by an inspector, not once completed', () => {
    const scheduled = run(null, schedule);
    expect(refusal(scheduled, reassign('inspector-qian'))).toMatchObject({
      code: 'conflict',
      field: 'payload.inspectorUserId',
    });
    expect(refusal(scheduled, { ...reassign('inspector-li'), role: Role.qualityInspector }).code).toBe(
      'forbidden',
    );
    const done = run(scheduled, start, ...allPassed, complete('pass'));
    expect(refusal(done, reassign('inspector-li')).code).toBe('invalid_transition');
    expect(refusal(done, { type: 'cancelInspection', payload: { reason: 'x' } }).code).toBe(
      'invalid_transition',
    );
  });

  test('cancelling ends it with the reason; nothing more happens to it', () => {
    const s = run(null, schedule, start, {
      type: 'cancelInspection',
      payload: { reason: '企业已注销' },
      at: t0 + day,
    });
    expect(s).toMatchObject({ status: 'cancelled', cancelReason: '企业已注销', cancelledAt: t0 + day });
    expect(refusal(s, finding('contracts.signed')).code).toBe('invalid_transition');
    expect(refusal(run(null, schedule), { type: 'cancelInspection', payload: { reason: ' ' } }).field).toBe(
      'command.payload.reason',
    );
  });
});

test('commands on an inspection that does not exist, and unknown commands, are refused', () => {
  expect(refusal(null, start).code).toBe('not_found');
  expect(refusal(null, { type: 'approveInspection', payload: {} }).code).toBe('invalid_input');
});

test('the transition table lists every command with its states and roles', () => {
  expect(inspectionTransitionList.map((t) => [t.type, t.from, t.roles])).toEqual([
    ['scheduleInspection', 'create', ['registry_officer', 'administrator']],
    ['reassignInspection', ['scheduled', 'in_progress'], ['registry_officer', 'administrator']],
    ['startInspection', ['scheduled'], ['quality_inspector']],
    ['recordFinding', ['in_progress'], ['quality_inspector']],
    ['completeInspection', ['in_progress'], ['quality_inspector']],
    ['cancelInspection', ['scheduled', 'in_progress'], ['registry_officer', 'administrator']],
  ]);
});

test('replaying accepted commands gives the state stepping gave; a refusal changes nothing', () => {
  const candidates: Step[] = [
    start,
    ...checklist.flatMap((k) => [finding(k), finding(k, false, 'x')]),
    finding('unknown.key'),
    complete('pass'),
    complete('rectify'),
    { type: 'reassignInspection', payload: { inspectorUserId: 'inspector-li', reason: 'r' } },
    { type: 'reassignInspection', payload: { inspectorUserId: 'inspector-qian', reason: 'r' } },
    { type: 'cancelInspection', payload: { reason: 'r' } },
    { ...start, userId: 'inspector-li' },
    { ...finding('premises.clean'), userId: 'inspector-li' },
  ];
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: candidates.length - 1 }), { maxLength: 30 }), (picks) => {
      const first = step(null, schedule);
      if (!first.ok) throw first.error;
      let state = first.value;
      const log: unknown[] = [
        command({ type: 'scheduleInspection', payload: schedulePayload, role: Role.registryOfficer, at: t0 }),
      ];
      let at = t0;
      for (const pick of picks) {
        const s = candidates[pick];
        if (!s) continue;
        at += 60_000;
        const role = defaultRole(s.type);
        const c = command({
          type: s.type,
          payload: s.payload,
          role,
          userId: s.userId ?? (role === Role.qualityInspector ? 'inspector-qian' : 'u-registry_officer'),
          at,
        });
        const before = JSON.stringify(state);
        const r = applyInspectionCommand({ state, command: c, context: home });
        if (r.ok) {
          state = r.value;
          log.push(c);
          // Invariants: findings only for checklist keys, at most one each; a completed one is complete.
          expect(new Set(state.findings.map((f) => f.key)).size).toBe(state.findings.length);
          expect(state.findings.every((f) => state.checklist.includes(f.key))).toBe(true);
          if (state.status === 'completed') expect(state.findings).toHaveLength(state.checklist.length);
        } else {
          expect(JSON.stringify(state)).toBe(before);
        }
      }
      expect(replayInspectionLog({ log })).toEqual(state);
    }),
    { numRuns: 200 },
  );
});
