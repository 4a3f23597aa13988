/**
 * Predictions a few rows at a time — one image from a digit pad, one request of a server — with
 * nothing allocated per call: the input rows, the probabilities and the classes live in buffers made
 * once, and the model's forward pass reuses its own. `predict` (evaluate.ts) instead allocates its
 * outputs and a batch buffer on every call, which suits one call over a whole dataset.
 */
import { Matrix } from '../core/matrix.js';
import { ConfigError, ShapeError } from '../errors.js';
import { applyOutput, predictClasses } from './evaluate.js';
import type { Loss } from './losses/index.js';
import type { Sequential } from './model.js';

export interface PredictorOptions {
  /** Most rows one call takes (default 1; at most the model's batch size). */
  maxRows?: number;
  /** Output activation applied to the model's outputs, as `predict`'s (default softmax). */
  output?: Loss['output'];
}

/**
 * `new Predictor(model).run(pixels)` → probabilities `[1, outputs]`; `classes[0]` is the predicted
 * class. The returned matrix and `classes` are overwritten by the next call (copy what you keep).
 * The model must stay built with a batch size ≥ maxRows; `release()` gives the buffers back.
 */
export class Predictor {
  /** Output probabilities (or raw outputs for a linear output) of the last call: `[rows, outputs]`, in the kernels' memory. */
  readonly probabilities: Matrix;
  /** Predicted class of each row of the last call: the first `rows` entries of `[maxRows]`. */
  readonly classes: Int32Array;
  readonly maxRows: number;
  readonly output: Loss['output'];
  private readonly input: Matrix; // [maxRows, inputWidth], in the kernels' memory

  constructor(
    readonly model: Sequential,
    { maxRows = 1, output = 'softmax' }: PredictorOptions = {},
  ) {
    if (!Number.isInteger(maxRows) || maxRows <= 0 || maxRows > model.batchSize) {
      throw new ConfigError(`Predictor: maxRows must be an integer from 1 to the model's batch size ${model.batchSize}, found ${maxRows}`);
    }
    const k = model.kernels;
    this.maxRows = maxRows;
    this.output = output;
    this.input = new Matrix(maxRows, model.inputWidth, k.alloc(maxRows * model.inputWidth, model.dtype));
    this.probabilities = new Matrix(maxRows, model.outputWidth, k.alloc(maxRows * model.outputWidth, model.dtype));
    this.classes = new Int32Array(maxRows);
  }

  /**
   * Runs the model in evaluation mode on `x`: n·inputWidth values, rows one after another (n ≤ maxRows).
   * Returns {@link probabilities} with n rows; {@link classes} holds their classes.
   * @throws ShapeError when `x` is not whole rows or holds more than maxRows
   */
  run(x: ArrayLike<number>): Matrix {
    const width = this.model.inputWidth;
    const n = x.length / width;
    if (!Number.isInteger(n) || n < 1 || n > this.maxRows) {
      throw new ShapeError(`Predictor: expected 1 to ${this.maxRows} rows of ${width} values, found ${x.length} values`);
    }
    this.input.setRows(n).data.set(x);
    const logits = this.model.forward(this.input, 'eval');
    predictClasses(this.model, logits, this.classes);
    applyOutput(this.model, this.output, logits, this.probabilities.setRows(n));
    return this.probabilities;
  }

  /** Gives the buffers back to the kernels; the predictor cannot be used afterwards. */
  release(): void {
    this.model.kernels.release(this.input.data);
    this.model.kernels.release(this.probabilities.data);
  }
}
