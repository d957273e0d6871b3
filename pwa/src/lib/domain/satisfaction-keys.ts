/** The satisfaction scale of a return visit (the reducer's schema: 1 to 5). */
export const SATISFACTION_SCORES = [1, 2, 3, 4, 5] as const;
export type Satisfaction = (typeof SATISFACTION_SCORES)[number];

/** What a key press needs to be judged by: the subset of a KeyboardEvent this reads. */
export type SatisfactionKey = {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  /** The press lands in a field that takes text (the comment): digits typed there are words, not scores. */
  inTextField: boolean;
};

/**
 * The score a key press in the return-visit form sets, or null if it sets none. The call-taker scores
 * while talking, hands on the keyboard: 1–5 on the main row or the keypad (a Chinese IME may send the
 * full-width digit). With Ctrl, Alt or ⌘ the press belongs to the browser.
 */
export function satisfactionForKey(options: SatisfactionKey): Satisfaction | null {
  if (options.inTextField || options.ctrlKey || options.altKey || options.metaKey) return null;
  const key =
    options.key.length === 1 ? options.key.replace(/[１-５]/, (c) => String(c.charCodeAt(0) - 0xff10)) : '';
  const score = SATISFACTION_SCORES.find((s) => String(s) === key);
  return score ?? null;
}

/** Whether a visit with this score sends the order back to be done again (发回重办); the reducer decides. */
export function reopensOrder(options: { satisfaction: number; unsatisfiedAtMost: number }): boolean {
  return options.satisfaction <= options.unsatisfiedAtMost;
}
