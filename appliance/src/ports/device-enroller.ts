import type { DirectoryUserSpec } from '../domain/device-enrolment';

export type PwaEnrolment = {
  deviceId: string;
  userId: string;
  role: string;
  countyCode: string;
  directoryId: string;
};

export type PwaEnrolmentResult =
  | { ok: true; enrolment: PwaEnrolment }
  | {
      ok: false;
      /** `not_enrolled`: the appliance itself is not enrolled at a hub yet, so it has no directory. */
      code: 'not_enrolled' | 'conflict' | 'forbidden';
      field: string | null;
      message: string;
    };

/** Puts a browser's signing key in the directory for a logged-in user, so the PWA can sync at once. */
export interface DeviceEnroller {
  enrolPwa(options: {
    user: DirectoryUserSpec;
    deviceId: string;
    publicKey: string;
  }): Promise<PwaEnrolmentResult>;
}
