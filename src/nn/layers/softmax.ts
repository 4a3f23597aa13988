import type { Kernels } from '../../core/kernels.js';
import type { Matrix } from '../../core/matrix.js';
import type { BuildContext, Layer, Mode, Param } from '../layer.js';
import { defineLayer } from './define.js';

/**
 * Row-wise softmax as a layer, for networks that need probabilities inside the graph. For
 * classification prefer raw logits plus the fused `softmaxCrossEntropy` loss (stable and cheaper);
 * `predict` applies the softmax itself.
 * @remarks
 * forward:  y_ij = exp(x_ij) / Σ_k exp(x_ik)
 * backward: dx_ij = y_ij·(dy_ij − Σ_k dy_ik·y_ik)
 */
export class Softmax implements Layer {
  readonly type = 'softmax';
  name: string;
  private k!: Kernels;
  private y!: Matrix; // [batch, d]
  private dx!: Matrix; // [batch, d]

  constructor({ name = 'softmax' }: { name?: string } = {}) {
    this.name = name;
  }

  build(inputWidth: number, ctx: BuildContext): number {
    this.k = ctx.kernels;
    this.y = ctx.buffer(inputWidth);
    this.dx = ctx.buffer(inputWidth);
    return inputWidth;
  }

  forward(x: Matrix, _mode: Mode): Matrix {
    this.y.setRows(x.rows);
    this.k.softmaxRows(x, this.y);
    return this.y;
  }

  backward(dy: Matrix): Matrix {
    this.k.softmaxRowsBackward(this.y, dy, this.dx.setRows(dy.rows));
    return this.dx;
  }

  params(): Param[] {
    return [];
  }

  config(): Record<string, unknown> {
    return {};
  }
}

export const softmax = (): Softmax => new Softmax();

/** Model files: `softmax` layers. */
export const softmaxLayer = defineLayer('softmax', {
  fromConfig: () => new Softmax(),
  torch: { module: 'Softmax' },
  onnx: (_l, g, x) => g.op('Softmax', [x], { axis: { int: -1 } }),
});
