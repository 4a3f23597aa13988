import { ConfigError, ShapeError } from '../../errors.js';
import type { Kernels } from '../../core/kernels.js';
import { JsKernels } from '../../core/kernels-js.js';
import type { Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, LayerBuffer, Param } from '../layer.js';
import { defineLayer } from './define.js';

const FIT_KERNELS = new JsKernels();

/** A fitted σ at or below this is taken as 1 (a constant feature); a stored σ must be above it. */
export const STD_FLOOR = 1e-12;

export interface StandardizeArgs {
  /** Per-feature means [in] (or one value for all features); set later with {@link Standardize.fit}. */
  mean?: ArrayLike<number>;
  /** Per-feature standard deviations [in] (or one value). */
  std?: ArrayLike<number>;
  name?: string;
}

/**
 * Input standardisation as the model's first layer, so a saved model carries its preprocessing and
 * `predict` takes raw features. Not trainable; mean and std are fitted on the training data.
 * @remarks
 * forward: y = (x − μ) / σ = x·(1/σ) − μ/σ;  backward: dx = dy / σ.   μ, σ: [in], saved as buffers.
 * Over mostly-zero inputs the build plan folds it into the Dense layer after it (src/nn/sparse-input.ts),
 * which then reads {@link scale} and {@link shift}.
 */
export class Standardize implements Layer {
  readonly type = 'standardize';
  name: string;
  private mean!: LayerBuffer; // μ: [1, in]
  private std!: LayerBuffer; // σ: [1, in]
  private y!: Matrix; // [batch, in]
  private dx: Matrix | null = null; // [batch, in]
  private k!: Kernels;
  /** 1/σ: [1, in], derived from σ by {@link refresh}. */
  scale!: Matrix;
  /** −μ/σ: [1, in], so that y = x·scale + shift. */
  shift!: Matrix;
  /** Changes whenever {@link refresh} finds a different scale or shift (a folded layer's cache key). */
  version = 0;
  /** The versions of μ and σ that scale and shift were derived from (-1: not since the last build). */
  private readonly derivedFrom = { mean: -1, std: -1 };
  private readonly init: StandardizeArgs;

  constructor(args: StandardizeArgs = {}) {
    this.init = args;
    this.name = args.name ?? 'standardize';
  }

  build(inputWidth: number, ctx: BuildContext): number {
    const { mean, std } = this.init;
    this.mean = ctx.state(`${this.name}.mean`, 1, inputWidth, () => {}); // zeros
    this.std = ctx.state(`${this.name}.std`, 1, inputWidth, (s) => {
      s.data.fill(1);
      if (mean && std) this.set(mean, std); // runs after both are made
    });
    this.k = ctx.kernels;
    this.derivedFrom.mean = -1;
    this.scale = ctx.buffer(inputWidth, 1);
    this.shift = ctx.buffer(inputWidth, 1);
    this.y = ctx.buffer(inputWidth);
    this.dx = ctx.needsInputGrad ? ctx.buffer(inputWidth) : null;
    return inputWidth;
  }

  /**
   * Sets μ and σ from data x: [n, in]. `perFeature` false uses one mean and std over every value
   * (images: every pixel shares the scale); true standardises each column. σ ≤ {@link STD_FLOOR} becomes 1.
   */
  fit(x: Matrix, { perFeature }: { perFeature: boolean }): void {
    const { rows, cols } = x;
    if (cols !== this.mean.value.cols) throw new ShapeError(`${this.name}: expected ${this.mean.value.cols} features, found ${cols}`);
    if (rows === 0) throw new ConfigError(`${this.name}: cannot fit on an empty dataset`);
    const mean = new Float64Array(cols);
    const variance = new Float64Array(cols);
    // once per run, over data outside the kernels' memory: the reference kernel, in float64
    FIT_KERNELS.colMeanVar(x, mean, variance);
    if (perFeature) {
      this.set(mean, variance.map(Math.sqrt));
    } else {
      // pooled over equal-sized columns: m = mean of the means, σ² = mean of (σ²_j + (μ_j − m)²)
      const m = mean.reduce((a, b) => a + b, 0) / cols;
      const v = variance.reduce((a, vj, j) => a + vj + (mean[j] - m) ** 2, 0) / cols;
      this.set([m], [Math.sqrt(v)]);
    }
  }

