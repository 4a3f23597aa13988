import type { LossRule } from '../../core/fused.js';
import type { Kernels } from '../../core/kernels.js';
import { expectShape, Matrix, type Float } from '../../core/matrix.js';
import { ConfigError, ShapeError } from '../../errors.js';

/** How `predict` turns the network's raw outputs into predictions. */
export type OutputActivation = 'softmax' | 'sigmoid' | 'linear';

/**
 * A loss owns the gradient of the output layer (like network2.py's cost objects). It applies the
 * 1/batch scaling once: `forward` returns the mean, `backward` returns d(mean)/d(output).
 */
export interface Loss {
  /** The name it is registered under (`LossName`), as in configs and model files. */
  readonly name: string;
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

/**
 * What every loss shares: the gradient buffer, residual weights, the mean. A loss's own file gives its
 * {@link LossRule} (the summed loss and its gradient as a plain loop, which runs unless the backend
 * offers a fused version under the loss's name: `kernels.fusedLosses`), its scalars and what the sum is
 * divided by: the rows (one loss per example) or every element.
 */
export abstract class BaseLoss<A = void> implements Loss {
  abstract readonly name: string;
  abstract readonly output: OutputActivation;
  protected k?: Kernels;
  protected grad?: Matrix; // [batch, width]
  private w?: number[]; // residual weights, see setResidualWeights
  private scaled?: { k: Kernels; w: Float; p: Matrix; t: Matrix }; // w [width] in the kernels' memory; ŷ·w and y·w [batch, width]

  /** `meanOver`: what the summed loss is divided by, N rows or all N·K elements. */
  protected constructor(
    private readonly rule: LossRule<A>,
    private readonly args: A,
    private readonly meanOver: 'rows' | 'elements',
  ) {}

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
  private count(z: Matrix): number {
    return this.meanOver === 'rows' ? z.rows : z.size;
  }

  /** The summed loss, and g = scale·its gradient: the backend's fused kernel of this loss, or the loop. */
  private compute(k: Kernels, z: Matrix, t: Matrix, g: Matrix | null, scale: number): number {
    return k.fusedLosses.get(this.rule)?.(z, t, g, scale, this.args) ?? this.rule.loop(z, t, g, scale, this.args);
  }
}
