/** The slice of a fixed-height row list to put in the DOM, and where it sits inside the full height. */
export type VirtualWindow = {
  /** First row rendered (inclusive). */
  start: number;
  /** Row after the last one rendered (exclusive); `start === end` when there is nothing to show. */
  end: number;
  /** How far down the spacer the first rendered row starts, in pixels. */
  offsetTop: number;
  /** The spacer's height: all rows, so the scroll bar tells the truth. */
  totalHeight: number;
};

/**
 * The rows a viewport shows at `scrollTop`, plus `overscan` rows either side so a quick scroll does not
 * flash blank before the next frame renders. Constant time, whatever the row count: 50,000 orders cost
 * the same as 50.
 */
export function visibleWindow(options: {
  count: number;
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  overscan?: number;
}): VirtualWindow {
  const count = Math.max(0, Math.floor(options.count));
  const rowHeight = options.rowHeight > 0 ? options.rowHeight : 1;
  const overscan = Math.max(0, Math.floor(options.overscan ?? 4));
  const totalHeight = count * rowHeight;
  // A scroll bounced past either end (elastic scrolling) or a stale scrollTop after the list shrank.
  const maxScroll = Math.max(0, totalHeight - Math.max(0, options.viewportHeight));
  const scrollTop = Math.min(Math.max(0, options.scrollTop), maxScroll);
  const first = Math.floor(scrollTop / rowHeight);
  const last = Math.ceil((scrollTop + Math.max(0, options.viewportHeight)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, last + overscan);
  return { start, end: Math.max(start, end), offsetTop: start * rowHeight, totalHeight };
}

/** The scrollTop that brings row `index` fully into view, moving as little as possible. */
export function scrollToRow(options: {
  index: number;
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
}): number {
  const top = options.index * options.rowHeight;
  const bottom = top + options.rowHeight;
  if (top < options.scrollTop) return top;
  if (bottom > options.scrollTop + options.viewportHeight)
    return Math.max(0, bottom - options.viewportHeight);
  return options.scrollTop;
}

/**
 * The selection after a key press in a list of `count` rows: ↑/↓ by one, PageUp/PageDown by a page,
 * Home/End to the ends. `undefined` for keys the list does not handle. From no selection, ↓ picks the
 * first row and ↑ the last, so the keyboard can enter the list from either end.
 */
export function moveSelection(options: {
  key: string;
  index: number | null;
  count: number;
  pageSize: number;
}): number | null | undefined {
  const { key, index, count } = options;
  if (count <= 0) return key === 'ArrowUp' || key === 'ArrowDown' ? null : undefined;
  const page = Math.max(1, Math.floor(options.pageSize));
  const clamp = (n: number): number => Math.min(count - 1, Math.max(0, n));
  switch (key) {
    case 'ArrowDown':
      return index === null ? 0 : clamp(index + 1);
    case 'ArrowUp':
      return index === null ? count - 1 : clamp(index - 1);
    case 'PageDown':
      return clamp((index ?? -1) + page);
    case 'PageUp':
      return clamp((index ?? count) - page);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
