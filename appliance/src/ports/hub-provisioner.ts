/** How the appliance enrols itself at the hub (once, at its first start). */
export interface HubProvisioner {
  provisionAppliance(options: {
    countyCode: string;
    deviceId: string;
    publicKey: string;
    /** Aborted when the appliance stops meanwhile. */
    signal?: AbortSignal;
  }): Promise<{ directoryId: string; hubDeviceId: string }>;
}
