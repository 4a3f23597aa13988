import { ConfigError, ShapeError } from '../../errors.js';
import type { Kernels } from '../../core/kernels.js';
import { expectShape, Matrix, type Float } from '../../core/matrix.js';
import type { BuildContext, Layer, LayerBuffer, Mode, Param } from '../layer.js';
import { defineLayer } from './define.js';
import { checkEps } from './norm-eps.js';

export interface BatchNormArgs {
  /** Weight of the new batch statistic in the running averages, in [0, 1] (default 0.1, torch's convention). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5; at least 2^-126, src/nn/layers/norm-eps.ts). */
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
  private k!: Kernels;
  private gamma!: Param; // [1, d]
  private beta!: Param; // [1, d]
  private runningMean!: Matrix; // [1, d]
  private runningVar!: Matrix; // [1, d], unbiased
  private state: LayerBuffer[] = []; // the two above, as saved
  private xhat!: Matrix; // [batch, d], cached for backward
  private y!: Matrix; // [batch, d]
  private dx: Matrix | null = null; // [batch, d]
  // [d] vectors in the kernels' memory:
  private mean!: Float; // batch mean (train) or running mean (eval)
  private variance!: Float; // biased batch variance
  private invStd!: Float; // 1/σ of the last forward
  private sumDy!: Float; // Σ_i dy
  private sumDyXhat!: Float; // Σ_i dy·x̂
  private coefDy!: Float; // backward: dx = dy·coefDy + x̂·coefXhat + coefOne
  private coefXhat!: Float;
  private coefOne!: Float;
  private lastMode: Mode = 'eval';
  features = 0;

  constructor({ momentum = 0.1, eps = 1e-5, name = 'batch_norm' }: BatchNormArgs = {}) {
    if (!(momentum >= 0 && momentum <= 1)) throw new ConfigError(`${name}: momentum must be in [0, 1], found ${momentum}`);
    this.momentum = momentum;
    this.eps = checkEps(eps, name);
    this.name = name;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    const d = inputWidth;
    this.features = d;
    this.k = ctx.kernels;
    this.gamma = ctx.param(`${this.name}.gamma`, 1, d, 0, (g) => g.data.fill(1));
    this.beta = ctx.param(`${this.name}.beta`, 1, d, 0, (b) => b.data.fill(0));
    this.state = [ctx.state(`${this.name}.running_mean`, 1, d, () => {}), ctx.state(`${this.name}.running_var`, 1, d, (v) => v.data.fill(1))];
    [this.runningMean, this.runningVar] = this.state.map((s) => s.value);
    this.xhat = ctx.buffer(d);
    this.y = ctx.buffer(d);
    this.dx = ctx.needsInputGrad ? ctx.buffer(d) : null;
    [this.mean, this.variance, this.invStd, this.sumDy, this.sumDyXhat, this.coefDy, this.coefXhat, this.coefOne] =
      Array.from({ length: 8 }, () => ctx.buffer(d, 1).data);
    return d;
  }

  forward(x: Matrix, mode: Mode): Matrix {
    expectShape(x, -1, this.features, `${this.name} (input)`);
    const n = x.rows;
    const d = this.features;
    const { mean, invStd } = this;
    if (mode === 'train') {
      if (n < 2) throw new ShapeError(`${this.name}: training mode needs more than 1 row per batch, found ${n} (as torch's BatchNorm1d)`);
      this.batchStatistics(x, n);
    } else {
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      for (let j = 0; j < d; j++) {
        mean[j] = rm[j];
        invStd[j] = 1 / Math.sqrt(rv[j] + this.eps);
      }
    }
    this.lastMode = mode;
    // x̂ = (x − μ)/σ;  y = γ·x̂ + β
    this.k.centerScaleCols(x, mean, invStd, this.xhat.setRows(n));
    this.k.affineCols(this.xhat, this.gamma.value.data, this.beta.value.data, this.y.setRows(n));
    return this.y;
  }

  /** Batch mean and 1/σ into `mean`, `invStd`; updates the running statistics. */
  private batchStatistics(x: Matrix, n: number): void {
    const { mean, variance, invStd } = this;
    this.k.colMeanVar(x, mean, variance);
    const m = this.momentum;
    const rm = this.runningMean.data;
    const rv = this.runningVar.data;
    for (let j = 0; j < this.features; j++) {
      rm[j] = (1 - m) * rm[j] + m * mean[j];
      rv[j] = (1 - m) * rv[j] + (m * variance[j] * n) / (n - 1);
      invStd[j] = 1 / Math.sqrt(variance[j] + this.eps);
    }
  }

