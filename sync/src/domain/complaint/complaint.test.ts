import { describe, expect, test } from 'vitest';
import { computeCreditScore } from '../credit/credit-score';
import { ApplyMode } from '../lifecycle';
import { Role } from '../roles';
import { command, day, makeEnterprise, t0 } from '../test-support';
import {
  applyComplaintCommand,
  complaintPoints,
  complaintTransitionList,
  defaultComplaintDueAt,
  isComplaintOverdue,
  replayComplaintLog,
  upheldComplaintPoints,
  type ComplaintContext,
  type ComplaintState,
} from './complaint';

const complaintId = 'complaint:hub:01JBQ5M8X0000000000000000C';
const enterpriseId = 'enterprise:hub:01JBQ5M8X0000000000000000E';
const enterprise = makeEnterprise({ id: 'e1' });
const findEnterprise = (id: string) => (id === enterpriseId ? enterprise : undefined);
const centre: ComplaintContext = { mode: ApplyMode.home, actorCountyCode: null, findEnterprise };
const county = (code: string): ComplaintContext => ({
  mode: ApplyMode.home,
  actorCountyCode: code,
  findEnterprise,
});
const replay: ComplaintContext = { mode: ApplyMode.replay };

const filePayload = {
  complaintId,
  source: 'call',
  countyCode: '330106',
  orderId: 'order:330106:01JBQ5M8X0000000000000000R',
  enterpriseId,
  enterpriseName: '',
  kind: 'quality',
  description: '保洁没有按约定打扫厨房',
  citizenName: '张女士',
  citizenPhone: '+8613800138000',
  evidence: [{ kind: 'recording', countyCode: '330106', callId: 'call-1' }],
  dueAt: defaultComplaintDueAt({ kind: 'quality', filedAt: t0 }),
};

type Step = { type: string; payload: unknown; role?: Role; userId?: string; at?: number };

function step(state: ComplaintState | null, s: Step, context: ComplaintContext = centre) {
  const role = s.role ?? Role.callTaker;
  return applyComplaintCommand({
    state,
    command: command({
      type: s.type,
      payload: s.payload,
      role,
      userId: s.userId ?? `u-${role}`,
      at: s.at ?? t0,
    }),
    context,
  });
}

function must(state: ComplaintState | null, s: Step, context: ComplaintContext = centre): ComplaintState {
  const r = step(state, s, context);
  if (!r.ok) throw r.error;
  return r.value;
}

function refused(state: ComplaintState | null, s: Step, context: ComplaintContext = centre) {
  const r = step(state, s, context);
  if (r.ok) throw new Error(`expected ${s.type} to be refused`);
  return { code: r.error.code, field: r.error.field };
}

const filed = () => must(null, { type: 'file', payload: filePayload }, county('330106'));
const assigned = () =>
  must(filed(), {
    type: 'assign',
    payload: { userId: 'hub:inspector', role: 'quality_inspector' },
    role: Role.qualityInspector,
    userId: 'hub:chief',
  });

describe('file', () => {
  test('a county call-taker files a complaint of their county, with its evidence and time limit', () => {
    const state = filed();
    expect(state).toMatchObject({
      id: complaintId,
      status: 'filed',
      countyCode: '330106',
      kind: 'quality',
      assignee: null,
      dueAt: t0 + 15 * day,
      filedBy: 'u-call_taker',
      evidence: [{ kind: 'recording', countyCode: '330106', callId: 'call-1', at: t0, by: 'u-call_taker' }],
    });
  });

  test("the hub's system user files a web complaint naming an enterprise only in words", () => {
    const state = must(null, {
      type: 'file',
      payload: {
        ...filePayload,
        source: 'web',
        orderId: null,
        enterpriseId: null,
        enterpriseName: '某某家政',
        kind: 'price',
        evidence: [],
        dueAt: defaultComplaintDueAt({ kind: 'price', filedAt: t0 }),
      },
      role: Role.system,
      userId: 'hub',
    });
    expect(state).toMatchObject({ source: 'web', enterpriseId: null, dueAt: t0 + 7 * day });
  });

  test('refusals name the field', () => {
    const file = (payload: object, role: Role = Role.callTaker, context = county('330106')) =>
      refused(null, { type: 'file', payload: { ...filePayload, ...payload }, role }, context);
    expect(file({}, Role.callTaker, county('330102'))).toEqual({
      code: 'forbidden',
      field: 'payload.countyCode',
    });
    expect(file({}, Role.enterprise)).toEqual({ code: 'forbidden', field: 'command.actor.role' });
    expect(file({}, Role.technician)).toMatchObject({ field: 'command.actor.role' });
    expect(file({ countyCode: '3301' })).toEqual({
      code: 'invalid_input',
      field: 'command.payload.countyCode',
    });
    expect(file({ orderId: 'order:330102:01JBQ5M8X0000000000000000R' })).toEqual({
      code: 'invalid_input',
      field: 'payload.orderId',
    });
    expect(file({ enterpriseId: null, enterpriseName: '' })).toMatchObject({
      field: 'payload.enterpriseName',
    });
    expect(file({ enterpriseId: 'enterprise:hub:01JBQ5M8X000000000000000ZZ' })).toEqual({
      code: 'not_found',
      field: 'payload.enterpriseId',
    });
    expect(file({ dueAt: t0 })).toEqual({ code: 'invalid_input', field: 'payload.dueAt' });
    expect(file({ dueAt: t0 + 61 * day })).toEqual({ code: 'invalid_input', field: 'payload.dueAt' });
    expect(file({ description: '  ' })).toMatchObject({ field: 'command.payload.description' });
    expect(file({ kind: 'service' })).toMatchObject({ field: 'command.payload.kind' });
    expect(file({ source: 'fax' })).toMatchObject({ field: 'command.payload.source' });
    expect(file({ evidence: [filePayload.evidence[0], filePayload.evidence[0]] })).toEqual({
      code: 'conflict',
      field: 'payload.evidence.1',
    });
    expect(file({ evidence: [{ kind: 'recording', countyCode: '330102', callId: 'c' }] })).toEqual({
      code: 'forbidden',
      field: 'payload.evidence.0.countyCode',
    });
    expect(refused(filed(), { type: 'file', payload: filePayload })).toMatchObject({ code: 'conflict' });
  });

  test('replay accepts what the home accepted without looking the enterprise up', () => {
    const state = must(null, { type: 'file', payload: filePayload }, replay);
    expect(state.status).toBe('filed');
  });
});

