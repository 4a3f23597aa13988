/**
 * Datasets by name, for the CLI (`--dataset mnist`) and the experiments runner.
 *
 * To add a dataset (fashion-mnist, iris, spirals, moons, ...): write its loader in its own file
 * under `src/data/` and add one entry to {@link DATASETS} below (or call {@link registerDataset}).
 */
import { ConfigError } from '../errors.js';
import type { DatasetSplit } from './dataset.js';
import { loadMnist } from './mnist.js';

/** Options every loader accepts; a loader ignores the ones that do not apply to it. */
export interface LoadDatasetOptions {
  /** Directory holding the dataset's files (file-backed sets; defaults to the package's data). */
  dir?: string;
  /** Seed of generated sets (spirals, moons) and of any split the loader makes. */
  seed?: number;
  /** Number of samples of generated sets. */
  samples?: number;
  /** Noise level of generated sets. */
  noise?: number;
}

export type DatasetLoader = (opts: LoadDatasetOptions) => Promise<DatasetSplit>;

export interface DatasetEntry {
  load: DatasetLoader;
  /** One line for `scratchnet data --list`. */
  summary: string;
}

const DATASETS = new Map<string, DatasetEntry>([
  ['mnist', { load: ({ dir }) => loadMnist({ dir }), summary: 'handwritten digits, 60000/10000 images 28×28, 10 classes' }],
]);

/** Makes a dataset available to {@link loadDataset} (names are lowercase, kebab-case). */
export function registerDataset(name: string, entry: DatasetEntry): void {
  DATASETS.set(name, entry);
}

/** Names of the known datasets, sorted. */
export function datasetNames(): string[] {
  return [...DATASETS.keys()].sort();
}

/** The registry entry of `name`, or undefined. */
export function datasetEntry(name: string): DatasetEntry | undefined {
  return DATASETS.get(name);
}

/**
 * Loads a dataset by name.
 * @throws ConfigError for an unknown name, listing the known ones; DataError from the loader
 */
export function loadDataset(name: string, opts: LoadDatasetOptions = {}): Promise<DatasetSplit> {
  const entry = DATASETS.get(name.toLowerCase());
  if (!entry) {
    return Promise.reject(new ConfigError(`dataset: unknown dataset '${name}', expected one of ${datasetNames().join(', ')}`));
  }
  return entry.load(opts);
}
