import type { Kernels } from '../../core/kernels.js';
import { expectShape, type Float, type Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';
import { defineLayer } from './define.js';
import { checkEps } from './norm-eps.js';

export interface LayerNormArgs {
  /** Added to the variance before the square root (default 1e-5, torch's; at least 2^-126, src/nn/layers/norm-eps.ts). */
  eps?: number;
  name?: string;
}

/**
 * Layer normalisation over the features of each row, as `torch.nn.LayerNorm(d)` (Ba, Kiros &
 * Hinton 2016, https://arxiv.org/abs/1607.06450). Unlike batch norm it looks at one row at a time:
 * no batch statistics, no running averages, the same computation in training and evaluation.
 * Learnable γ (init 1) and β (init 0), both without weight decay; model files hold `<name>.gamma`
 * and `<name>.beta`.
 * @remarks
 * forward:  μ_i = (1/d) Σ_j x_ij,  σ²_i = (1/d) Σ_j (x_ij − μ_i)²  (biased),  r_i = 1/√(σ²_i + eps)
 *           x̂_ij = (x_ij − μ_i)·r_i,  y_ij = γ_j·x̂_ij + β_j
 * backward: dγ_j += Σ_i dy_ij·x̂_ij,  dβ_j += Σ_i dy_ij
 *           g_ij = dy_ij·γ_j,  dx_ij = r_i·(g_ij − (1/d) Σ_k g_ik − x̂_ij·(1/d) Σ_k g_ik·x̂_ik)
 *
 * x, y, dx, x̂, g: [batch, d]; γ, β: [1, d]; μ, r: one number per row.
 */
export class LayerNorm implements Layer {
  readonly type = 'layer_norm';
  name: string;
  readonly eps: number;
  private k!: Kernels;
  private gamma!: Param; // [1, d]
  private beta!: Param; // [1, d]
  private xhat!: Matrix; // [batch, d], cached for backward
  private invStd!: Float; // [batch]: r_i of the last forward
  private y!: Matrix; // [batch, d]
  private g!: Matrix; // [batch, d]: dy·γ in backward
  private dx: Matrix | null = null; // [batch, d]
  features = 0;

  constructor({ eps = 1e-5, name = 'layer_norm' }: LayerNormArgs = {}) {
    this.eps = checkEps(eps, name);
    this.name = name;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    const d = inputWidth;
    this.features = d;
    this.k = ctx.kernels;
    this.gamma = ctx.param(`${this.name}.gamma`, 1, d, 0, (g) => g.data.fill(1));
    this.beta = ctx.param(`${this.name}.beta`, 1, d, 0, (b) => b.data.fill(0));
    this.xhat = ctx.buffer(d);
    this.invStd = ctx.buffer(1).data;
    this.y = ctx.buffer(d);
    this.g = ctx.buffer(d);
    this.dx = ctx.needsInputGrad ? ctx.buffer(d) : null;
    return d;
  }

  forward(x: Matrix, _mode: Mode): Matrix {
    if (x.cols !== this.features) expectShape(x, -1, this.features, `${this.name} (input)`);
    const n = x.rows;
    const d = this.features;
    const xs = x.data;
    const xhat = this.xhat.setRows(n).data;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let sum = 0;
      for (let j = 0; j < d; j++) sum += xs[row + j];
      const mean = sum / d;
      let sq = 0;
      for (let j = 0; j < d; j++) sq += (xs[row + j] - mean) ** 2;
      const r = 1 / Math.sqrt(sq / d + this.eps);
      this.invStd[i] = r;
      for (let j = 0; j < d; j++) xhat[row + j] = (xs[row + j] - mean) * r;
    }
    // y = x̂·diag(γ) + β
    this.k.affineCols(this.xhat, this.gamma.value.data, this.beta.value.data, this.y.setRows(n));
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    const n = dy.rows;
    const d = this.features;
    const k = this.k;
    // dγ += Σ_i dy·x̂,  dβ += Σ_i dy   (colDot writes its output: it goes through g's first row)
    const sums = this.g.data.subarray(0, d);
    k.colDot(dy, this.xhat, sums);
    k.axpy(1, sums, this.gamma.grad.data, d);
    k.sumRowsInto(dy, this.beta.grad.data);
    if (!this.dx) return dy; // first layer: nobody needs dL/dx
    // g = dy·diag(γ);  dx = r·(g − mean(g) − x̂·mean(g·x̂)), row by row
    const g = this.g.setRows(n).data;
    k.affineCols(dy, this.gamma.value.data, null, this.g);
    const xhat = this.xhat.data;
    const dx = this.dx.setRows(n).data;
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let sumG = 0;
      let sumGx = 0;
      for (let j = 0; j < d; j++) {
        sumG += g[row + j];
        sumGx += g[row + j] * xhat[row + j];
      }
      const meanG = sumG / d;
      const meanGx = sumGx / d;
      const r = this.invStd[i];
      for (let j = 0; j < d; j++) dx[row + j] = r * (g[row + j] - meanG - xhat[row + j] * meanGx);
    }
    return this.dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  config(): Record<string, unknown> {
    return { eps: this.eps };
  }
}

/** Friendly factory: `layerNorm()`. */
export const layerNorm = (args: LayerNormArgs = {}): LayerNorm => new LayerNorm(args);

/** Model files (`layer_norm`), and the run option `layerNorm` / `--layer-norm` of the recipe. */
export const layerNormLayer = defineLayer('layer_norm', {
  fromConfig: (c) => new LayerNorm(c as LayerNormArgs),
  torch: {
    module: 'LayerNorm',
    args: (l) => [String((l as LayerNorm).features), ...((l as LayerNorm).eps === 1e-5 ? [] : [`eps=${(l as LayerNorm).eps}`])],
    fromArgs: (_p, kw) => new LayerNorm({ eps: Number(kw('eps') ?? 1e-5) }),
    tensors: { weight: 'gamma', bias: 'beta' },
  },
  // LayerNormalization over the last axis (opset 17)
  onnx: (l, g, x) => {
    const [gamma, beta] = l.params();
    return g.op('LayerNormalization', [x, g.vector(gamma), g.vector(beta)], { axis: { int: -1 }, epsilon: { float: (l as LayerNorm).eps } });
  },
  option: {
    key: 'layerNorm',
    flag: '--layer-norm',
    help: 'layer normalisation after each hidden layer, before its activation',
    doc: 'layer normalisation (torch LayerNorm: each row over its features, the same in training and evaluation) after each hidden Dense, before its activation',
    place: 'hidden-pre-activation',
    create: () => layerNorm(),
    playground: {
      label: 'layer norm', url: 'ln',
      formula: 'y = γ·(x − μ_row)/√(σ²_row + ε) + β', theory: '4a-layer-normalisation--srcnnlayerslayer-normts',
    },
  },
});
