import { ConfigError, ShapeError } from '../../errors.js';
import { expectShape, Matrix, type Float } from '../../core/matrix.js';
import type { BuildContext, Layer, LayerBuffer, Mode, Param } from '../layer.js';

export interface BatchNormArgs {
  /** Weight of the new batch statistic in the running averages, in [0, 1] (default 0.1, torch's convention). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  name?: string;
}

/**
 * Batch normalisation over the batch dimension, as `torch.nn.BatchNorm1d` (Ioffe & Szegedy 2015,
 * https://arxiv.org/abs/1502.03167). Learnable γ (init 1) and β (init 0), both without weight decay.
 * Model files hold `<name>.gamma`, `<name>.beta` and the buffers `<name>.running_mean`, `<name>.running_var`.
 * @remarks
 * train:  μ_j = (1/N) Σ_i x_ij,  σ²_j = (1/N) Σ_i (x_ij − μ_j)²  (biased),  σ_j = √(σ²_j + eps)
 *         x̂ = (x − μ)/σ,  y = γ·x̂ + β
 *         running_mean ← (1−m)·running_mean + m·μ;  running_var ← (1−m)·running_var + m·σ²·N/(N−1)  (unbiased)
 * eval:   y = γ·(x − running_mean)/√(running_var + eps) + β
 * backward (train): dγ += Σ_i dy·x̂,  dβ += Σ_i dy,  dx = (γ/σ)/N · (N·dy − Σ_i dy − x̂·Σ_i dy·x̂)
 * backward (eval):  same dγ, dβ;  dx = (γ/σ)·dy  (the statistics are constants)
 *
 * x, y, dx, x̂: [batch, d]; γ, β, running statistics: [1, d].
 */
export class BatchNorm implements Layer {
  readonly type = 'batch_norm';
  name: string;
  readonly momentum: number;
  readonly eps: number;
  private gamma!: Param; // [1, d]
  private beta!: Param; // [1, d]
  private runningMean!: Matrix; // [1, d]
  private runningVar!: Matrix; // [1, d], unbiased
  private xhat!: Matrix; // [batch, d], cached for backward
  private y!: Matrix; // [batch, d]
  private dx: Matrix | null = null; // [batch, d]
  private mean!: Float64Array; // [d], batch mean (train) or running mean (eval)
  private invStd!: Float64Array; // [d], 1/σ of the last forward
  private sumDy!: Float64Array; // [d]
  private sumDyXhat!: Float64Array; // [d]
  private lastMode: Mode = 'eval';
  features = 0;

  constructor({ momentum = 0.1, eps = 1e-5, name = 'batch_norm' }: BatchNormArgs = {}) {
    if (!(momentum >= 0 && momentum <= 1)) throw new ConfigError(`${name}: momentum must be in [0, 1], found ${momentum}`);
    if (!(eps > 0 && Number.isFinite(eps))) throw new ConfigError(`${name}: eps must be > 0, found ${eps}`);
    this.momentum = momentum;
    this.eps = eps;
    this.name = name;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    const d = inputWidth;
    this.features = d;
    this.gamma = ctx.param(`${this.name}.gamma`, 1, d, 0, (g) => g.data.fill(1));
    this.beta = ctx.param(`${this.name}.beta`, 1, d, 0, (b) => b.data.fill(0));
    this.runningMean = Matrix.zeros(1, d, ctx.dtype);
    this.runningVar = Matrix.zeros(1, d, ctx.dtype);
    this.runningVar.data.fill(1);
    this.xhat = ctx.buffer(d);
    this.y = ctx.buffer(d);
    this.dx = ctx.needsInputGrad ? ctx.buffer(d) : null;
    this.mean = new Float64Array(d);
    this.invStd = new Float64Array(d);
    this.sumDy = new Float64Array(d);
    this.sumDyXhat = new Float64Array(d);
    return d;
  }

