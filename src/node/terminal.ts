/**
 * Text laid out for a terminal: every line the CLI prints fits the terminal's width (80 columns where
 * the width is unknown: pipes, files, CI logs), so nothing is cut off and nothing wraps mid-word.
 * Fields (`loss 0.4179`, `test accuracy 93.22%`) are kept whole: a line too wide continues on the next
 * (`wrapFields`), drops its least needed fields (`oneLine`), or shrinks its progress bar (`barLine`).
 */

/** The width assumed where the stream is not a terminal or does not say. */
export const DEFAULT_COLUMNS = 80;

/** The columns of `stream` when it is a terminal that says, else {@link DEFAULT_COLUMNS}. */
export function columnsOf(stream: { isTTY?: boolean; columns?: number }): number {
  return stream.isTTY && stream.columns && stream.columns > 0 ? stream.columns : DEFAULT_COLUMNS;
}

/** `1 epoch`, `2 epochs`, `0 runs`. */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** A count in at most 5 characters: `950`, `12.3k`, `123k`, `1.23M`. */
export function compactCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const scaled = (v: number, unit: string) => `${v < 9.995 ? v.toFixed(2) : v < 99.95 ? v.toFixed(1) : Math.round(v)}${unit}`;
  if (n < 999.5) return String(Math.round(n));
  if (n < 999_500) return scaled(n / 1e3, 'k');
  if (n < 999_500_000) return scaled(n / 1e6, 'M');
  return scaled(n / 1e9, 'G');
}

/** `1h02m`, `4m05s`, `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A short time with three significant figures: `4.11s`, `12.3s`, `350ms`, `0.52ms`. */
export function shortSeconds(s: number): string {
  if (s >= 9.995) return `${s.toFixed(1)}s`;
  if (s >= 0.9995) return `${s.toFixed(2)}s`;
  const ms = s * 1000;
  return ms >= 9.995 ? `${Math.round(ms)}ms` : `${ms.toFixed(2)}ms`;
}

/** `text` cut to `width` characters, its last one `…` where it was cut (the last resort of a narrow terminal). */
function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Fields on lines of at most `width` characters: joined by `sep`; a field that does not fit the line
 * starts the next, indented by two. A field wider than a line is broken at its spaces; a word wider
 * than a line (a long path, a URL) stays whole on a line of its own, to be copied as it is.
 */
export function wrapFields(fields: string[], width: number, sep = '  ', indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  const room = Math.max(1, width - indent.length);
  const put = (piece: string, sep: string) => {
    if (line !== '' && line.length + sep.length + piece.length > (lines.length > 0 ? room : width)) {
      lines.push((lines.length > 0 ? indent : '') + line);
      line = '';
    }
    line = line === '' ? piece : line + sep + piece;
  };
  for (const field of fields) {
    if (field.length <= room) {
      put(field, sep);
      continue;
    }
    field.split(' ').forEach((word, i) => put(word, i === 0 ? sep : ' '));
  }
  lines.push((lines.length > 0 ? indent : '') + line);
  return lines;
}

/** {@link wrapFields} as text: the lines joined, with a line break at the end. */
export function wrapped(fields: string[], width: number, sep = '  '): string {
  return wrapFields(fields, width, sep).join('\n') + '\n';
}

/** Free text within `width` characters: each line too wide is broken at its spaces, its rest indented by two. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => (line.length <= width ? line : wrapFields(line.split(' ').filter((w) => w !== ''), width, ' ').join('\n')))
    .join('\n');
}

/** `items` as a list, `head: a, b, c`, on lines of at most `width` characters, broken after a comma. */
export function wrappedList(head: string, items: string[], width: number, tail = ''): string {
  const fields = items.map((item, i) => (i < items.length - 1 ? `${item},` : item));
  return wrapped([head, ...fields, ...(tail ? [tail] : [])], width, ' ');
}

/**
 * Rows in columns two spaces apart, each as wide as its widest cell, within `width` characters: the
 * last column's words (a description, the probabilities) go on under it where a line is full.
 */
export function table(rows: string[][], width: number): string[] {
  const last = Math.max(...rows.map((r) => r.length)) - 1;
  const widths = Array.from({ length: last }, (_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  const indent = widths.reduce((a, w) => a + w + 2, 0);
  return rows.flatMap((cells) => {
    const lead = widths.map((w, j) => (cells[j] ?? '').padEnd(w + 2)).join('');
    const text = cells[last] ?? '';
    if (indent + 20 > width) return [lead + text]; // too narrow to wrap under the column
    const [first, ...more] = wrapFields(text.split(' ').filter((w) => w !== ''), width - indent, ' ', '');
    return [lead + first, ...more.map((m) => ' '.repeat(indent) + m)];
  });
}

/** `fields` without those at indices `dropped`. */
const keep = (fields: string[], dropped: readonly number[]) => fields.filter((_, i) => !dropped.includes(i));

/**
 * `fields` on one line of at most `width` characters: joined by two spaces, else by one, else without
 * the fields at the indices of `dropFirst`, in that order; a line still too wide is cut with `…`.
 */
export function oneLine(fields: string[], width: number, dropFirst: readonly number[] = []): string {
  for (let d = 0; d <= dropFirst.length; d++) {
    const kept = keep(fields, dropFirst.slice(0, d));
    for (const sep of ['  ', ' ']) {
      const line = kept.join(sep);
      if (line.length <= width) return line;
    }
  }
  return cut(keep(fields, dropFirst).join(' '), width);
}

/** Bars narrower than this give way to figures; wider than `MAX_BAR` they say no more. */
const MIN_BAR = 5;
const MAX_BAR = 30;

/**
 * A progress bar's line, `head [████░░░░] field  field …`, of at most `width - 1` characters (the
 * last column left free: a terminal may wrap a line that fills it). The bar shrinks first, down to
 * 5 cells; then the fields are joined by one space; then the fields at the indices of `dropFirst`
 * go, in that order; then the bar.
 */
export function barLine(progress: number, head: string, fields: string[], width: number, dropFirst: readonly number[] = []): string {
  const room = width - 1;
  for (let d = 0; d <= dropFirst.length; d++) {
    const kept = keep(fields, dropFirst.slice(0, d));
    for (const sep of ['  ', ' ']) {
      const size = Math.min(MAX_BAR, room - (head.length + ' []'.length + (kept.length > 0 ? sep.length + kept.join(sep).length : 0)));
      if (size < MIN_BAR) continue;
      const full = Math.round(Math.min(Math.max(progress, 0), 1) * size);
      return [`${head} [${'█'.repeat(full)}${'░'.repeat(size - full)}]`, ...kept].join(sep);
    }
  }
  return oneLine([head, ...fields], room, dropFirst.map((i) => i + 1));
}