  backward(dy: Matrix): Matrix {
    const n = dy.rows;
    const d = this.features;
    const k = this.k;
    const { sumDy, sumDyXhat, invStd } = this;
    const xhat = this.xhat;
    k.fill(sumDy, 0, d);
    k.sumRowsInto(dy, sumDy);
    k.colDot(dy, xhat, sumDyXhat);
    // dγ += Σ dy·x̂,  dβ += Σ dy
    const dg = this.gamma.grad.data;
    const db = this.beta.grad.data;
    k.axpy(1, sumDyXhat, dg, d);
    k.axpy(1, sumDy, db, d);
    if (!this.dx) return dy; // first layer: nobody needs dL/dx
    const dx = this.dx.setRows(n);
    const g = this.gamma.value.data;
    const { coefDy, coefXhat, coefOne } = this;
    for (let j = 0; j < d; j++) coefDy[j] = g[j] * invStd[j];
    if (this.lastMode === 'eval') {
      k.affineCols(dy, coefDy, null, dx); // dx = (γ/σ)·dy
      return this.dx;
    }
    // dx = (γ/σ)/N · (N·dy − Σdy − x̂·Σ(dy·x̂)) = dy·(γ/σ) + x̂·(−(γ/σ)·Σ(dy·x̂)/N) + (−(γ/σ)·Σdy/N)
    for (let j = 0; j < d; j++) {
      coefXhat[j] = (-coefDy[j] * sumDyXhat[j]) / n;
      coefOne[j] = (-coefDy[j] * sumDy[j]) / n;
    }
    k.affinePairCols(dy, coefDy, xhat, coefXhat, coefOne, dx);
    return this.dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  /** Running mean and (unbiased) variance, [1, d] each: saved in model files, never trained. */
  buffers(): LayerBuffer[] {
    return this.state;
  }

  /** Running variances finite and ≥ 0, and (x − running_mean)/√(running_var + eps) finite in float32 at x = 0. */
  checkBuffers(value: (name: string) => ArrayLike<number>): string | undefined {
    const [meanName, varName] = [`${this.name}.running_mean`, `${this.name}.running_var`];
    const M = value(meanName), V = value(varName);
    for (let j = 0; j < V.length; j++) {
      if (!(V[j] >= 0) || !Number.isFinite(V[j])) return `tensor '${varName}' holds ${V[j]} at index ${j}, expected a variance ≥ 0`;
      const centred = Math.fround(M[j] * Math.fround(1 / Math.sqrt(V[j] + this.eps))); // 1/√(≥ eps) is finite
      if (!Number.isFinite(centred)) {
        return `tensors '${meanName}' and '${varName}' hold ${M[j]} and ${V[j]} at index ${j}: running_mean/√(running_var + eps) is ${centred}, expected a finite float32`;
      }
    }
    return undefined;
  }

  config(): Record<string, unknown> {
    return { momentum: this.momentum, eps: this.eps };
  }
}

/** Friendly factory: `batchNorm()`, or `mlp({ hidden, outputs, normalization: () => batchNorm() })`. */
export const batchNorm = (args: BatchNormArgs = {}): BatchNorm => new BatchNorm(args);

/** Model files (`batch_norm`), and the run option `batchNorm` / `--batch-norm` of the recipe. */
export const batchNormLayer = defineLayer('batch_norm', {
  fromConfig: (c) => new BatchNorm(c as BatchNormArgs),
  torch: {
    module: 'BatchNorm1d',
    args: (l) => {
      const b = l as BatchNorm;
      return [String(b.features), ...(b.eps === 1e-5 ? [] : [`eps=${b.eps}`]), ...(b.momentum === 0.1 ? [] : [`momentum=${b.momentum}`])];
    },
    fromArgs: (_p, kw) => new BatchNorm({ eps: Number(kw('eps') ?? 1e-5), momentum: Number(kw('momentum') ?? 0.1) }),
    tensors: { weight: 'gamma', bias: 'beta', running_mean: 'running_mean', running_var: 'running_var' },
    ignored: ['num_batches_tracked'],
  },
  // eval mode: y = γ·(x − running_mean)/√(running_var + eps) + β
  onnx: (l, g, x) => {
    const b = l as BatchNorm;
    const [gamma, beta] = b.params();
    const [mean, variance] = b.buffers();
    return g.op('BatchNormalization', [x, g.vector(gamma), g.vector(beta), g.vector(mean), g.vector(variance)], { epsilon: { float: b.eps } });
  },
  option: {
    key: 'batchNorm',
    flag: '--batch-norm',
    help: 'batch normalisation after each hidden layer, before its activation',
    doc: 'batch normalisation (torch BatchNorm1d: batch statistics, running averages for eval) after each hidden Dense, before its activation',
    place: 'hidden-pre-activation',
    create: () => batchNorm(),
    playground: {
      label: 'batch norm', url: 'bn',
      formula: 'y = γ·(x − μ_B)/√(σ²_B + ε) + β', theory: '4-batch-normalisation--srcnnlayersbatch-normts',
    },
  },
});
