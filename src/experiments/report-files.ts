/**
 * What the report reads and writes, as the report generator sees it: at the Node edge, results
 * files, and the Markdown page with its asset folder beside it (src/node/experiments/report.ts).
 */
import type { GalleryLayout } from './gallery.js';

export interface ReportFiles {
  /** The asset folder's name, as the Markdown links to it (`results` for docs/results.md). */
  readonly assetLink: string;
  /** The text of a results file. @throws DataError when it cannot be read */
  readResults(file: string): string;
  /** Creates the asset folder; returns the names of the files the previous report recorded there. */
  openAssets(): string[];
  /** Writes an asset (an SVG chart) named `name`; returns its path. */
  writeChart(name: string, svg: string): string;
  /** Draws greyscale images (values in [0, 1]) as one PNG grid named `name`; returns its path. */
  writeImageGrid(name: string, images: number[][], layout: GalleryLayout): string;
  /** Writes the Markdown page; returns its path. */
  writeMarkdown(markdown: string): string;
  /** Records `current` as the report's assets and deletes those of `previous` not among them; returns the names deleted. */
  closeAssets(previous: string[], current: string[]): string[];
}
