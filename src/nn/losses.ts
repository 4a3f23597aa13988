import { ConfigError, ShapeError } from '../errors.js';
import type { Kernels } from '../core/kernels.js';
import { expectShape, Matrix, type Float } from '../core/matrix.js';

/** How `predict` turns the network's raw outputs into predictions. */
export type OutputActivation = 'softmax' | 'sigmoid' | 'linear';

/**
 * A loss owns the gradient of the output layer (like network2.py's cost objects). It applies the
 * 1/batch scaling once: `forward` returns the mean, `backward` returns d(mean)/d(output).
 */
export interface Loss {
  readonly name: LossName;
  /** The activation `predict` applies to the logits. */
  readonly output: OutputActivation;
  /** Plans the gradient buffer `[batchSize, width]`. */
  build(width: number, batchSize: number, kernels: Kernels): void;
  /** logits, target: [batch, width] → mean loss; also computes the gradient for {@link backward}. */
  forward(logits: Matrix, target: Matrix, withGrad?: boolean): number;
  /** dL/dlogits: [batch, width] (a buffer the loss owns). */
  backward(): Matrix;
  /** Gives the gradient buffer back to the kernels; `build()` plans it again. */
  release(): void;
  /**
   * Regression on standardised targets: with w = 1/σ of each target column, the loss compares the
   * residuals (ŷ − y)·w, i.e. z − (y − μ)/σ for a model whose last layer maps z to ŷ = σz + μ (see
   * {@link residualWeights}); `null` compares ŷ − y. Only losses of real-valued targets take it.
   */
  setResidualWeights(w: ArrayLike<number> | null): void;
}

export type LossName = 'softmax_cross_entropy' | 'sigmoid_cross_entropy' | 'mse' | 'mae' | 'huber';
export const LOSSES: readonly LossName[] = ['softmax_cross_entropy', 'sigmoid_cross_entropy', 'mse', 'mae', 'huber'];
/** The losses of real-valued targets (a linear output). */
export const REGRESSION_LOSSES: readonly LossName[] = ['mse', 'mae', 'huber'];

abstract class FusedLoss implements Loss {
  abstract readonly name: LossName;
  abstract readonly output: OutputActivation;
  protected k?: Kernels;
  protected grad?: Matrix; // [batch, width]
  private w?: number[]; // residual weights, see setResidualWeights
  private scaled?: { k: Kernels; w: Float; p: Matrix; t: Matrix }; // w [width] in the kernels' memory; ŷ·w and y·w [batch, width]

  setResidualWeights(w: ArrayLike<number> | null): void {
    if (w && this.output !== 'linear') throw new ConfigError(`${this.name}: residual weights need a loss of real-valued targets`);
    this.releaseScaled();
    this.w = w ? Array.from(w) : undefined;
  }

  build(width: number, batchSize: number, kernels: Kernels): void {
    const g = this.grad;
    if (this.k === kernels && g && g.cols === width && g.capacity >= batchSize) return; // already planned
    this.release();
    this.k = kernels;
    this.grad = new Matrix(batchSize, width, kernels.alloc(batchSize * width));
  }

  release(): void {
    if (this.grad) this.k?.release(this.grad.data);
    this.grad = undefined;
    this.releaseScaled();
  }

  private releaseScaled(): void {
    const s = this.scaled;
    if (s) for (const b of [s.w, s.p.data, s.t.data]) s.k.release(b);
    this.scaled = undefined;
  }

  /** w, ŷ·w and y·w in buffers planned once (re-planned only for a wider batch or another dtype). */
  private scale(k: Kernels, w: number[], p: Matrix, t: Matrix): { k: Kernels; w: Float; p: Matrix; t: Matrix } {
    if (w.length !== p.cols) throw new ShapeError(`${this.name}: ${w.length} residual weights for ${p.cols} outputs`);
    let s = this.scaled;
    if (!s || s.k !== k || s.p.dtype !== p.dtype || s.p.capacity < p.rows) {
      this.releaseScaled();
      const buf = () => new Matrix(p.rows, p.cols, k.alloc(p.size, p.dtype));
      s = this.scaled = { k, w: k.alloc(w.length, p.dtype), p: buf(), t: buf() };
      s.w.set(w);
    }
    k.affineCols(p, s.w, null, s.p.setRows(p.rows));
    k.affineCols(t, s.w, null, s.t.setRows(p.rows));
    return s;
  }

  forward(logits: Matrix, target: Matrix, withGrad = true): number {
    expectShape(target, logits.rows, logits.cols, `${this.name} (target)`);
    if (!this.k) throw new ConfigError(`${this.name}: call build() before forward()`);
    let grad: Matrix | null = null;
    if (withGrad) {
      const g = this.grad;
      if (!g || g.dtype !== logits.dtype || g.cols !== logits.cols || g.capacity < logits.rows) {
        if (g) this.k.release(g.data);
        this.grad = new Matrix(logits.rows, logits.cols, this.k.alloc(logits.size, logits.dtype));
      }
      grad = this.grad!.setRows(logits.rows);
    }
    const n = this.count(logits);
    const k = this.k.forDtype(logits.dtype);
    if (!this.w) return this.compute(k, logits, target, grad, 1 / n) / n;
    // L(ŷ) = f(ŷ·w, y·w)  ⇒  dL/dŷ = f'·w
    const s = this.scale(k, this.w, logits, target);
    const sum = this.compute(k, s.p, s.t, grad, 1 / n);
    if (grad) k.affineCols(grad, s.w, null, grad);
    return sum / n;
  }

