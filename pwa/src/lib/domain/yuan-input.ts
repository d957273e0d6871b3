/** Why a typed amount is not a fee: each has a translated message (`orderDesk.money.<error>`). */
export type YuanInputError = 'empty' | 'not_a_number' | 'negative' | 'too_many_decimals' | 'too_large';

export type YuanInputResult = { ok: true; fen: number } | { ok: false; error: YuanInputError };

/** The domain's ceiling for an amount (sync's fenSchema): 100 million yuan. */
export const MAX_FEN = 100_000_000_00;

/**
 * A fee typed in yuan (`128`, `128.5`, `¥1,280.00`, full-width `１２８．５` from a Chinese IME) as integer fen.
 * Parsed as text, never through a float: `0.1 + 0.2` must not become 30.000000000000004 fen.
 */
export function parseYuanInput(options: { text: string }): YuanInputResult {
  const text = toHalfWidth(options.text)
    .trim()
    .replace(/^[¥￥]\s*/, '')
    .replace(/(?<=\d),(?=\d{3}(\D|$))/g, '')
    .replace(/\s*(元|yuan|RMB|CNY)$/i, '');
  if (text === '') return { ok: false, error: 'empty' };
  if (/^-/.test(text)) return { ok: false, error: 'negative' };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(text);
  if (match === null) return { ok: false, error: 'not_a_number' };
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return { ok: false, error: 'not_a_number' };
  if (fraction.length > 2) return { ok: false, error: 'too_many_decimals' };
  // Beyond 11 digits of yuan the number is over the ceiling anyway; stop before Number loses precision.
  if (whole.replace(/^0+/, '').length > 11) return { ok: false, error: 'too_large' };
  const fen = Number(whole === '' ? '0' : whole) * 100 + Number(fraction.padEnd(2, '0'));
  if (fen > MAX_FEN) return { ok: false, error: 'too_large' };
  return { ok: true, fen };
}

/** Integer fen as the plain number a yuan input field shows back (`12850` → `128.50`). */
export function fenToYuanText(options: { fen: number }): string {
  const fen = Math.round(options.fen);
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

function toHalfWidth(text: string): string {
  return text.replace(/[０-９．，－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}
