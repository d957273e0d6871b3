/**
 * Passwords that ship with FreeSWITCH, its GUIs and common phones, or that people type when asked for one.
 * Scanners try these first, so neither the provisioning file nor a rendered configuration may contain them.
 */
export const KNOWN_DEFAULT_PASSWORDS: ReadonlySet<string> = new Set([
  'cluecon',
  '1234',
  '12345',
  '123456',
  '1234567',
  '12345678',
  '123456789',
  '1234567890',
  '0000',
  '00000000',
  '1111',
  '11111111',
  '888888',
  '666666',
  'admin',
  'administrator',
  'password',
  'passw0rd',
  'changeme',
  'default',
  'secret',
  'freeswitch',
  'fusionpbx',
  'qwerty',
  'welcome',
]);

/** Case-insensitive, because `CLUECON` is as guessable as `ClueCon`. */
export function isKnownDefaultPassword(options: { password: string }): boolean {
  return KNOWN_DEFAULT_PASSWORDS.has(options.password.trim().toLowerCase());
}

/** FreeSWITCH's event socket default; an appliance that still has it anywhere is open to anyone on the host. */
export function containsClueCon(options: { text: string }): boolean {
  return options.text.toLowerCase().includes('cluecon');
}