  private set(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    const cols = this.mean.value.cols;
    for (let j = 0; j < cols; j++) {
      const m = mean.length === 1 ? mean[0] : mean[j];
      const s = std.length === 1 ? std[0] : std[j];
      if (!Number.isFinite(m) || !Number.isFinite(s) || s < 0) throw new ConfigError(`${this.name}: invalid mean ${m} or std ${s} for feature ${j}`);
      this.mean.value.data[j] = m;
      this.std.value.data[j] = s > STD_FLOOR ? s : 1;
    }
    this.mean.version++;
    this.std.version++;
  }

  /**
   * Writes 1/σ into {@link scale} and −μ/σ into {@link shift} (each rounded to the model's precision),
   * and bumps {@link version} when they change — only when μ or σ were written since (fitted, set, or
   * loaded by setWeights or a model file, each of which bumps their versions): 1568 divisions are a
   * quarter of one image's prediction, and ~5 µs of every training step on MNIST.
   */
  refresh(): void {
    const from = this.derivedFrom;
    if (from.mean === this.mean.version && from.std === this.std.version) return;
    from.mean = this.mean.version;
    from.std = this.std.version;
    const M = this.mean.value.data, S = this.std.value.data, scale = this.scale.data, shift = this.shift.data;
    let changed = false;
    for (let j = 0; j < M.length; j++) {
      const a = scale[j], b = shift[j];
      scale[j] = 1 / S[j];
      shift[j] = -M[j] / S[j];
      changed ||= !Object.is(a, scale[j]) || !Object.is(b, shift[j]);
    }
    if (changed) this.version++;
  }

  forward(x: Matrix): Matrix {
    this.refresh();
    this.k.affineCols(x, this.scale.data, this.shift.data, this.y.setRows(x.rows));
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    if (!this.dx) return dy; // first layer: dL/dx is not needed
    this.k.affineCols(dy, this.scale.data, null, this.dx.setRows(dy.rows));
    return this.dx;
  }

  params(): Param[] {
    return [];
  }

  buffers(): LayerBuffer[] {
    return [this.mean, this.std];
  }

  /** σ finite and above {@link STD_FLOOR}, −μ/σ finite in float32: else every row gets the same answer, or NaN. */
  checkBuffers(value: (name: string) => ArrayLike<number>): string | undefined {
    const [meanName, stdName] = [`${this.name}.mean`, `${this.name}.std`];
    const M = value(meanName), S = value(stdName);
    for (let j = 0; j < S.length; j++) {
      const s = S[j];
      if (!(s > STD_FLOOR) || !Number.isFinite(s)) {
        return `tensor '${stdName}' holds ${s} at index ${j}, expected a standard deviation above ${STD_FLOOR} (the floor ${this.type} uses)`;
      }
      const shift = Math.fround(-M[j] / s); // 1/σ < 1e12 is finite
      if (!Number.isFinite(shift)) {
        return `tensors '${meanName}' and '${stdName}' hold ${M[j]} and ${s} at index ${j}: −mean/std is ${shift}, expected a finite float32`;
      }
    }
    return undefined;
  }

  config(): Record<string, unknown> {
    return {};
  }
}

/** Model files: `standardize` layers (μ and σ are tensors of the file). */
export const standardizeLayer = defineLayer('standardize', {
  fromConfig: () => new Standardize(),
  // y = x·(1/σ) + (−μ/σ), with the very scale and shift forward uses
  onnx: (l, g, x) => {
    const s = l as Standardize;
    s.refresh();
    const scale = g.tensor(`${s.name}.scale`, [s.scale.size], s.scale.view());
    const shift = g.tensor(`${s.name}.shift`, [s.shift.size], s.shift.view());
    return g.op('Add', [g.op('Mul', [x, scale]), shift]);
  },
});
