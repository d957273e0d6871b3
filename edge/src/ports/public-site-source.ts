/** An enterprise as the public website shows it. */
export type PublicEnterprise = {
  id: string;
  name: string;
  kind: 'enterprise' | 'volunteer';
  /** `warned` is shown: citizens are entitled to know. */
  status: 'active' | 'warned';
  items: readonly string[];
  counties: readonly string[];
};

/** A citizen's order from the website, already validated (see domain/public-forms.ts). */
export type WebOrderRequest = {
  countyCode: string;
  citizenName: string;
  /** Canonical phone. */
  citizenPhone: string;
  itemCode: string;
  address: string;
  wantedAt: number | null;
  notes: string;
};

/** An application to join the network from the website, validated, its documents stored. */
export type EnterpriseApplicationRequest = {
  kind: 'enterprise' | 'volunteer';
  name: string;
  /** Upper-case unified social credit code, or null for a volunteer group without one. */
  licenceNumber: string | null;
  contactName: string;
  /** Canonical phone. */
  contactPhone: string;
  items: readonly string[];
  counties: readonly string[];
  documents: ReadonlyArray<{ name: string; sha256: string }>;
};

/** A citizen's complaint from the website, already validated (see domain/public-forms.ts). */
export type WebComplaintRequest = {
  /** Where the service took place: that county's desk works on the complaint with the centre. */
  countyCode: string;
  citizenName: string;
  /** Canonical phone. */
  citizenPhone: string;
  /** One of the listed enterprises, or null when it is only named. */
  enterpriseId: string | null;
  enterpriseName: string;
  kind: 'quality' | 'price';
  description: string;
};

/** What the public website needs from the hub's records. */
export interface PublicSiteSource {
  /** The recommended list: enterprises the credit lists recommend that may take orders now, unwarned. */
  listRecommendedEnterprises(): Promise<PublicEnterprise[]>;
  /** Counties an order can be placed for: those with an enrolled appliance, the home of their orders. */
  listOrderCounties(): Promise<string[]>;
  /** Proposes the order's `receive` as the hub and hands it to the county's appliance through the relay. */
  receiveWebOrder(options: WebOrderRequest): Promise<{ recordId: string; proposalId: string }>;
  /**
   * A new enterprise record holding the hub's signed `apply`, decided at once (the hub is the registry's
   * home): `applied`, waiting for a registry officer's review. Throws a DomainError when it is refused.
   */
  receiveApplication(options: EnterpriseApplicationRequest): Promise<{ recordId: string }>;
  /**
   * A new complaint record `complaint:hub:<ULID>` holding the hub's signed `file` (source `web`), decided at
   * once (the hub is its home). Throws a DomainError when it is refused.
   */
  receiveWebComplaint(options: WebComplaintRequest): Promise<{ recordId: string }>;
}
