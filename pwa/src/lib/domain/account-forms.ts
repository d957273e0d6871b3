import type { HubAccount } from '../api/hub-types';

/**
 * The hub accounts' forms as pure code: a password change, an administrator's reset, disabling with a
 * reason. Problems are i18n keys under `account.errors`; the hub checks again and has the last word.
 */

/** The hub's minimum (edge/src/domain/hub-accounts.ts, MIN_PASSWORD_LENGTH). */
export const MIN_PASSWORD_LENGTH = 10;

export type PasswordField = 'currentPassword' | 'newPassword' | 'confirm';
/** The problems the forms find, each an i18n key under `account.errors`. */
export const ACCOUNT_ERRORS = [
  'required',
  'tooShort',
  'mismatch',
  'unchanged',
  'reasonRequired',
  'reasonTooLong',
] as const;
export type AccountError = (typeof ACCOUNT_ERRORS)[number];
export type PasswordErrors = Partial<Record<PasswordField, AccountError>>;

function newPasswordIssues(options: { newPassword: string; confirm: string }): PasswordErrors {
  const errors: PasswordErrors = {};
  // Counted in characters as people type them, not UTF-16 units: 汉字 and emoji count once.
  if ([...options.newPassword].length < MIN_PASSWORD_LENGTH) errors.newPassword = 'tooShort';
  if (options.confirm !== options.newPassword) errors.confirm = 'mismatch';
  return errors;
}

/** The signed-in user's own change: the current password, a new one of 10 or more, typed twice. */
export function passwordChangeIssues(options: {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}): PasswordErrors {
  const errors = newPasswordIssues(options);
  if (options.currentPassword === '') errors.currentPassword = 'required';
  else if (errors.newPassword === undefined && options.newPassword === options.currentPassword) {
    errors.newPassword = 'unchanged';
  }
  return errors;
}

/** An administrator's reset of someone else's password. */
export function passwordResetIssues(options: { newPassword: string; confirm: string }): PasswordErrors {
  return newPasswordIssues(options);
}

/** Where the hub's refusal of a password form belongs: its field if the form has it, else the form. */
export function passwordFieldOf(field: string | null): PasswordField | 'form' {
  return field === 'currentPassword' || field === 'newPassword' ? field : 'form';
}

/** A disabling needs a reason (kept with the account); null when the reason will do. */
export function disableReasonIssue(reason: string): AccountError | null {
  const trimmed = reason.trim();
  if (trimmed === '') return 'reasonRequired';
  return trimmed.length > 500 ? 'reasonTooLong' : null;
}

/** Since when the account is disabled: null while enabled; '' for a hub that says disabled but not when. */
export function disabledSince(account: Pick<HubAccount, 'disabled' | 'disabledAt'>): string | null {
  // `?? null`: a hub older than disabledAt leaves the field out of its JSON.
  const at = (account.disabledAt as string | null | undefined) ?? null;
  if (at !== null) return at;
  return account.disabled ? '' : null;
}
