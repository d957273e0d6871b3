import { z } from 'zod';
import { passwordSchema } from './hub-accounts';

/** The password and disabling requests of the account endpoints (account-routes.ts). */

export const changePasswordRequestSchema = z.strictObject({
  // Any length is checked against the hash; the cap only stops a megabyte from costing a hash of it.
  currentPassword: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  newPassword: passwordSchema,
});
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const resetPasswordRequestSchema = z.strictObject({ newPassword: passwordSchema });
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

export const disableAccountRequestSchema = z.strictObject({
  reason: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type DisableAccountRequest = z.infer<typeof disableAccountRequestSchema>;
