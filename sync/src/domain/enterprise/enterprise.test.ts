import fc from 'fast-check';
import { expect, test } from 'vitest';
import { allChecksPassed, command, day, makeEnterprise, t0 } from '../test-support';
import { isFreeCommunityService } from '../catalogue/catalogue';
import { validateCreditCode } from './credit-code';
import {
  applyEnterpriseCommand,
  checkEnterpriseDispatchable,
  enterpriseTransitionList,
  replayEnterpriseLog,
  type EnterpriseState,
} from './enterprise';

const agreement = { number: 'QA-1', signedAt: t0, validFrom: t0, validTo: t0 + 365 * day };
const applyPayload = {
  enterpriseId: 'enterprise:hub:01JBQ5M8X0000000000000000A',
  kind: 'enterprise' as const,
  name: '西湖家政服务有限公司',
  licenceNumber: '91330106ma27xl0r2j',
  contactName: '王经理',
  contactPhone: '0571-88886666',
  documents: [{ name: '营业执照.pdf', sha256: 'a'.repeat(64) }],
  items: ['FAM-NANNY', 'FAM-NANNY', 'FAM-CLEANING'],
  counties: ['330106'],
};

function run(state: EnterpriseState | null, ...commands: unknown[]) {
  let s = state;
  for (const c of commands) {
    const r = applyEnterpriseCommand({ state: s, command: c });
    if (!r.ok) throw r.error;
    s = r.value;
  }
  return s as EnterpriseState;
}

test('unified social credit codes are checked', () => {
  expect(validateCreditCode({ code: '91350100M000100Y43' })).toEqual({
    ok: true,
    value: '91350100M000100Y43',
  });
  expect(validateCreditCode({ code: '91350100M000100Y44' }).ok).toBe(false);
  const r = validateCreditCode({ code: '91350100I000100Y43' });
  expect(r.ok ? '' : r.error.field).toBe('licenceNumber');
});

test('application → review → approval with agreement → active, with a normalised licence', () => {
  const applied = run(null, command({ type: 'apply', payload: applyPayload, role: 'enterprise' }));
  expect(applied).toMatchObject({
    status: 'applied',
    licenceNumber: '91330106MA27XL0R2J',
    items: ['FAM-NANNY', 'FAM-CLEANING'],
  });
  const active = run(
    applied,
    command({ type: 'startReview', payload: {}, role: 'registry_officer' }),
    command({
      type: 'approve',
      payload: { checklist: allChecksPassed, agreement },
      role: 'registry_officer',
    }),
    command({ type: 'activate', payload: {}, role: 'system' }),
  );
  expect(active.status).toBe('active');
  expect(active.review?.decidedBy).toBe('u-registry_officer');
  expect(checkEnterpriseDispatchable({ enterprise: active, at: t0 + day })).toEqual({
    dispatchable: true,
    reason: null,
  });
  expect(checkEnterpriseDispatchable({ enterprise: active, at: t0 + 400 * day }).reason).toBe(
    'agreement_not_in_force',
  );
});

test('approval needs every check passed and an agreement in force', () => {
  const reviewing = run(
    null,
    command({ type: 'apply', payload: applyPayload, role: 'enterprise' }),
    command({ type: 'startReview', payload: {}, role: 'registry_officer' }),
  );
  const missing = applyEnterpriseCommand({
    state: reviewing,
    command: command({
      type: 'approve',
      payload: { checklist: { ...allChecksPassed, liability_insurance: false }, agreement },
      role: 'registry_officer',
    }),
  });
  expect(missing.ok ? '' : missing.error.message).toMatch(/liability_insurance/);
  const expired = applyEnterpriseCommand({
    state: reviewing,
    command: command({
      type: 'approve',
      payload: { checklist: allChecksPassed, agreement },
      role: 'registry_officer',
      at: t0 + 400 * day,
    }),
  });
  expect(expired.ok ? '' : expired.error.field).toBe('payload.agreement.validTo');
  const backwards = applyEnterpriseCommand({
    state: reviewing,
    command: command({
      type: 'approve',
      payload: { checklist: allChecksPassed, agreement: { ...agreement, validTo: t0 - 1 } },
      role: 'registry_officer',
    }),
  });
  expect(backwards.ok ? '' : backwards.error.field).toBe('command.payload.agreement.validTo');
  const byCallTaker = applyEnterpriseCommand({
    state: reviewing,
    command: command({
      type: 'approve',
      payload: { checklist: allChecksPassed, agreement },
      role: 'call_taker',
    }),
  });
  expect(byCallTaker.ok ? '' : byCallTaker.error.code).toBe('forbidden');
});

