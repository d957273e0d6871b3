import { z } from 'zod';
import { DomainErrorCode, fail, ok, parseInput, type Result } from '../errors';

/**
 * Resident identity numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence
 * (odd = male), and an ISO 7064 MOD 11-2 check character. The full number is personal data: the
 * domain only ever keeps the masked form, the adapters keep the full one encrypted.
 */
const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const checkChars = '10X98765432';

const rawIdNumberSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^\d{17}[\dX]$/, 'must be 18 characters: 17 digits and a digit or X');

export type IdNumberFacts = { birthDate: string; gender: 'male' | 'female'; regionCode: string };

export function validateIdNumber(options: { idNumber: string }): Result<IdNumberFacts> {
  const parsed = rawIdNumberSchema.safeParse(options.idNumber);
  if (!parsed.success) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'idNumber',
      message: `idNumber: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    });
  }
  const id = parsed.data;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (weights[i] ?? 0);
  if (checkChars[sum % 11] !== id[17]) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'idNumber',
      message: 'idNumber: check character does not match',
    });
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'idNumber',
      message: 'idNumber: birth date is not a real date',
    });
  }
  return ok({
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gender: Number(id[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: id.slice(0, 6),
  });
}

/** `330106199001011234` → `330106********1234`: region kept (useful for routing), birth date hidden. */
export function maskIdNumber(options: { idNumber: string }): string {
  const id = parseInput({ schema: rawIdNumberSchema, input: options.idNumber, what: 'idNumber' });
  const checked = validateIdNumber({ idNumber: id });
  if (!checked.ok) throw checked.error;
  return `${id.slice(0, 6)}********${id.slice(14)}`;
}

export const maskedIdNumberSchema = z
  .string()
  .regex(/^\d{6}\*{8}\d{3}[\dX]$/, 'must be a masked identity number like 330106********1234');
