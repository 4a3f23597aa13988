/** Measuring a model: evaluate (loss, accuracy or regression figures) and predict, and the target layout both share with fit. */
import { Matrix } from '../core/matrix.js';
import { BatchIterator, type TargetKind } from '../data/batches.js';
import { isRegression, validateDataset, type Dataset } from '../data/dataset.js';
import { ConfigError, ShapeError } from '../errors.js';
import { toDataset, toMatrix, type DataArg, type InputRows } from './inputs.js';
import { createLoss, REGRESSION_LOSSES, type Loss, type LossAlias, type LossName } from './losses/index.js';
import { regressionMetrics, type RegressionMetrics } from './metrics.js';
import { Standardize } from './layers/standardize.js';
import type { Sequential } from './model.js';

export interface EvaluateResult {
  loss: number;
  /** Fraction of rows classified right (NaN for regression: see `regression`). */
  accuracy: number;
  /** Predicted class of each row: [n] (empty for regression). */
  predictions: Int32Array;
  /** Regression data only: RMSE, MAE and R² of the outputs against the targets. */
  regression?: RegressionMetrics;
  /** Regression data only: the model's outputs [n, outputs]. */
  outputs?: Matrix;
}

/**
 * How targets are laid out for a loss and output width: the rows of real-valued targets
 * (regression), one 0/1 column for a single sigmoid output, or one-hot.
 */
export function targetKind(loss: Loss, outputWidth: number, numClasses: number, regression = false): TargetKind {
  if (regression) {
    if (loss.output !== 'linear') {
      throw new ConfigError(`loss: real-valued targets need a regression loss (${REGRESSION_LOSSES.join(', ')}), found ${loss.name}`);
    }
    return 'real';
  }
  if (loss.output === 'sigmoid' && outputWidth === 1) {
    if (numClasses !== 2) throw new ConfigError(`loss: a single sigmoid output needs 2 classes, the data has ${numClasses}`);
    return 'binary';
  }
  return 'one-hot';
}

/**
 * The residual weights of a regression model whose last layer rescales its outputs (a Standardize
 * layer, as `mlp({ rescaleOutputs })` puts there: ŷ = (z − μ')/σ'): σ' per output, so that the loss
 * compares (ŷ − y)·σ' = z − z(y), i.e. the network learns standardised targets whatever their units.
 * Null without such a layer.
 */
export function residualWeights(model: Sequential): number[] | null {
  const last = model.layers.at(-1);
  if (!(last instanceof Standardize)) return null;
  const std = last.buffers().find((b) => b.name === `${last.name}.std`);
  return std ? Array.from(std.value.data.subarray(0, model.outputWidth)) : null;
}

/** Checks a dataset against the model and the loss, and gives a regression loss the model's {@link residualWeights}. */
export function checkData(model: Sequential, ds: Dataset, loss: Loss, where: string): TargetKind {
  validateDataset(ds, where, model.kernels);
  if (ds.x.cols !== model.inputWidth) {
    throw new ShapeError(`${model.layers[0].name}: input width mismatch for ${where}: the model expects ${model.inputWidth} features, the data has ${ds.x.cols}`);
  }
  const kind = targetKind(loss, model.outputWidth, ds.numClasses, isRegression(ds));
  if (kind === 'real' && model.outputWidth !== ds.targets!.cols) {
    throw new ShapeError(`${model.layers.at(-1)!.name}: output width mismatch for ${where}: the model has ${model.outputWidth} outputs, the data has ${ds.targets!.cols} target columns`);
  }
  if (kind === 'real') loss.setResidualWeights(residualWeights(model));
  if (kind === 'one-hot' && model.outputWidth !== ds.numClasses) {
    throw new ShapeError(`${model.layers.at(-1)!.name}: output width mismatch for ${where}: the model has ${model.outputWidth} outputs, the data has ${ds.numClasses} classes`);
  }
  return kind;
}

/** Writes the predicted class of each row of `logits` into `out[offset..]`: the argmax, or logit > 0 for one output. */
export function predictClasses(model: Sequential, logits: Matrix, out: Int32Array, offset = 0): void {
  if (logits.cols === 1) model.kernels.greaterThan(logits.data, 0, out, logits.rows, offset);
  else model.kernels.argmaxRows(logits, out, offset);
}

/** Writes the output activation of `logits` into `dst` (same shape): softmax, sigmoid, or a copy for a linear output. */
export function applyOutput(model: Sequential, output: Loss['output'], logits: Matrix, dst: Matrix): void {
  if (output === 'softmax') model.kernels.softmaxRows(logits, dst);
  else if (output === 'sigmoid') model.kernels.activation('sigmoid', logits, dst, 0);
  else dst.data.set(logits.view());
}

