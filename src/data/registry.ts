/**
 * Datasets by name, for the CLI (`--dataset mnist`), the recipe and the experiments runner.
 *
 * The table below holds the sets any platform can load (generated, or shipped in a package). The
 * file-backed sets (mnist, fashion-mnist, diabetes) are read from disk, so their entries live at the
 * Node edge (src/node/data/datasets.ts), which registers them when imported (src/node.ts and the CLI
 * import it). To add a dataset: write its loader in its own file (here if it is platform-neutral,
 * under src/node/data/ if it reads files) and add one entry to its table (or call {@link registerDataset}).
 */
import { ConfigError } from '../errors.js';
import type { DatasetSplit } from './dataset.js';
import { loadIris } from './iris.js';
import { loadCircle, loadClusters, loadMoons, loadSpirals, loadXor } from './synthetic.js';

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

/** One file to fetch: `baseUrl + name`, accepted if its SHA-256 (lowercase hex) is one of `sha256`. */
export interface RemoteFile {
  name: string;
  sha256: readonly string[];
}

export type DatasetLoader = (opts: LoadDatasetOptions) => Promise<DatasetSplit>;

export interface DatasetEntry {
  load: DatasetLoader;
  /** One line for `scratchnet data list`. */
  summary: string;
  /**
   * File-backed sets: the directory holding the files, or undefined if none was found (existence
   * only, no hash check). Omitted for sets that are generated or ship with a package.
   */
  locate?: (opts: LoadDatasetOptions) => string | undefined;
  /** Files `scratchnet data download NAME` fetches from `baseUrl`. */
  download?: { baseUrl: string; files: RemoteFile[] };
  /** Another way to get a missing file-backed set (for the message that lists missing sets). */
  otherWay?: string;
  /**
   * The training recipe that suits this set, over the library's defaults (which are MNIST's):
   * `scratchnet train --dataset NAME` starts from it, explicit flags win.
   */
  recipe?: DatasetRecipe;
}

/**
 * Run options that suit a dataset, by the training config's own names (src/recipe.ts; a type test
 * holds each key to the config's type). Declared here so that data needs nothing from the recipe.
 * (The schedule follows the epochs, so it is not part of a recipe.)
 */
export interface DatasetRecipe {
  layers?: number[];
  lr?: number;
  batchSize?: number;
  epochs?: number;
  dropout?: number;
  valSplit?: number;
}

/** The recipe of the small generated 2-D sets (as moons). */
const SMALL_2D: DatasetEntry['recipe'] = { layers: [32, 32], lr: 0.01, batchSize: 32, epochs: 100 };

const DATASETS = new Map<string, DatasetEntry>([
  [
    'iris',
    {
      load: ({ seed }) => loadIris({ seed }),
      summary: 'Fisher\'s iris flowers, 120/30 stratified split, 4 standardised features, 3 classes',
      recipe: { layers: [16], lr: 0.01, batchSize: 16, epochs: 200, valSplit: 0.2 }, // experiments/headline.json
    },
  ],
  [
    'spirals',
    {
      load: ({ seed, samples, noise }) => loadSpirals({ seed, samples, noise }),
      summary: 'two interleaved spirals generated from --seed, 800/200 points (default) in 2-D, 2 classes',
      recipe: { layers: [128, 128], lr: 0.005, batchSize: 32, epochs: 400 }, // experiments/headline.json
    },
  ],
  [
    'moons',
    {
      load: ({ seed, samples, noise }) => loadMoons({ seed, samples, noise }),
      summary: 'two interleaving half circles as sklearn make_moons, generated from --seed, 800/200 points (default) in 2-D, 2 classes',
      recipe: SMALL_2D,
    },
  ],
  [
    'circle',
    {
      load: ({ seed, samples, noise }) => loadCircle({ seed, samples, noise }),
      summary: 'a disc inside a ring, generated from --seed, 800/200 points (default) in 2-D, 2 classes',
      recipe: SMALL_2D,
    },
  ],
  [
    'xor',
    {
      load: ({ seed, samples, noise }) => loadXor({ seed, samples, noise }),
      summary: 'XOR quadrants of [-1, 1]², generated from --seed, 800/200 points (default) in 2-D, 2 classes',
      recipe: SMALL_2D,
    },
  ],
  [
    'clusters',
    {
      load: ({ seed, samples, noise }) => loadClusters({ seed, samples, noise }),
      summary: 'three Gaussian clusters, generated from --seed, 800/200 points (default) in 2-D, 3 classes',
      recipe: SMALL_2D,
    },
  ],
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