describe('attachEvidence', () => {
  test('a photo and a recording are added once each', () => {
    const photo = { kind: 'photo', sha256: 'a'.repeat(64), name: '厨房.jpg' };
    const state = must(
      filed(),
      { type: 'attachEvidence', payload: photo, role: Role.supervisor },
      county('330106'),
    );
    expect(state.evidence.map((e) => e.kind)).toEqual(['recording', 'photo']);
    expect(refused(state, { type: 'attachEvidence', payload: photo }, county('330106'))).toEqual({
      code: 'conflict',
      field: 'payload',
    });
    // The centre may cite a call of another county (the citizen called both).
    const other = { kind: 'recording', countyCode: '330102', callId: 'c9' };
    expect(
      must(state, { type: 'attachEvidence', payload: other, role: Role.legalConsultant }).evidence,
    ).toHaveLength(3);
    expect(refused(state, { type: 'attachEvidence', payload: other }, county('330106'))).toEqual({
      code: 'forbidden',
      field: 'payload.countyCode',
    });
    expect(refused(state, { type: 'attachEvidence', payload: photo }, county('330102'))).toEqual({
      code: 'forbidden',
      field: 'command.actor',
    });
    expect(
      refused(state, { type: 'attachEvidence', payload: { kind: 'photo', sha256: 'x', name: 'a' } }),
    ).toMatchObject({
      field: 'command.payload.sha256',
    });
  });

  test('not after a decision, and at most 50 pieces', () => {
    const decided = must(assigned(), {
      type: 'decide',
      payload: { outcome: { kind: 'dismissed' }, reason: '不属实' },
      role: Role.qualityInspector,
      userId: 'hub:inspector',
    });
    expect(
      refused(decided, {
        type: 'attachEvidence',
        payload: { kind: 'photo', sha256: 'b'.repeat(64), name: 'x' },
      }),
    ).toEqual({ code: 'invalid_transition', field: 'command.type' });
    let state = filed();
    for (let i = 1; i < 50; i++) {
      state = must(state, {
        type: 'attachEvidence',
        payload: { kind: 'recording', countyCode: '330106', callId: `c${i}` },
      });
    }
    expect(
      refused(state, {
        type: 'attachEvidence',
        payload: { kind: 'recording', countyCode: '330106', callId: 'c50' },
      }),
    ).toEqual({ code: 'invalid_transition', field: 'payload' });
  });
});

