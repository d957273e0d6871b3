import { DomainErrorCode, fail, ok, type Result } from '../errors';

/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from a 31-letter alphabet
 * (no I, O, Z, S, V), the last one a MOD 31 check character. Checking it catches most typing errors in
 * an enterprise's licence number at the application form, before a registry officer ever sees it.
 */
const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function validateCreditCode(options: { code: string }): Result<string> {
  const code = options.code.trim().toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'licenceNumber',
      message: 'licenceNumber: must be an 18-character unified social credit code',
    });
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(code[i] ?? '') * (weights[i] ?? 0);
  const expected = alphabet[(31 - (sum % 31)) % 31];
  if (code[17] !== expected) {
    return fail({
      code: DomainErrorCode.invalidInput,
      field: 'licenceNumber',
      message: 'licenceNumber: check character does not match',
    });
  }
  return ok(code);
}
