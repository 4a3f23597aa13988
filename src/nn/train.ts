import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { BatchIterator, type TargetKind } from '../data/batches.js';
import { validateDataset, type Dataset } from '../data/dataset.js';
import { ConfigError, DivergenceError, ShapeError } from '../errors.js';
import type { BatchLog, Callback, EpochLog } from './callbacks.js';
import { applyMaxNorm } from './constraints.js';
import { createLoss, type Loss } from './losses.js';
import type { Sequential } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';

/** Rewrites a batch of inputs in place (image augmentation). Applied to training batches only. */
export interface BatchTransform {
  apply(x: Matrix, out: Matrix, rng: Rng): void;
}

export interface FitOptions {
  /** A Loss or its name (default softmax_cross_entropy). */
  loss?: Loss | string;
  optimizer: Optimizer;
  /** Default 10. */
  epochs?: number;
  /** Seed of the shuffle and augmentation streams (default: the model's seed). */
  seed?: number;
  /** Data to validate on after each epoch. */
  validation?: Dataset;
  callbacks?: Callback[];
  /** Coupled L2 penalty ½·λ·Σ decay·‖w‖² added to the loss; its gradient λ·decay·w to the gradient. */
  l2?: number;
  /** Augmentation of training batches. */
  augment?: BatchTransform;
  /** Learning rate for (epoch, step, stepsPerEpoch) — called before each step. 0-based epoch and step. */
  schedule?: (epoch: number, step: number, stepsPerEpoch: number) => number;
  /** Rescale the whole gradient to this L2 norm when it is larger. */
  clipNorm?: number;
  /**
   * Label smoothing ε in [0, 1) for the training targets (torch's `label_smoothing`):
   * t = (1−ε)·onehot + ε/K for softmax cross-entropy; t = (1−ε)·t + ε/2 for sigmoid cross-entropy.
   * The reported training loss is against the smoothed targets; validation uses the plain ones.
   */
  labelSmoothing?: number;
  /** Max-norm constraint c: after each step, hidden units' incoming weight columns get ‖w‖ ≤ c. */
  maxNorm?: number;
}

export interface EvaluateResult {
  loss: number;
  accuracy: number;
  /** Predicted class of each row: [n]. */
  predictions: Int32Array;
}

/** How targets are laid out for a loss and output width: one-hot, or one 0/1 column for sigmoid. */
export function targetKind(loss: Loss, outputWidth: number, numClasses: number): TargetKind {
  if (loss.output === 'sigmoid' && outputWidth === 1) {
    if (numClasses !== 2) throw new ConfigError(`loss: a single sigmoid output needs 2 classes, the data has ${numClasses}`);
    return 'binary';
  }
  return 'one-hot';
}

function checkData(model: Sequential, ds: Dataset, loss: Loss, where: string): TargetKind {
  validateDataset(ds, where, model.kernels);
  if (ds.x.cols !== model.inputWidth) {
    throw new ShapeError(`${model.layers[0].name}: input width mismatch for ${where}: the model expects ${model.inputWidth} features, the data has ${ds.x.cols}`);
  }
  const kind = targetKind(loss, model.outputWidth, ds.numClasses);
  if (kind === 'one-hot' && model.outputWidth !== ds.numClasses) {
    throw new ShapeError(`${model.layers.at(-1)!.name}: output width mismatch for ${where}: the model has ${model.outputWidth} outputs, the data has ${ds.numClasses} classes`);
  }
  return kind;
}

/** Writes the predicted class of each row of `logits` into `out`. */
function predictClasses(model: Sequential, logits: Matrix, out: Int32Array): void {
  if (logits.cols === 1) {
    for (let i = 0; i < logits.rows; i++) out[i] = logits.data[i] > 0 ? 1 : 0;
  } else {
    model.kernels.argmaxRows(logits, out);
  }
}

/**
 * Trains `model` on `train` with mini-batches of the model's planned batch size.
 * Each step: forward (train mode) → loss → backward (writing the gradients) → (L2, clipping) → optimizer.step.
 * If the loss turns NaN or Inf, the weights are put back to the end of the last good epoch and a
 * DivergenceError names the epoch and step. Returns the per-epoch history.
 */
