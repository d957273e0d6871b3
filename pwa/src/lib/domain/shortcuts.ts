/** The console's keyboard shortcuts (also in the help dialog and pwa/README.md). */
export const SHORTCUTS = [
  { key: 'F1', action: 'help' },
  { key: 'F2', action: 'answer' },
  { key: 'F3', action: 'available' },
  { key: 'F4', action: 'break' },
  { key: 'F6', action: 'demand' },
  { key: 'F7', action: 'orders' },
  { key: 'F8', action: 'lookup' },
  { key: 'F9', action: 'returnVisits' },
  { key: 'Escape', action: 'close' },
] as const;

export type ShortcutAction = (typeof SHORTCUTS)[number]['action'];

/**
 * The action of a key press, or undefined. Function keys act anywhere, typing in a field included (they
 * type nothing); Esc too, since it only closes things. Modified presses (Ctrl+F2…) belong to the browser.
 */
export function shortcutFor(event: {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
}): ShortcutAction | undefined {
  if (event.ctrlKey === true || event.altKey === true || event.metaKey === true) return undefined;
  return SHORTCUTS.find((shortcut) => shortcut.key === event.key)?.action;
}
