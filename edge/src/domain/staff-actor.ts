import type { AccountScope, HubRole } from './hub-accounts';

/** How a hub account signs through the hub (HubSync's StaffActor): its directory user's name, role, county. */
export type StaffActorFields = { username: string; name: string; role: HubRole; countyCode: string | null };

/**
 * The directory user a hub account acts as. A county-scoped account is that county's user; the country,
 * a province or a city are central users (no county): the directory knows counties only, and the hub's
 * HTTP layer has already held the account to its province or city before anything is signed.
 */
export function staffActorOf(options: {
  account: { username: string; displayName: string; role: HubRole; scope: AccountScope };
}): StaffActorFields {
  const { account } = options;
  return {
    username: account.username,
    name: account.displayName,
    role: account.role,
    countyCode: account.scope.level === 'county' ? account.scope.code : null,
  };
}

/**
 * The directory user a hub account first signs as: `hub:<username>` (HubSync's staffUserId); an account
 * disabled and enabled again signs as a new one (HubSync.renewStaffUser). Used to try an act before it
 * is proposed, where only the role decides.
 */
export function staffDirectoryUserId(options: { username: string }): string {
  return `hub:${options.username}`;
}