test('rejection with reasons, resubmission, and enterprises without a licence', () => {
  const rejected = run(
    null,
    command({ type: 'apply', payload: applyPayload, role: 'enterprise' }),
    command({ type: 'startReview', payload: {}, role: 'registry_officer' }),
    command({
      type: 'reject',
      payload: { reasons: ['营业执照经营范围不含家政服务'] },
      role: 'registry_officer',
    }),
  );
  expect(rejected.status).toBe('rejected');
  expect(rejected.review?.reasons).toEqual(['营业执照经营范围不含家政服务']);
  const again = run(
    rejected,
    command({
      type: 'resubmit',
      payload: { items: ['FAM-CLEANING'], counties: ['330106'] },
      role: 'enterprise',
    }),
  );
  expect(again).toMatchObject({ status: 'applied', items: ['FAM-CLEANING'] });

  const noLicence = applyEnterpriseCommand({
    state: null,
    command: command({
      type: 'apply',
      payload: { ...applyPayload, licenceNumber: null },
      role: 'enterprise',
    }),
  });
  expect(noLicence.ok ? '' : noLicence.error.field).toBe('payload.licenceNumber');
  const volunteer = run(
    null,
    command({
      type: 'apply',
      payload: { ...applyPayload, kind: 'volunteer', licenceNumber: null, items: ['ELD-VISIT'] },
      role: 'enterprise',
    }),
  );
  expect(volunteer).toMatchObject({ kind: 'volunteer', licenceNumber: null, items: ['ELD-VISIT'] });
  const badLicence = applyEnterpriseCommand({
    state: null,
    command: command({
      type: 'apply',
      payload: { ...applyPayload, licenceNumber: '91330106MA27XL0R2K' },
      role: 'enterprise',
    }),
  });
  expect(badLicence.ok).toBe(false);
});

test('a volunteer group serves only free community services: at application, resubmission and any change', () => {
  const volunteerPayload = {
    ...applyPayload,
    kind: 'volunteer' as const,
    name: '西溪社区助老志愿队',
    licenceNumber: null,
    items: ['ELD-VISIT', 'ELD-ESCORT'],
  };
  const refusal = (result: ReturnType<typeof applyEnterpriseCommand>) =>
    result.ok ? null : { code: result.error.code, field: result.error.field, message: result.error.message };

  // 第二项是收费的保姆服务：错误指向 payload.items.1。The second item is a paid nanny: the error names it.
  expect(
    refusal(
      applyEnterpriseCommand({
        state: null,
        command: command({
          type: 'apply',
          payload: { ...volunteerPayload, items: ['ELD-VISIT', 'FAM-NANNY'] },
          role: 'enterprise',
        }),
      }),
    ),
  ).toEqual({
    code: 'invalid_input',
    field: 'payload.items.1',
    message: 'a volunteer group may serve only free community services; FAM-NANNY is not one',
  });
  // 0 元却非社区服务的上门回收也不行。A 0–0 item that is trade is refused too.
  expect(
    refusal(
      applyEnterpriseCommand({
        state: null,
        command: command({
          type: 'apply',
          payload: { ...volunteerPayload, items: ['SHP-RECYCLING'] },
          role: 'system',
        }),
      }),
    )?.field,
  ).toBe('payload.items.0');

  const applied = run(null, command({ type: 'apply', payload: volunteerPayload, role: 'enterprise' }));
  expect(applied.items).toEqual(['ELD-VISIT', 'ELD-ESCORT']);
  const rejected = run(
    applied,
    command({ type: 'startReview', payload: {}, role: 'registry_officer' }),
    command({ type: 'reject', payload: { reasons: ['材料不全'] }, role: 'registry_officer' }),
  );
  const resubmitPaid = applyEnterpriseCommand({
    state: rejected,
    command: command({
      type: 'resubmit',
      payload: { items: ['FAM-CLEANING'], counties: ['330106'] },
      role: 'enterprise',
    }),
  });
  expect(refusal(resubmitPaid)?.field).toBe('payload.items.0');

  const active = run(
    rejected,
    command({
      type: 'resubmit',
      payload: { items: ['ELD-ESCORT'], counties: ['330106'] },
      role: 'enterprise',
    }),
    command({ type: 'startReview', payload: {}, role: 'registry_officer' }),
    command({
      type: 'approve',
      payload: { checklist: allChecksPassed, agreement },
      role: 'registry_officer',
    }),
    command({ type: 'activate', payload: {}, role: 'registry_officer' }),
  );
  expect(active).toMatchObject({ status: 'active', items: ['ELD-ESCORT'] });
  expect(
    refusal(
      applyEnterpriseCommand({
        state: active,
        command: command({
          type: 'updateServices',
          payload: { items: ['ELD-ESCORT', 'ELD-VISIT', 'MNT-LOCKSMITH'], counties: ['330106'] },
          role: 'registry_officer',
        }),
      }),
    )?.field,
  ).toBe('payload.items.2');
  const widened = run(
    active,
    command({
      type: 'updateServices',
      payload: { items: ['ELD-ESCORT', 'ELD-VISIT'], counties: ['330106', '330105'] },
      role: 'registry_officer',
    }),
  );
  expect(widened.items).toEqual(['ELD-ESCORT', 'ELD-VISIT']);
  // 企业不受此限：收费、免费服务都可以提供。An enterprise may offer free and paid services alike.
  expect(
    run(
      null,
      command({
        type: 'apply',
        payload: { ...applyPayload, items: ['ELD-VISIT', 'FAM-NANNY'] },
        role: 'enterprise',
      }),
    ).items,
  ).toEqual(['ELD-VISIT', 'FAM-NANNY']);
});