/**
 * Mean loss and accuracy (classes) or RMSE / MAE / R² (real-valued targets) of `model` on `data`, in
 * evaluation mode (dropout off). `data`: a Dataset, or `{ x, y }` / `{ x, targets }` with plain or typed arrays.
 */
export function evaluate(
  model: Sequential,
  dataArg: DataArg,
  { loss: lossArg = 'softmax_cross_entropy', batchSize }: { loss?: Loss | LossName | LossAlias; batchSize?: number } = {},
): EvaluateResult {
  if (batchSize !== undefined) model.setBatchSize(batchSize);
  const data = toDataset(dataArg, model.inputWidth, model.outputWidth, 'evaluation data');
  const ownLoss = typeof lossArg !== 'object';
  const loss = typeof lossArg === 'object' ? lossArg : createLoss(lossArg);
  const targets = checkData(model, data, loss, 'evaluation data');
  const k = model.kernels;
  loss.build(model.outputWidth, model.batchSize, k);
  const batches = new BatchIterator(data, { batchSize: model.batchSize, shuffle: false, kernels: k, dtype: model.dtype, targets });
  if (targets === 'real') {
    const outputs = Matrix.zeros(data.x.rows, model.outputWidth, model.dtype);
    let lossSum = 0;
    let row = 0;
    while (batches.next()) {
      const logits = model.forward(batches.x, 'eval');
      lossSum += loss.forward(logits, batches.target, false) * batches.x.rows;
      outputs.data.set(logits.view(), row * logits.cols);
      row += batches.x.rows;
    }
    batches.release();
    if (ownLoss) loss.release();
    const n = data.x.rows;
    return { loss: lossSum / n, accuracy: NaN, predictions: new Int32Array(0), regression: regressionMetrics(outputs, data.targets!), outputs };
  }
  const predictions = new Int32Array(data.x.rows);
  let lossSum = 0;
  let row = 0;
  while (batches.next()) {
    const logits = model.forward(batches.x, 'eval');
    lossSum += loss.forward(logits, batches.target, false) * batches.x.rows;
    predictClasses(model, logits, predictions, row);
    row += batches.x.rows;
  }
  batches.release();
  if (ownLoss) loss.release();
  const n = data.x.rows;
  return { loss: lossSum / n, accuracy: k.countEqual(predictions, data.y, n) / n, predictions };
}

export interface Prediction {
  /** Output probabilities (softmax / sigmoid) or raw values for a linear output: [n, outputs], in the model's dtype. */
  probabilities: Matrix;
  /** Predicted class per row: [n]. */
  classes: Int32Array;
}

/**
 * Runs the model on every row of `x` in evaluation mode and applies the loss's output activation.
 * `x`: a Matrix `[n, features]`, rows of numbers, or a flat (typed) array of n·features numbers.
 */
export function predict(model: Sequential, rows: InputRows, outputArg: Loss['output'] | { output?: Loss['output']; batchSize?: number } = 'softmax'): Prediction {
  const { output = 'softmax', batchSize } = typeof outputArg === 'string' ? { output: outputArg } : outputArg;
  if (batchSize !== undefined) model.setBatchSize(batchSize);
  const x = toMatrix(rows, model.inputWidth, 'predict');
  if (x.cols !== model.inputWidth) {
    throw new ShapeError(`${model.layers[0].name}: input width mismatch: the model expects ${model.inputWidth} features, found ${x.cols}`);
  }
  const k = model.kernels;
  const n = x.rows;
  const probabilities = Matrix.zeros(n, model.outputWidth, model.dtype);
  const classes = new Int32Array(n);
  // no bigger than the input: a one-image prediction allocates (and zero-fills) one row, not a batch
  const batchRows = Math.max(1, Math.min(model.batchSize, n));
  const batch = new Matrix(batchRows, x.cols, k.alloc(batchRows * x.cols, model.dtype));
  for (let start = 0; start < n; start += model.batchSize) {
    const b = Math.min(model.batchSize, n - start);
    batch.setRows(b).data.set(x.data.subarray(start * x.cols, (start + b) * x.cols));
    const logits = model.forward(batch, 'eval');
    predictClasses(model, logits, classes, start);
    applyOutput(model, output, logits, new Matrix(b, logits.cols, probabilities.data.subarray(start * logits.cols, (start + b) * logits.cols)));
  }
  k.release(batch.data);
  return { probabilities, classes };
}
