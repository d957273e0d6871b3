import { expect, test } from 'vitest';
import { Role, type Role as RoleType } from '../domain';
import { readAccessOf, writeRightsOf } from './replica-policy';
import { homeOf, isHomeOf, type SyncPeer } from './sync-peer';
import { policyPeer } from './test-support';

const closing = 'closing:330106:01JBQ5M8X0000000000000000C';

const peer = (kind: SyncPeer['kind'], countyCode: string | null, role: RoleType): SyncPeer =>
  policyPeer({ kind, countyCode, role });

test('a closing is homed at its county’s appliance, like the county’s orders', () => {
  expect(homeOf({ recordId: closing })).toEqual({ kind: 'appliance', countyCode: '330106' });
  expect(isHomeOf({ self: { kind: 'appliance', countyCode: '330106' }, recordId: closing })).toBe(true);
  expect(isHomeOf({ self: { kind: 'hub' }, recordId: closing })).toBe(false);
});

test('the county reads and proposes to its own closings; the centre reads them; nobody else', () => {
  const own = peer('appliance', '330106', Role.system);
  expect(readAccessOf({ peer: own, recordId: closing })).toBe(true);
  expect(writeRightsOf({ peer: own, recordId: closing })).toEqual({
    isHome: true,
    mayPropose: true,
    mayEditFields: true,
  });
  const supervisor = peer('pwa', '330106', Role.supervisor);
  expect(readAccessOf({ peer: supervisor, recordId: closing })).toBe(true);
  expect(writeRightsOf({ peer: supervisor, recordId: closing })).toMatchObject({
    isHome: false,
    mayPropose: true,
  });

  const neighbour = peer('appliance', '330105', Role.system);
  expect(readAccessOf({ peer: neighbour, recordId: closing })).toBe(false);
  expect(writeRightsOf({ peer: neighbour, recordId: closing })).toMatchObject({
    isHome: false,
    mayPropose: false,
  });

  const enterprise = peer('pwa', '330106', Role.enterprise);
  expect(readAccessOf({ peer: enterprise, recordId: closing })).toBe(false);

  const office = peer('pwa', null, Role.centralOffice);
  expect(readAccessOf({ peer: office, recordId: closing })).toBe(true);
  expect(writeRightsOf({ peer: office, recordId: closing })).toMatchObject({ mayPropose: false });
  expect(readAccessOf({ peer: peer('pwa', null, Role.qualityInspector), recordId: closing })).toBe(false);
});
