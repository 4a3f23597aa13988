import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { Matrix } from '../core/matrix.js';
import type { IdxTensor } from '../data/idx.js';
import { brief, parseJsonGuarded } from '../io/json-guard.js';
import { readIdx } from '../node/idx-file.js';
import { DataError } from '../errors.js';
import { loadModel } from '../node/model-file.js';
import { createLoss, REGRESSION_LOSSES } from '../nn/losses/index.js';
import { checkNotEmpty } from '../nn/inputs.js';
import { predict } from '../nn/train.js';
import { batchSizeFlag, positiveInt } from './options.js';
import { RELAXED_HELP, setupBackend } from './runtime.js';
import { columnsOf, compactCount, plural, table, wrapped } from '../node/terminal.js';

interface PredictFlags {
  model: string;
  input: string;
  batchSize: number;
  probabilities?: boolean;
  json?: boolean;
  backend?: string;
  threads?: number;
  relaxed?: boolean;
}

/** float32's largest finite value: inputs beyond it would become Infinity in the model. */
const F32_MAX = 3.4028234663852886e38;
const fitsF32 = (v: number) => Number.isFinite(Math.fround(v));

/**
 * Reads inputs: an IDX file (uint8 images are scaled to [0, 1] like the training data; each item
 * flattened to one row) or a JSON array of rows of numbers (used as they are).
 * @throws DataError naming `path` (unreadable, malformed, or a value outside float32's range)
 */
export function readInputs(path: string): Matrix {
  if (!path.endsWith('.json')) return inputsFromIdx(readIdx(path), path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `${path}: file not found` : `${path}: cannot read the input file (${code ?? (e as Error).message})`);
  }
  return parseInputRows(text, path);
}

/** Rows from JSON text `[[x00, x01, ...], [x10, ...], ...]`. @throws DataError naming `path` */
export function parseInputRows(text: string, path: string): Matrix {
  const rows = parseJsonGuarded(text, (m) => new DataError(`${path}: ${m}`));
  if (!Array.isArray(rows) || !rows.every((r) => Array.isArray(r))) {
    throw new DataError(`${path}: expected a JSON array of rows (arrays of numbers), found ${brief(rows)}`);
  }
  const cols = rows.length === 0 ? 0 : (rows[0] as unknown[]).length;
  checkNotEmpty(rows.length, cols, path);
  const m = Matrix.zeros(rows.length, cols);
  (rows as unknown[][]).forEach((r, i) => {
    if (r.length !== cols) throw new DataError(`${path}: row ${i} has ${r.length} values, expected ${cols} like row 0`);
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !fitsF32(v)) {
        throw new DataError(`${path}: row ${i}, column ${j} is ${brief(v)}, expected a finite number within float32's range (|x| ≤ ${F32_MAX})`);
      }
      m.data[i * cols + j] = v;
    });
  });
  return m;
}

/** Rows from an IDX tensor: item i (shape[0]) flattened to row i; uint8 scaled to [0, 1]. */
export function inputsFromIdx(t: IdxTensor, path: string): Matrix {
  const n = t.shape[0] ?? 1;
  const cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
  checkNotEmpty(n, cols, path);
  const m = Matrix.zeros(n, cols);
  const scale = t.dtype === 'uint8' ? 1 / 255 : 1;
  for (let i = 0; i < m.size; i++) {
    const v = t.data[i] * scale;
    if (!fitsF32(v)) throw new DataError(`${path}: value ${i} (row ${Math.floor(i / cols)}) is ${v}, expected a finite number within float32's range`);
    m.data[i] = v;
  }
  return m;
}

export function predictCommand(): Command {
  return new Command('predict')
    .description("predict classes (or values, for a regression model) for inputs in an IDX or JSON file; prints a table: each row's predicted class and its label (the class's name), or its values")
    .requiredOption('--model <path>', 'model file (safetensors) written by train --save')
    .requiredOption('--input <path>', 'IDX file (e.g. t10k-images-idx3-ubyte, gzip ok) or JSON array of rows')
    .option('--batch-size <n>', 'rows per forward pass', batchSizeFlag, 1000)
    .option('--probabilities', 'also print the class probabilities (classifiers)')
    .option('--json', 'print one JSON object: predictions and predictedLabels (classifiers) or outputs (regression)')
    .option('--backend <name>', 'kernels: auto, wasm or js')
    .option('--threads <n>', 'worker threads for the wasm kernels', positiveInt)
    .option('--relaxed', RELAXED_HELP)
    .action(async (f: PredictFlags) => {
      const kernels = await setupBackend(f);
      const { model, architecture } = loadModel(f.model, { batchSize: f.batchSize, kernels });
      const x = readInputs(f.input);
      const t0 = performance.now();
      const { probabilities, classes } = predict(model, x, createLoss(architecture.loss).output);
      const seconds = (performance.now() - t0) / 1000;
      const bad = probabilities.data.findIndex((p) => !Number.isFinite(p));
      if (bad >= 0) {
        const row = Math.floor(bad / probabilities.cols);
        throw new DataError(`${f.input}: row ${row}: the model's output is ${probabilities.data[bad]}, not a finite number (inputs too large for this model?)`);
      }
      const names = architecture.classNames;
      const regression = REGRESSION_LOSSES.includes(architecture.loss);
      const rowValues = (i: number) => Array.from(probabilities.data.subarray(i * probabilities.cols, (i + 1) * probabilities.cols));
      if (f.json) {
        const rows = Array.from({ length: x.rows }, (_, i) => rowValues(i));
        process.stdout.write(
          JSON.stringify({
            ...(regression
              ? { outputs: rows }
              : {
                  predictions: Array.from(classes),
                  ...(names ? { predictedLabels: Array.from(classes, (c) => names[c]) } : {}),
                  ...(f.probabilities ? { probabilities: rows } : {}),
                }),
            seconds,
            rowsPerSecond: x.rows / seconds,
          }) + '\n',
        );
        return;
      }
      const rows = Array.from({ length: x.rows }, (_, i) =>
        regression
          ? [String(i), rowValues(i).map((v) => String(Number(v.toPrecision(6)))).join(' ')]
          : [String(i), String(classes[i]), ...(names ? [names[classes[i]]] : []), ...(f.probabilities ? [rowValues(i).map((p) => p.toFixed(4)).join(' ')] : [])],
      );
      const header = regression
        ? ['row', probabilities.cols === 1 ? 'value' : `outputs (${probabilities.cols})`]
        : ['row', 'predicted', ...(names ? ['predicted_label'] : []), ...(f.probabilities ? ['probabilities'] : [])];
      process.stdout.write(table([header, ...rows], columnsOf(process.stdout)).join('\n') + '\n');
      process.stderr.write(wrapped([`${plural(x.rows, 'row')} in ${seconds.toFixed(3)}s`, `(${compactCount(x.rows / seconds)} rows/s, backend ${kernels.name})`], columnsOf(process.stderr), ' '));
    });
}
