import { DomainError, DomainErrorCode } from '@jiazheng/sync/domain';
import { HttpError, HttpErrorCode } from '@jiazheng/sync/node';
import type { Hono } from 'hono';
import {
  deviceEnrolmentRequestSchema,
  directoryUserOf,
  type ApplianceRoleName,
} from '../../domain/device-enrolment';
import type { DeviceEnroller } from '../../ports/device-enroller';
import { bodyIssue, readJsonBody, requireSessionUser } from './request-helpers';

export type DeviceRoutesOptions = {
  /** The session's user, or undefined (401). */
  authenticate: (
    token: string,
  ) => Promise<{ username: string; role: ApplianceRoleName; displayName: string } | undefined>;
  devices: DeviceEnroller;
  countyCode: string;
};

/**
 * `POST /api/devices`: a logged-in user enrols this browser's signing key, so the PWA can open its
 * record sync (`/sync?token=<device token>`) right after. The login proves who the user is; the
 * directory entry it makes is what the sync relay checks from then on.
 */
export function mountDeviceRoutes(options: { app: Hono } & DeviceRoutesOptions): void {
  const { app, devices, countyCode } = options;

  app.post('/api/devices', async (c) => {
    const user = await requireSessionUser({ c, authenticate: options.authenticate });
    const body = deviceEnrolmentRequestSchema.safeParse(await readJsonBody(c));
    if (!body.success) throw bodyIssue(body.error);
    const result = await devices.enrolPwa({
      user: directoryUserOf({
        countyCode,
        username: user.username,
        role: user.role,
        displayName: user.displayName,
      }),
      deviceId: body.data.deviceId,
      publicKey: body.data.publicKey,
    });
    if (result.ok) return c.json(result.enrolment);
    if (result.code === 'not_enrolled') {
      // json-http has no `unavailable` code (and sync is not ours to change): bad_gateway is the one for
      // "something this process depends on, the hub, is not there", with 503 saying it is temporary.
      throw new HttpError({
        status: 503,
        body: { code: HttpErrorCode.badGateway, field: result.field, message: result.message },
      });
    }
    throw new DomainError({
      code: result.code === 'conflict' ? DomainErrorCode.conflict : DomainErrorCode.forbidden,
      field: result.field ?? undefined,
      message: result.message,
    });
  });
}
