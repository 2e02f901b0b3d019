// How an applicant is recognised across conversations: the same user id on the same channel and, on
// Teams only, the same Entra ID identity (tenant and aadObjectId) in any Teams conversation. Any other
// channel lets its client write `aadObjectId` freely, so it never names a Teams user there.
import type { Owner } from './dossierSchema';

export const TEAMS_CHANNEL_ID = 'msteams';

export interface TeamsIdentity {
  tenantId: string;
  aadObjectId: string;
}

/** The Teams identity an owner may be matched on, if the owner is a Teams user with a known tenant. */
export function teamsIdentityOf(owner: Pick<Owner, 'channel' | 'aadObjectId' | 'tenantId'>): TeamsIdentity | undefined {
  if (owner.channel !== TEAMS_CHANNEL_ID || !owner.aadObjectId || !owner.tenantId) return undefined;
  return { tenantId: owner.tenantId, aadObjectId: owner.aadObjectId };
}

/** The MongoDB filters (to `$or`) that find what belongs to this owner, under `prefix` (`owner.` in dossiers). */
export function ownerFilters(owner: Owner, prefix = 'owner.'): Array<Record<string, string>> {
  const filters: Array<Record<string, string>> = [{ [`${prefix}userId`]: owner.userId, [`${prefix}channel`]: owner.channel }];
  const teams = teamsIdentityOf(owner);
  if (teams) filters.push({ [`${prefix}channel`]: TEAMS_CHANNEL_ID, [`${prefix}tenantId`]: teams.tenantId, [`${prefix}aadObjectId`]: teams.aadObjectId });
  return filters;
}
