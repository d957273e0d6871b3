import { expect, test } from 'vitest';
import { hashPassword, verifyPassword } from './scrypt-password';

test('a hash verifies its password only, and salts differ', async () => {
  const hash = await hashPassword({ password: 'correct horse 电池' });
  expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  expect(await verifyPassword({ password: 'correct horse 电池', hash })).toBe(true);
  expect(await verifyPassword({ password: 'correct horse 电池!', hash })).toBe(false);
  expect(await hashPassword({ password: 'correct horse 电池' })).not.toBe(hash);
});

test('passwords are compared in NFC, so a composed and a decomposed é are the same password', async () => {
  const hash = await hashPassword({ password: 'caf\u00e9-password' });
  expect(await verifyPassword({ password: 'cafe\u0301-password', hash })).toBe(true);
});

test('malformed or hostile hashes are refused without throwing', async () => {
  for (const hash of [
    '',
    'bcrypt$1$2$3$4$5',
    'scrypt$0$8$1$AA$AA',
    `scrypt$${2 ** 21}$8$1$AA$AA`,
    'scrypt$1024$8$1$AA$AA',
  ]) {
    expect(await verifyPassword({ password: 'x', hash })).toBe(false);
  }
});
