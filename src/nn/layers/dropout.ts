import { ConfigError } from '../../errors.js';
import type { Kernels } from '../../core/kernels.js';
import type { Float, Matrix } from '../../core/matrix.js';
import type { Rng } from '../../core/random.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';
import { defineLayer } from './define.js';

export interface DropoutArgs {
  /** Probability of zeroing a unit, in [0, 1). */
  rate: number;
  name?: string;
}

/**
 * Inverted dropout: at training time each unit is kept with probability 1-p and scaled by 1/(1-p);
 * at evaluation time the layer is the identity (no rescaling needed).
 * @remarks
 * train: m_ij ∈ {0, 1/(1-p)} ~ Bernoulli(1-p)/(1-p);  y = x ⊙ m;  dx = dy ⊙ m.   eval: y = x.
 */
export class Dropout implements Layer {
  readonly type = 'dropout';
  name: string;
  readonly rate: number;
  private k!: Kernels;
  private rng!: Rng;
  private makeRng!: () => Rng;
  private mask!: Float; // [batch·d]
  private readonly words = new Uint32Array(4); // the rng's state, through Kernels.dropoutMask
  private y!: Matrix;
  private dx!: Matrix | null; // null when no layer before this one needs dL/dx (an input dropout)
  private lastMode: Mode = 'eval';

  constructor({ rate, name = 'dropout' }: DropoutArgs) {
    if (!(rate >= 0 && rate < 1)) throw new ConfigError(`${name}: rate must be in [0, 1), found ${rate}`);
    this.rate = rate;
    this.name = name;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    this.k = ctx.kernels;
    this.makeRng = () => ctx.rng('dropout');
    this.rng = this.makeRng();
    this.y = ctx.buffer(inputWidth);
    this.dx = ctx.needsInputGrad ? ctx.buffer(inputWidth) : null;
    this.mask = ctx.buffer(inputWidth).data;
    return inputWidth;
  }

  forward(x: Matrix, mode: Mode): Matrix {
    this.lastMode = mode;
    if (mode === 'eval' || this.rate === 0) return x;
    const n = x.size;
    const keep = 1 - this.rate;
    const scale = 1 / keep;
    this.rng.writeWords(this.words);
    this.k.dropoutMask(this.words, keep, scale, this.mask, n);
    this.rng.readWords(this.words);
    this.y.setRows(x.rows);
    this.k.mul(x.data, this.mask, this.y.data, n);
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    if (this.lastMode === 'eval' || this.rate === 0 || !this.dx) return dy;
    this.dx.setRows(dy.rows);
    this.k.mul(dy.data, this.mask, this.dx.data, dy.size);
    return this.dx;
  }

  resetRandom(): void {
    this.rng = this.makeRng();
  }

  params(): Param[] {
    return [];
  }

  config(): Record<string, unknown> {
    return { rate: this.rate };
  }
}

export const dropout = (rate: number): Dropout => new Dropout({ rate });

/** Model files: `dropout` layers. */
export const dropoutLayer = defineLayer('dropout', {
  fromConfig: (c) => new Dropout(c as unknown as DropoutArgs),
  torch: { module: 'Dropout' },
  onnx: (_l, _g, x) => x, // inverted dropout: the identity at inference
});