test('warn, suspend, blacklist and reinstate; lifting a blacklisting takes an administrator', () => {
  const active = makeEnterprise({ id: 'e1' });
  const warned = run(
    active,
    command({ type: 'warn', payload: { reason: '回访满意率低' }, role: 'quality_inspector' }),
  );
  expect(warned.status).toBe('warned');
  expect(checkEnterpriseDispatchable({ enterprise: warned, at: t0 }).dispatchable).toBe(true);
  const suspended = run(
    warned,
    command({
      type: 'suspend',
      payload: { reason: '投诉属实', until: t0 + 30 * day },
      role: 'registry_officer',
    }),
  );
  expect(checkEnterpriseDispatchable({ enterprise: suspended, at: t0 + day }).reason).toBe('suspended');
  expect(checkEnterpriseDispatchable({ enterprise: suspended, at: t0 + 31 * day }).dispatchable).toBe(true);
  const pastSuspension = applyEnterpriseCommand({
    state: warned,
    command: command({ type: 'suspend', payload: { reason: 'x', until: t0 - 1 }, role: 'registry_officer' }),
  });
  expect(pastSuspension.ok ? '' : pastSuspension.error.field).toBe('payload.until');
  const black = run(
    suspended,
    command({ type: 'blacklist', payload: { reason: '欺诈' }, role: 'registry_officer' }),
  );
  expect(checkEnterpriseDispatchable({ enterprise: black, at: t0 }).reason).toBe('blacklisted');
  const byOfficer = applyEnterpriseCommand({
    state: black,
    command: command({ type: 'reinstate', payload: { reason: '申诉成功' }, role: 'registry_officer' }),
  });
  expect(byOfficer.ok ? '' : byOfficer.error.code).toBe('forbidden');
  const lifted = run(
    black,
    command({ type: 'reinstate', payload: { reason: '申诉成功' }, role: 'administrator' }),
  );
  expect(lifted.status).toBe('active');
  expect(lifted.sanctions.map((s) => s.kind)).toEqual(['warn', 'suspend', 'blacklist', 'reinstate']);
  const applied = makeEnterprise({ id: 'e2', status: 'applied' });
  expect(checkEnterpriseDispatchable({ enterprise: applied, at: t0 }).reason).toBe('not_active');
});