export async function fit(model: Sequential, train: Dataset, opts: FitOptions): Promise<EpochLog[]> {
  const { optimizer, epochs = 10, validation, callbacks = [], l2 = 0, augment, schedule, clipNorm, labelSmoothing = 0, maxNorm } = opts;
  if (!Number.isInteger(epochs) || epochs < 1) throw new ConfigError(`fit: epochs must be a positive integer, found ${epochs}`);
  if (!(l2 >= 0)) throw new ConfigError(`fit: l2 must be ≥ 0, found ${l2}`);
  if (clipNorm !== undefined && !(clipNorm > 0)) throw new ConfigError(`fit: clipNorm must be > 0, found ${clipNorm}`);
  if (maxNorm !== undefined && !(maxNorm > 0 && Number.isFinite(maxNorm))) throw new ConfigError(`fit: maxNorm must be > 0, found ${maxNorm}`);
  const ownLoss = typeof opts.loss !== 'object';
  const loss = typeof opts.loss === 'object' ? opts.loss : createLoss(opts.loss ?? 'softmax_cross_entropy');
  const smoothingClasses = labelSmoothing === 0 ? 0 : smoothingClassCount(loss, labelSmoothing, model.outputWidth);
  const k = model.kernels;
  const targets = checkData(model, train, loss, 'training data');
  if (validation) checkData(model, validation, loss, 'validation data');

  const root = new Rng(opts.seed ?? model.seed);
  const batches = new BatchIterator(train, {
    batchSize: model.batchSize,
    rng: root.stream('shuffle'),
    kernels: k,
    targets,
    prefetch: true,
  });
  const augmentRng = root.stream('augment');
  try {
    loss.build(model.outputWidth, model.batchSize, k);
    const predicted = new Int32Array(model.batchSize);
    const params = model.params();
    const lastGood = model.getWeights();
    const steps = batches.numBatches;
    const history: EpochLog[] = [];
    const batchLog: BatchLog = { epoch: 0, step: 0, steps, loss: 0, accuracy: 0, samples: 0, seconds: 0 };

    for (const cb of callbacks) await cb.onTrainBegin?.({ model, epochs, stepsPerEpoch: steps, samples: train.x.rows });
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = performance.now();
      batches.reset();
      let lossSum = 0;
      let hits = 0;
      let seen = 0;
      for (let step = 1; batches.next(); step++) {
        if (schedule) optimizer.lr = schedule(epoch - 1, step - 1, steps);
        const x = batches.x;
        if (augment) augment.apply(x, x, augmentRng);
        const logits = model.forward(x, 'train');
        // the next batch is copied on a worker thread (WebAssembly backend) while this one trains
        batches.prefetch();
        if (smoothingClasses > 0) smoothLabels(batches.target, labelSmoothing, smoothingClasses);
        const value = loss.forward(logits, batches.target);
        if (!Number.isFinite(value)) {
          model.setWeights(lastGood);
          throw new DivergenceError(
            `training diverged: the loss became ${value} at epoch ${epoch}, step ${step}; ` +
              `weights restored to the ${epoch === 1 ? 'initial values' : `end of epoch ${epoch - 1}`} (try a lower learning rate)`,
            epoch,
            step,
          );
        }
        model.backward(loss.backward(), false); // writes the gradients: no zeroGrad pass needed
        if (l2 > 0) for (const p of params) if (p.decay !== 0) k.axpy(l2 * p.decay, p.value.data, p.grad.data, p.value.size);
        if (clipNorm !== undefined) clipGradNorm(model, clipNorm);
        optimizer.step();
        if (maxNorm !== undefined) applyMaxNorm(model, maxNorm);

        predictClasses(model, logits, predicted);
        for (let i = 0; i < x.rows; i++) if (predicted[i] === batches.labels[i]) hits++;
        lossSum += value * x.rows;
        seen += x.rows;
        if (callbacks.length > 0) {
          batchLog.epoch = epoch;
          batchLog.step = step;
          batchLog.loss = lossSum / seen;
          batchLog.accuracy = hits / seen;
          batchLog.samples = seen;
          batchLog.seconds = (performance.now() - t0) / 1000;
          for (const cb of callbacks) cb.onBatchEnd?.(batchLog);
        }
      }
      const seconds = (performance.now() - t0) / 1000;
      const l2Loss = l2 > 0 ? 0.5 * l2 * params.reduce((s, p) => s + p.decay * k.sumSquares(p.value.data, p.value.size), 0) : 0;
      const log: EpochLog = {
        epoch,
        loss: lossSum / seen + l2Loss,
        dataLoss: lossSum / seen,
        l2Loss,
        accuracy: hits / seen,
        lr: optimizer.lr,
        seconds,
        samplesPerSecond: seen / seconds,
      };
      if (validation) {
        const v = evaluate(model, validation, { loss });
        log.valLoss = v.loss;
        log.valAccuracy = v.accuracy;
      }
      model.getWeights(lastGood);
      history.push(log);
      let stop = false;
      for (const cb of callbacks) if ((await cb.onEpochEnd?.(log)) === 'stop') stop = true;
      if (stop) break;
    }
    for (const cb of callbacks) await cb.onTrainEnd?.(history);
    return history;
  } finally {
    // the batch buffers and a loss made here live in the kernels' memory: give them back
    batches.release();
    if (ownLoss) loss.release();
  }
}

