/**
 * `scratchnet report` on disk: the report (src/experiments/report.ts) reading results files and
 * writing the Markdown page, with its charts, gallery PNGs and manifest in a folder beside it named
 * after it (docs/results.md → docs/results/). File-system failures become WriteErrors naming the path.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { DataError } from '../../errors.js';
import { writeReport, type ReportOptions, type ReportOutput } from '../../experiments/report.js';
import type { ReportFiles } from '../../experiments/report-files.js';
import { writePngGrid } from '../png.js';
import { guardWrite } from '../write-error.js';
import { readManifest, updateManifest } from './manifest-file.js';

export interface ReportFileOptions extends Omit<ReportOptions, 'date'> {
  /** The date line (default: SOURCE_DATE_EPOCH if set, else now). */
  date?: Date;
}

/** Generates the report and writes it (Markdown, SVG charts, PNG galleries). */
export function generateReport(opts: ReportFileOptions): Promise<ReportOutput> {
  return writeReport({ ...opts, date: opts.date ?? sourceDate() }, reportFiles(opts.out));
}

/** SOURCE_DATE_EPOCH (seconds) if set, else now. */
function sourceDate(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
}

/** The Markdown file `out` and its asset folder beside it. */
function reportFiles(out: string): ReportFiles {
  const assetDir = join(dirname(out), basename(out, extname(out)));
  const asset = (name: string, what: string, write: (path: string) => void) => {
    const path = join(assetDir, name);
    guardWrite(path, what, () => write(path));
    return path;
  };
  return {
    assetLink: basename(assetDir),
    readResults(file) {
      try {
        return readFileSync(file, 'utf8');
      } catch (e) {
        throw new DataError(`report: cannot read results file '${file}' (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    },
    openAssets() {
      guardWrite(assetDir, 'report folder', () => mkdirSync(assetDir, { recursive: true }));
      return readManifest(assetDir);
    },
    writeChart: (name, svg) => asset(name, 'chart', (path) => writeFileSync(path, svg)),
    writeImageGrid: (name, images, layout) => asset(name, 'gallery', (path) => writePngGrid(path, images, layout)),
    writeMarkdown(markdown) {
      guardWrite(out, 'report', () => {
        mkdirSync(dirname(out) || '.', { recursive: true });
        writeFileSync(out, markdown);
      });
      return out;
    },
    closeAssets: (previous, current) => guardWrite(assetDir, 'report folder', () => updateManifest(assetDir, previous, current)),
  };
}
