import { recordIdSchema } from '@jiazheng/sync/domain';
import { z } from 'zod';
import type { HubProvisioner } from '../../ports/hub-provisioner';

const answerSchema = z.object({ directoryId: recordIdSchema, hubDeviceId: z.string().min(1).max(64) });
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Enrols the appliance at the hub over its admin API (`POST /api/provision/appliance`). */
export class HubProvisioningClient implements HubProvisioner {
  readonly #options: { hubUrl: string; adminToken: string; timeoutMs: number };

  constructor(options: { hubUrl: string; adminToken: string; timeoutMs?: number }) {
    this.#options = { ...options, timeoutMs: options.timeoutMs ?? 10_000 };
  }

  async provisionAppliance(options: {
    countyCode: string;
    deviceId: string;
    publicKey: string;
    signal?: AbortSignal;
  }): Promise<{ directoryId: string; hubDeviceId: string }> {
    const { hubUrl, adminToken, timeoutMs } = this.#options;
    const { signal, ...request } = options;
    // A WAN that swallows packets must not hold the attempt forever, nor a shutdown.
    const timeout = AbortSignal.timeout(timeoutMs);
    const response = await fetch(`${hubUrl}/api/provision/appliance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = errorSchema.safeParse(body);
      const detail = error.success ? `${error.data.error.code}: ${error.data.error.message}` : 'no details';
      throw new Error(`the hub answered ${response.status} (${detail.slice(0, 300)})`);
    }
    const answer = answerSchema.safeParse(body);
    if (!answer.success) throw new Error('the hub answered 200 without a directory id');
    return answer.data;
  }
}