/** K of the smoothing rule t = (1−ε)·t + ε/K: the class count for softmax, 2 for sigmoid outputs. */
function smoothingClassCount(loss: Loss, eps: number, outputWidth: number): number {
  if (!(eps >= 0 && eps < 1)) throw new ConfigError(`fit: labelSmoothing must be in [0, 1), found ${eps}`);
  if (loss.name === 'mse') throw new ConfigError(`fit: labelSmoothing needs a cross-entropy loss, found ${loss.name}`);
  return loss.name === 'softmax_cross_entropy' ? outputWidth : 2;
}

/**
 * Label smoothing in place (Szegedy et al. 2016, https://arxiv.org/abs/1512.00567), over the live rows.
 * @remarks t ← (1−ε)·t + ε/K.   target: [batch, classes]
 */
export function smoothLabels(target: Matrix, eps: number, classes: number = target.cols): void {
  const t = target.data;
  const a = 1 - eps;
  const b = eps / classes;
  for (let i = 0; i < target.size; i++) t[i] = a * t[i] + b;
}

/** Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before. */
export function clipGradNorm(model: Sequential, maxNorm: number): number {
  const g = model.gradArena;
  const norm = Math.sqrt(model.kernels.sumSquares(g, g.length));
  if (norm > maxNorm) {
    const s = maxNorm / (norm + 1e-6);
    for (let i = 0; i < g.length; i++) g[i] *= s;
  }
  return norm;
}

/** Mean loss and accuracy of `model` on `data`, in evaluation mode (dropout off). */
export function evaluate(model: Sequential, data: Dataset, { loss: lossArg = 'softmax_cross_entropy' }: { loss?: Loss | string } = {}): EvaluateResult {
  const ownLoss = typeof lossArg !== 'object';
  const loss = typeof lossArg === 'object' ? lossArg : createLoss(lossArg);
  const targets = checkData(model, data, loss, 'evaluation data');
  const k = model.kernels;
  loss.build(model.outputWidth, model.batchSize, k);
  const batches = new BatchIterator(data, { batchSize: model.batchSize, shuffle: false, kernels: k, targets });
  const predictions = new Int32Array(data.x.rows);
  const out = new Int32Array(model.batchSize);
  let lossSum = 0;
  let row = 0;
  let hits = 0;
  while (batches.next()) {
    const logits = model.forward(batches.x, 'eval');
    lossSum += loss.forward(logits, batches.target, false) * batches.x.rows;
    predictClasses(model, logits, out);
    for (let i = 0; i < batches.x.rows; i++, row++) {
      predictions[row] = out[i];
      if (out[i] === data.y[row]) hits++;
    }
  }
  batches.release();
  if (ownLoss) loss.release();
  const n = data.x.rows;
  return { loss: lossSum / n, accuracy: hits / n, predictions };
}

export interface Prediction {
  /** Output probabilities (softmax / sigmoid) or raw values for a linear output: [n, outputs]. */
  probabilities: Matrix;
  /** Predicted class per row: [n]. */
  classes: Int32Array;
}

/** Runs the model on every row of `x` in evaluation mode and applies the loss's output activation. */
export function predict(model: Sequential, x: Matrix, output: Loss['output'] = 'softmax'): Prediction {
  if (x.cols !== model.inputWidth) {
    throw new ShapeError(`${model.layers[0].name}: input width mismatch: the model expects ${model.inputWidth} features, found ${x.cols}`);
  }
  const k = model.kernels;
  const n = x.rows;
  const probabilities = Matrix.zeros(n, model.outputWidth);
  const classes = new Int32Array(n);
  // no bigger than the input: a one-image prediction allocates (and zero-fills) one row, not a batch
  const rows = Math.max(1, Math.min(model.batchSize, n));
  const batch = new Matrix(rows, x.cols, k.alloc(rows * x.cols));
  const out = new Int32Array(model.batchSize);
  for (let start = 0; start < n; start += model.batchSize) {
    const b = Math.min(model.batchSize, n - start);
    batch.setRows(b).data.set(x.data.subarray(start * x.cols, (start + b) * x.cols));
    const logits = model.forward(batch, 'eval');
    predictClasses(model, logits, out);
    classes.set(out.subarray(0, b), start);
    const dst = new Matrix(b, logits.cols, probabilities.data.subarray(start * logits.cols, (start + b) * logits.cols));
    if (output === 'softmax') k.softmaxRows(logits, dst);
    else if (output === 'sigmoid') k.activation('sigmoid', logits, dst, 0);
    else dst.data.set(logits.view());
  }
  k.release(batch.data);
  return { probabilities, classes };
}
