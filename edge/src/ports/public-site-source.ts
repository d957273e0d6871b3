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

/** What the public website needs from the hub's records. */
export interface PublicSiteSource {
  /** Enterprises that may take orders now (active or warned, agreement in force). */
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
}