  forward(x: Matrix, mode: Mode): Matrix {
    expectShape(x, -1, this.features, `${this.name} (input)`);
    const n = x.rows;
    const d = this.features;
    const { mean, invStd } = this;
    if (mode === 'train') {
      if (n < 2) throw new ShapeError(`${this.name}: training mode needs more than 1 row per batch, found ${n} (as torch's BatchNorm1d)`);
      this.batchStatistics(x.data, n);
    } else {
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      for (let j = 0; j < d; j++) {
        mean[j] = rm[j];
        invStd[j] = 1 / Math.sqrt(rv[j] + this.eps);
      }
    }
    this.lastMode = mode;
    const xs = x.data;
    const xh = this.xhat.setRows(n).data;
    const y = this.y.setRows(n).data;
    const g = this.gamma.value.data;
    const b = this.beta.value.data;
    for (let i = 0, o = 0; i < n; i++, o += d) {
      for (let j = 0; j < d; j++) {
        const v = (xs[o + j] - mean[j]) * invStd[j];
        xh[o + j] = v;
        y[o + j] = g[j] * v + b[j];
      }
    }
    return this.y;
  }

  /** Batch mean and 1/σ into `mean`, `invStd`; updates the running statistics. */
  private batchStatistics(xs: Float, n: number): void {
    const d = this.features;
    const { mean, invStd } = this;
    const v = invStd; // holds Σ (x − μ)² until turned into 1/σ
    mean.fill(0);
    v.fill(0);
    for (let o = 0; o < n * d; o += d) for (let j = 0; j < d; j++) mean[j] += xs[o + j];
    for (let j = 0; j < d; j++) mean[j] /= n;
    for (let o = 0; o < n * d; o += d) {
      for (let j = 0; j < d; j++) {
        const c = xs[o + j] - mean[j];
        v[j] += c * c;
      }
    }
    const m = this.momentum;
    const rm = this.runningMean.data;
    const rv = this.runningVar.data;
    for (let j = 0; j < d; j++) {
      rm[j] = (1 - m) * rm[j] + m * mean[j];
      rv[j] = (1 - m) * rv[j] + (m * v[j]) / (n - 1);
      invStd[j] = 1 / Math.sqrt(v[j] / n + this.eps);
    }
  }

  backward(dy: Matrix): Matrix {
    const n = dy.rows;
    const d = this.features;
    const dys = dy.data;
    const xh = this.xhat.data;
    const { sumDy, sumDyXhat, invStd } = this;
    sumDy.fill(0);
    sumDyXhat.fill(0);
    for (let o = 0; o < n * d; o += d) {
      for (let j = 0; j < d; j++) {
        sumDy[j] += dys[o + j];
        sumDyXhat[j] += dys[o + j] * xh[o + j];
      }
    }
    const dg = this.gamma.grad.data;
    const db = this.beta.grad.data;
    for (let j = 0; j < d; j++) {
      dg[j] += sumDyXhat[j];
      db[j] += sumDy[j];
    }
    if (!this.dx) return dy; // first layer: nobody needs dL/dx
    const dx = this.dx.setRows(n).data;
    const g = this.gamma.value.data;
    if (this.lastMode === 'eval') {
      for (let o = 0; o < n * d; o += d) for (let j = 0; j < d; j++) dx[o + j] = g[j] * invStd[j] * dys[o + j];
      return this.dx;
    }
    // dx = (γ/σ)/N · (N·dy − Σdy − x̂·Σ(dy·x̂)) = (γ/σ)·(dy − (Σdy + x̂·Σ(dy·x̂))/N)
    for (let j = 0; j < d; j++) {
      sumDy[j] /= n;
      sumDyXhat[j] /= n;
    }
    for (let o = 0; o < n * d; o += d) {
      for (let j = 0; j < d; j++) {
        dx[o + j] = g[j] * invStd[j] * (dys[o + j] - sumDy[j] - xh[o + j] * sumDyXhat[j]);
      }
    }
    return this.dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  /** Running mean and (unbiased) variance, [1, d] each: saved in model files, never trained. */
  buffers(): LayerBuffer[] {
    return [
      { name: `${this.name}.running_mean`, value: this.runningMean },
      { name: `${this.name}.running_var`, value: this.runningVar },
    ];
  }

  config(): Record<string, unknown> {
    return { momentum: this.momentum, eps: this.eps };
  }
}

/** Friendly factory: `batchNorm()`, or `mlp({ hidden, outputs, normalization: () => batchNorm() })`. */
export const batchNorm = (args: BatchNormArgs = {}): BatchNorm => new BatchNorm(args);