describe('assign', () => {
  test('a central quality inspector or administrator assigns and reassigns', () => {
    const state = assigned();
    expect(state).toMatchObject({
      status: 'assigned',
      assignee: { userId: 'hub:inspector', role: 'quality_inspector' },
      assignments: [{ userId: 'hub:inspector', by: 'hub:chief' }],
    });
    const again = must(state, {
      type: 'assign',
      payload: { userId: 'hub:lawyer', role: 'legal_consultant' },
      role: Role.administrator,
    });
    expect(again.assignee).toEqual({ userId: 'hub:lawyer', role: 'legal_consultant' });
    expect(again.assignments).toHaveLength(2);
  });

  test('refusals', () => {
    const assign = { type: 'assign', payload: { userId: 'hub:inspector', role: 'quality_inspector' } };
    expect(refused(filed(), { ...assign, role: Role.callTaker })).toMatchObject({
      field: 'command.actor.role',
    });
    expect(refused(filed(), { ...assign, role: Role.legalConsultant })).toMatchObject({ code: 'forbidden' });
    expect(refused(filed(), { ...assign, role: Role.qualityInspector }, county('330106'))).toEqual({
      code: 'forbidden',
      field: 'command.actor',
    });
    expect(refused(assigned(), { ...assign, role: Role.administrator })).toEqual({
      code: 'conflict',
      field: 'payload.userId',
    });
    expect(
      refused(filed(), { ...assign, payload: { userId: 'x', role: 'call_taker' }, role: Role.administrator }),
    ).toMatchObject({ field: 'command.payload.role' });
    expect(refused(null, { ...assign, role: Role.administrator })).toMatchObject({ code: 'not_found' });
  });
});

describe('decide', () => {
  const decide = (outcome: object, role: Role = Role.qualityInspector, userId = 'hub:inspector') => ({
    type: 'decide',
    payload: { outcome, reason: '经调查属实' },
    role,
    userId,
  });

  test('the assigned arbitrator decides each outcome; an administrator may stand in', () => {
    for (const outcome of [
      { kind: 'dismissed' },
      { kind: 'refund', amountFen: 5_000 },
      { kind: 'penalty', points: 8 },
      { kind: 'suspension', days: 30 },
    ]) {
      const state = must(assigned(), decide(outcome), centre);
      expect(state).toMatchObject({ status: 'decided', outcome, decidedBy: 'hub:inspector', decidedAt: t0 });
    }
    expect(must(assigned(), decide({ kind: 'dismissed' }, Role.administrator, 'hub:admin')).decidedBy).toBe(
      'hub:admin',
    );
  });

  test('refusals', () => {
    expect(refused(filed(), decide({ kind: 'dismissed' }))).toEqual({
      code: 'invalid_transition',
      field: 'command.type',
    });
    expect(refused(assigned(), decide({ kind: 'dismissed' }, Role.qualityInspector, 'hub:other'))).toEqual({
      code: 'forbidden',
      field: 'command.actor.userId',
    });
    expect(refused(assigned(), decide({ kind: 'dismissed' }, Role.supervisor))).toMatchObject({
      field: 'command.actor.role',
    });
    expect(refused(assigned(), decide({ kind: 'dismissed' }), county('330106'))).toEqual({
      code: 'forbidden',
      field: 'command.actor',
    });
    expect(refused(assigned(), decide({ kind: 'refund', amountFen: 0 }))).toMatchObject({
      field: 'command.payload.outcome.amountFen',
    });
    expect(refused(assigned(), decide({ kind: 'refund', amountFen: 1.5 }))).toMatchObject({
      field: 'command.payload.outcome.amountFen',
    });
    expect(refused(assigned(), decide({ kind: 'suspension', days: 0 }))).toMatchObject({
      field: 'command.payload.outcome.days',
    });
    expect(
      refused(assigned(), { ...decide({ kind: 'dismissed' }), payload: { outcome: { kind: 'dismissed' } } }),
    ).toMatchObject({
      field: 'command.payload.reason',
    });
    const decided = must(assigned(), decide({ kind: 'dismissed' }));
    expect(refused(decided, decide({ kind: 'dismissed' }))).toMatchObject({ code: 'invalid_transition' });
    // Nobody registered to sanction: only a dismissal (the citizen is pointed to the regulator).
    const unnamed = must(
      must(null, {
        type: 'file',
        payload: { ...filePayload, enterpriseId: null, enterpriseName: '路边家政' },
      }),
      {
        type: 'assign',
        payload: { userId: 'hub:inspector', role: 'quality_inspector' },
        role: Role.administrator,
      },
    );
    expect(refused(unnamed, decide({ kind: 'penalty', points: 3 }))).toEqual({
      code: 'invalid_transition',
      field: 'payload.outcome',
    });
    expect(must(unnamed, decide({ kind: 'dismissed' })).status).toBe('decided');
  });
});