  backward(): Matrix {
    if (!this.grad) throw new ConfigError(`${this.name}: backward() before forward()`);
    return this.grad;
  }

  /** The number the summed loss is divided by. */
  protected abstract count(logits: Matrix): number;
  protected abstract compute(k: Kernels, logits: Matrix, target: Matrix, grad: Matrix | null, scale: number): number;
}

/**
 * Softmax + categorical cross-entropy from logits, fused.
 * @remarks
 * L = −(1/N) Σ_i Σ_j t_ij·log softmax(z_i)_j,  log softmax(z)_j = z_j − logΣ_k e^{z_k} (max-shifted);
 * ∂L/∂z_ij = (softmax(z_i)_j − t_ij) / N.
 */
export class SoftmaxCrossEntropy extends FusedLoss {
  readonly name = 'softmax_cross_entropy';
  readonly output = 'softmax';
  protected count(z: Matrix): number {
    return z.rows;
  }
  protected compute(k: Kernels, z: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
    return k.softmaxCrossEntropy(z, t, g, scale);
  }
}

/**
 * Sigmoid + binary cross-entropy from logits, fused, averaged over every element (as torch's
 * BCEWithLogitsLoss).
 * @remarks
 * ℓ(z, t) = max(z, 0) − z·t + log(1 + e^{−|z|});  ∂ℓ/∂z = σ(z) − t;  L = mean ℓ over N·K elements.
 */
export class SigmoidCrossEntropy extends FusedLoss {
  readonly name = 'sigmoid_cross_entropy';
  readonly output = 'sigmoid';
  protected count(z: Matrix): number {
    return z.size;
  }
  protected compute(k: Kernels, z: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
    return k.sigmoidCrossEntropy(z, t, g, scale);
  }
}

/**
 * Mean squared error over every element (as torch's MSELoss).
 * @remarks L = (1/(N·K)) Σ (p − t)²;  ∂L/∂p = 2(p − t)/(N·K).
 */
export class MeanSquaredError extends FusedLoss {
  readonly name = 'mse';
  readonly output = 'linear';
  protected count(p: Matrix): number {
    return p.size;
  }
  protected compute(k: Kernels, p: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
    return k.squaredError(p, t, g, scale);
  }
}

/**
 * Mean absolute error over every element (as torch's L1Loss).
 * @remarks L = (1/(N·K)) Σ |p − t|;  ∂L/∂p = sign(p − t)/(N·K) (0 where p = t, as torch).
 */
export class MeanAbsoluteError extends FusedLoss {
  readonly name = 'mae';
  readonly output = 'linear';
  protected count(p: Matrix): number {
    return p.size;
  }
  protected compute(k: Kernels, p: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
    return k.absoluteError(p, t, g, scale);
  }
}

/**
 * Huber loss over every element, as torch's `HuberLoss(delta)` (mean reduction).
 * @remarks
 * d = p − t;  ℓ = ½d² if |d| < δ, else δ(|d| − ½δ);  ∂ℓ/∂p = d if |d| < δ, else δ·sign(d);
 * L = mean ℓ over N·K elements.
 */
export class HuberLoss extends FusedLoss {
  readonly name = 'huber';
  readonly output = 'linear';
  readonly delta: number;

  constructor({ delta = 1 }: { delta?: number } = {}) {
    super();
    if (!(delta > 0 && Number.isFinite(delta))) throw new ConfigError(`HuberLoss: delta must be > 0, found ${delta}`);
    this.delta = delta;
  }

  protected count(p: Matrix): number {
    return p.size;
  }
  protected compute(k: Kernels, p: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
    return k.huberError(p, t, g, scale, this.delta);
  }
}

/** Other names {@link createLoss} takes: Keras's and torch's spellings. */
export type LossAlias = 'cross_entropy' | 'categorical_crossentropy' | 'bce' | 'binary_crossentropy' | 'l1' | 'mean_squared_error' | 'mean_absolute_error';

/** A loss by name (a typo fails to compile; a name from a config file is checked at run time). */
export function createLoss(name: LossName | LossAlias): Loss {
  switch (name) {
    case 'softmax_cross_entropy':
    case 'cross_entropy':
    case 'categorical_crossentropy':
      return new SoftmaxCrossEntropy();
    case 'sigmoid_cross_entropy':
    case 'bce':
    case 'binary_crossentropy':
      return new SigmoidCrossEntropy();
    case 'mse':
    case 'mean_squared_error':
      return new MeanSquaredError();
    case 'mae':
    case 'l1':
    case 'mean_absolute_error':
      return new MeanAbsoluteError();
    case 'huber':
      return new HuberLoss();
    default:
      throw new ConfigError(`loss: unknown loss '${name}', expected one of ${LOSSES.join(', ')}`);
  }
}