test('agreements are renewed only forwards; services can change', () => {
  const active = makeEnterprise({ id: 'e1' });
  const renewed = run(
    active,
    command({
      type: 'renewAgreement',
      payload: { agreement: { ...agreement, validTo: t0 + 730 * day } },
      role: 'registry_officer',
    }),
  );
  expect(renewed.agreement?.validTo).toBe(t0 + 730 * day);
  const shorter = applyEnterpriseCommand({
    state: renewed,
    command: command({ type: 'renewAgreement', payload: { agreement }, role: 'registry_officer' }),
  });
  expect(shorter.ok).toBe(false);
  const moved = run(
    active,
    command({
      type: 'updateServices',
      payload: { items: ['MNT-APPLIANCE'], counties: ['330105', '330106'] },
      role: 'registry_officer',
    }),
  );
  expect(moved.counties).toEqual(['330105', '330106']);
  const lapsed = makeEnterprise({ id: 'e3', status: 'applied' });
  const noAgreement = applyEnterpriseCommand({
    state: lapsed,
    command: command({ type: 'activate', payload: {}, role: 'system' }),
  });
  expect(noAgreement.ok).toBe(false);
});

test('the transition table is documented, and bad commands name the field', () => {
  expect(enterpriseTransitionList.find((t) => t.type === 'blacklist')?.roles).toContain('registry_officer');
  const r = applyEnterpriseCommand({ state: null, command: { type: 'apply', payload: {} } });
  expect(r.ok ? '' : r.error.field).toMatch(/^command\./);
  const unknown = applyEnterpriseCommand({
    state: null,
    command: command({ type: 'explode', payload: {}, role: 'administrator' }),
  });
  expect(unknown.ok ? '' : unknown.error.field).toBe('command.type');
});

const anyCommand = fc.oneof(
  fc.constant({ type: 'apply', payload: applyPayload }),
  fc.constant({
    type: 'apply',
    payload: { ...applyPayload, kind: 'volunteer', licenceNumber: null, items: ['ELD-VISIT'] },
  }),
  fc.constant({
    type: 'apply',
    payload: { ...applyPayload, kind: 'volunteer', licenceNumber: null, items: ['ELD-VISIT', 'FAM-NANNY'] },
  }),
  fc.constant({ type: 'updateServices', payload: { items: ['FAM-NANNY'], counties: ['330106'] } }),
  fc.constant({ type: 'updateServices', payload: { items: ['ELD-ESCORT'], counties: ['330106'] } }),
  fc.constant({ type: 'startReview', payload: {} }),
  fc.constant({ type: 'approve', payload: { checklist: allChecksPassed, agreement } }),
  fc.constant({ type: 'approve', payload: { checklist: {}, agreement } }),
  fc.constant({ type: 'reject', payload: { reasons: ['x'] } }),
  fc.constant({ type: 'resubmit', payload: { items: ['FAM-NANNY'], counties: ['330106'] } }),
  fc.constant({ type: 'activate', payload: {} }),
  fc.constant({ type: 'warn', payload: { reason: 'r' } }),
  fc.constant({ type: 'suspend', payload: { reason: 'r', until: null } }),
  fc.constant({ type: 'blacklist', payload: { reason: 'r' } }),
  fc.constant({ type: 'reinstate', payload: { reason: 'r' } }),
);
const anyRole = fc.constantFrom(
  'enterprise',
  'registry_officer',
  'administrator',
  'call_taker',
  'system',
  'quality_inspector',
);

test('property: no command sequence breaks the invariants; refusals change nothing; replay equals stepping', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(anyCommand, anyRole, fc.integer({ min: 0, max: 30 })), { maxLength: 40 }),
      (steps) => {
        let state: EnterpriseState | null = null;
        const log: unknown[] = [];
        for (const [c, role, dayOffset] of steps) {
          const cmd = command({ type: c.type, payload: c.payload, role, at: t0 + dayOffset * day });
          const before = state;
          const snapshot = JSON.stringify(before);
          const r = applyEnterpriseCommand({ state, command: cmd });
          if (r.ok) {
            state = r.value;
            log.push(cmd);
          } else {
            expect(JSON.stringify(before)).toBe(snapshot);
          }
          if (state) {
            const live = ['approved', 'active', 'warned', 'suspended', 'blacklisted'].includes(state.status);
            if (live) expect(state.agreement).not.toBeNull();
            if (state.status === 'blacklisted') expect(state.sanctions.at(-1)?.kind).toBe('blacklist');
            if (state.kind === 'enterprise') expect(state.licenceNumber).toMatch(/^[0-9A-Z]{18}$/);
            if (state.kind === 'volunteer')
              expect(state.items.every((code) => isFreeCommunityService({ code }))).toBe(true);
          }
        }
        expect(replayEnterpriseLog({ log })).toEqual(state);
      },
    ),
  );
}, 60_000);