describe('withdraw', () => {
  test("the county's desk withdraws at the citizen's request before a decision", () => {
    for (const state of [filed(), assigned()]) {
      const withdrawn = must(
        state,
        { type: 'withdraw', payload: { reason: '已与企业协商解决' } },
        county('330106'),
      );
      expect(withdrawn).toMatchObject({
        status: 'withdrawn',
        reason: '已与企业协商解决',
        withdrawnBy: 'u-call_taker',
      });
    }
  });

  test('refusals', () => {
    const withdraw = { type: 'withdraw', payload: { reason: '撤回' } };
    expect(refused(filed(), withdraw, county('330102'))).toEqual({
      code: 'forbidden',
      field: 'command.actor',
    });
    expect(refused(filed(), { ...withdraw, role: Role.qualityInspector })).toMatchObject({
      field: 'command.actor.role',
    });
    expect(refused(filed(), { ...withdraw, payload: { reason: '' } })).toMatchObject({
      field: 'command.payload.reason',
    });
    const decided = must(assigned(), {
      type: 'decide',
      payload: { outcome: { kind: 'penalty', points: 3 }, reason: '属实' },
      role: Role.qualityInspector,
      userId: 'hub:inspector',
    });
    expect(refused(decided, withdraw)).toEqual({ code: 'invalid_transition', field: 'command.type' });
    const withdrawn = must(filed(), withdraw);
    expect(refused(withdrawn, withdraw)).toMatchObject({ code: 'invalid_transition' });
    expect(
      refused(withdrawn, {
        type: 'assign',
        payload: { userId: 'x', role: 'legal_consultant' },
        role: Role.administrator,
      }),
    ).toMatchObject({ code: 'invalid_transition' });
  });
});

test('an unknown command is refused naming the type', () => {
  expect(refused(filed(), { type: 'escalate', payload: {} })).toMatchObject({
    code: 'invalid_input',
    field: 'command.type',
  });
});

test('overdue: past the time limit and neither decided nor withdrawn', () => {
  const state = filed();
  expect(isComplaintOverdue({ complaint: state, now: state.dueAt })).toBe(false);
  expect(isComplaintOverdue({ complaint: state, now: state.dueAt + 1 })).toBe(true);
  expect(isComplaintOverdue({ complaint: assigned(), now: state.dueAt + 1 })).toBe(true);
  const decided = must(assigned(), {
    type: 'decide',
    payload: { outcome: { kind: 'dismissed' }, reason: '不属实' },
    role: Role.administrator,
  });
  expect(isComplaintOverdue({ complaint: decided, now: state.dueAt + day })).toBe(false);
  const withdrawn = must(filed(), { type: 'withdraw', payload: { reason: '撤回' } });
  expect(isComplaintOverdue({ complaint: withdrawn, now: state.dueAt + day })).toBe(false);
});

test('upheld complaints feed the credit score: penalty as decided, refund 5, suspension 25, dismissed 0', () => {
  const decidedWith = (outcome: object, other = enterpriseId) => {
    const filedFor = must(null, { type: 'file', payload: { ...filePayload, enterpriseId: other } }, replay);
    const assignedTo = must(filedFor, {
      type: 'assign',
      payload: { userId: 'hub:i', role: 'quality_inspector' },
      role: Role.administrator,
    });
    return must(
      assignedTo,
      { type: 'decide', payload: { outcome, reason: 'r' }, role: Role.qualityInspector, userId: 'hub:i' },
      replay,
    );
  };
  const complaints = [
    decidedWith({ kind: 'penalty', points: 8 }),
    decidedWith({ kind: 'refund', amountFen: 100 }),
    decidedWith({ kind: 'suspension', days: 10 }),
    decidedWith({ kind: 'dismissed' }),
    decidedWith({ kind: 'penalty', points: 50 }, 'enterprise:hub:01JBQ5M8X0000000000000000F'),
    filed(),
  ];
  const upheld = upheldComplaintPoints({ complaints, enterpriseId });
  expect(upheld).toEqual([{ points: 8 }, { points: 5 }, { points: 25 }]);
  expect(complaintPoints({ outcome: { kind: 'dismissed' } })).toBe(0);
  const score = computeCreditScore({
    input: {
      returnVisits: { count: 0, satisfactionSum: 0 },
      upheldComplaints: upheld,
      inspectionFindings: { minor: 0, major: 0, critical: 0 },
      workers: { total: 0, withValidTraining: 0 },
    },
  });
  expect(score.components.find((c) => c.key === 'complaints')?.points).toBe(0);
});

test('replay of an accepted log equals stepping; the transition list names every command', () => {
  const commands = [
    command({ type: 'file', payload: filePayload, role: Role.callTaker }),
    command({
      type: 'assign',
      payload: { userId: 'hub:i', role: 'legal_consultant' },
      role: Role.administrator,
    }),
    command({
      type: 'decide',
      payload: { outcome: { kind: 'refund', amountFen: 2_000 }, reason: '多收费' },
      role: Role.legalConsultant,
      userId: 'hub:i',
    }),
  ];
  let state: ComplaintState | null = null;
  for (const c of commands) {
    const r = applyComplaintCommand({ state, command: c, context: centre });
    if (!r.ok) throw r.error;
    state = r.value;
  }
  expect(replayComplaintLog({ log: commands })).toEqual(state);
  expect(complaintTransitionList.map((t) => t.type)).toEqual([
    'file',
    'attachEvidence',
    'assign',
    'decide',
    'withdraw',
  ]);
});
