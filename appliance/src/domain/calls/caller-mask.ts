import { maskPhone } from '@jiazheng/sync/domain';

/**
 * A caller as a shared screen may show them (the screen pop, the wall board): a valid number with its
 * middle hidden (`138****5678`, `0571-****8888`); a caller ID that is not a valid number only by its
 * last digits, so a misdialled or spoofed string is never shown whole either.
 */
export function maskCaller(options: { caller: string | null; callerRaw: string }): string {
  if (options.caller !== null) {
    try {
      return maskPhone({ input: options.caller });
    } catch {
      // Stored before a change in numbering rules made it invalid: masked like any raw caller ID.
    }
  }
  return maskRaw({ raw: options.callerRaw });
}

function maskRaw(options: { raw: string }): string {
  const digits = options.raw.replace(/\D/g, '');
  if (digits === '') return '未知号码';
  return digits.length <= 4 ? '****' : `****${digits.slice(-4)}`;
}
