import { DataError } from '../errors.js';

/** A labelled point in the plane: x, y, class (0..9). */
export type Point2d = [number, number, number];

/**
 * Points from CSV text: one `x,y,class` per line, fields split by commas, semicolons, tabs or spaces
 * (a header line and blank lines are skipped). The playground's "Use CSV" and
 * `scratchnet playground --data FILE.csv` read it; errors name `source` and the line.
 */
export function parsePointsCsv(text: string, source = 'CSV'): Point2d[] {
  const out: Point2d[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t) return;
    const f = t.split(/[,;\t ]+/).map(Number);
    if (f.length < 3 || !f.every(Number.isFinite)) {
      if (i === 0) return; // header
      throw new DataError(`${source} line ${i + 1}: expected x,y,class, found '${t}'`);
    }
    if (!Number.isInteger(f[2]) || f[2] < 0 || f[2] > 9) throw new DataError(`${source} line ${i + 1}: class must be an integer 0..9, found ${f[2]}`);
    out.push([f[0], f[1], f[2]]);
  });
  return out;
}
