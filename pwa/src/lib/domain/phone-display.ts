/**
 * A number as a screen may show it: the middle digits hidden (mobile `138****0000`, fixed line
 * `0571-****8888`). The screen pop's own `masked` comes from the appliance; this is for numbers the console
 * holds only in full (live calls, call records, callbacks).
 */
export function maskNumber(options: { phone: string | null; raw?: string }): string {
  const phone = options.phone;
  if (phone === null) return options.raw === undefined || options.raw === '' ? '—' : hideMiddle(options.raw);
  const national = phone.startsWith('+86') ? phone.slice(3) : phone;
  if (/^1\d{10}$/.test(national)) return `${national.slice(0, 3)}****${national.slice(7)}`;
  if (phone.startsWith('+86')) {
    // Fixed line: area code (2 or 3 digits after the trunk 0) then the subscriber number.
    const area = /^(10|2\d)/.test(national) ? national.slice(0, 2) : national.slice(0, 3);
    const subscriber = national.slice(area.length);
    return `0${area}-${hideMiddle(subscriber)}`;
  }
  return national.startsWith('+') ? `+${hideMiddle(national.slice(1))}` : hideMiddle(national);
}

function hideMiddle(digits: string): string {
  if (digits.length <= 4) return '*'.repeat(digits.length);
  const keep = digits.length >= 8 ? 4 : 2;
  return `${'*'.repeat(digits.length - keep)}${digits.slice(-keep)}`;
}
