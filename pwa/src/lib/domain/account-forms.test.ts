import { expect, test } from 'vitest';
import {
  disabledSince,
  disableReasonIssue,
  passwordChangeIssues,
  passwordFieldOf,
  passwordResetIssues,
} from './account-forms';

test('a password change: the current one, a new one of at least 10 characters, typed twice alike', () => {
  expect(passwordChangeIssues({ currentPassword: '', newPassword: 'short', confirm: 'shorter' })).toEqual({
    currentPassword: 'required',
    newPassword: 'tooShort',
    confirm: 'mismatch',
  });
  expect(
    passwordChangeIssues({
      currentPassword: 'old-secret-1',
      newPassword: 'new-secret-22',
      confirm: 'new-secret-22',
    }),
  ).toEqual({});
  expect(
    passwordChangeIssues({
      currentPassword: 'same-secret-1',
      newPassword: 'same-secret-1',
      confirm: 'same-secret-1',
    }),
  ).toEqual({ newPassword: 'unchanged' });
});

test('characters are counted as typed: ten Chinese characters are enough, nine are not', () => {
  expect(
    passwordResetIssues({ newPassword: '家政服务网络中心密码', confirm: '家政服务网络中心密码' }),
  ).toEqual({});
  expect(passwordResetIssues({ newPassword: '家政服务网络中心密', confirm: '家政服务网络中心密' })).toEqual({
    newPassword: 'tooShort',
  });
});

test('the hub’s refusal goes to its field, or to the form', () => {
  expect(passwordFieldOf('currentPassword')).toBe('currentPassword');
  expect(passwordFieldOf('newPassword')).toBe('newPassword');
  expect(passwordFieldOf('username')).toBe('form');
  expect(passwordFieldOf(null)).toBe('form');
});

test('disabling needs a reason of at most 500 characters', () => {
  expect(disableReasonIssue('  ')).toBe('reasonRequired');
  expect(disableReasonIssue('x'.repeat(501))).toBe('reasonTooLong');
  expect(disableReasonIssue('离职')).toBeNull();
});

test('disabled since: the date, or an empty one when the hub does not say, or null while enabled', () => {
  expect(disabledSince({ disabled: true, disabledAt: '2026-11-30T01:00:00.000Z' })).toBe(
    '2026-11-30T01:00:00.000Z',
  );
  expect(disabledSince({ disabled: false, disabledAt: null })).toBeNull();
  expect(disabledSince(JSON.parse('{"disabled":true}') as { disabled: boolean; disabledAt: null })).toBe('');
});
