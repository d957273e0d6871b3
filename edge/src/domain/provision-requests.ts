import { regionCodeSchema, roleSchema, validateCountyCode } from '@jiazheng/sync/domain';
import { z } from 'zod';

/**
 * What the hub's admin endpoints accept. The directory's own reducer checks the same fields again when
 * the hub sequences the enrolment; checking here first turns a bad request into a 400 naming the field
 * instead of a rejected proposal left in the directory's log forever.
 */
const deviceIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_:-]+$/, 'may hold only letters, digits, _, : and -');
const userIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'may hold only letters, digits and _ . : @ -');
/** Raw uncompressed P-256 point (65 bytes) in base64url, as `exportPublicKey` gives it. */
const publicKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{87}$/, 'must be a base64url P-256 public key (87 characters)');

const countyCodeSchema = regionCodeSchema.refine(
  (code) => validateCountyCode({ code }).ok,
  'must be a county-level GB/T 2260 code, e.g. 330106',
);

export const applianceProvisionSchema = z.strictObject({
  countyCode: countyCodeSchema,
  deviceId: deviceIdSchema,
  publicKey: publicKeySchema,
});
export type ApplianceProvision = z.infer<typeof applianceProvisionSchema>;

export const deviceProvisionSchema = z.strictObject({
  userId: userIdSchema,
  name: z.string().trim().min(1).max(40),
  role: roleSchema,
  /** Null for the centre (central office, inspectors, administrators). */
  countyCode: countyCodeSchema.nullable(),
  deviceId: deviceIdSchema,
  publicKey: publicKeySchema,
  /** Hub devices are made by the hub itself, never enrolled from outside. */
  kind: z.enum(['pwa', 'appliance']),
});
export type DeviceProvision = z.infer<typeof deviceProvisionSchema>;

/** A record-id prefix such as `order:330106:`; '' means every record. */
export const recordPrefixSchema = z
  .string()
  .max(120)
  .regex(/^[A-Za-z0-9:]*$/, 'may hold only letters, digits and :, e.g. order:330106:');
