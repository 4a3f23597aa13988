import { ConfigError, ShapeError } from '../errors.js';
import { kernels as currentKernels } from '../core/backend.js';
import type { Kernels } from '../core/kernels.js';
import { Matrix, type DType, type Float } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { fuseRelu } from './fusion.js';
import { planSparseInput } from './sparse-input.js';
import type { BuildContext, Layer, Mode, Param } from './layer.js';

export interface BuildOptions {
  /** Width of one input row (e.g. 784 for MNIST). */
  inputWidth: number;
  /** Largest batch forward/backward will see (default 128). */
  batchSize?: number;
  /** Seed of the initialisation and dropout streams (default 0). */
  seed?: number;
  /** Backend (default: the current one, see `useBackend`). */
  kernels?: Kernels;
  /** float32 for training, float64 for gradient checks (default float32). */
  dtype?: DType;
  /** Also compute dL/dx for the input in `backward` (gradient checks; default false). */
  inputGrad?: boolean;
  /**
   * Run each ReLU inside the GEMM of the Dense layer next to it (default true; same results, fewer
   * passes over memory — see src/nn/fusion.ts). false keeps every layer a pass of its own.
   */
  fuse?: boolean;
  /**
   * Let the first Dense layer skip the zeros of its input when a batch is mostly zeros, folding a
   * Standardize before it into its products (default true; same results within float32 rounding —
   * see src/nn/sparse-input.ts). false: every product dense, Standardize a pass of its own.
   */
  sparse?: boolean;
}

interface PendingParam {
  param: { name: string; value: Matrix; grad: Matrix; decay: number };
  rows: number;
  cols: number;
  init: (value: Matrix) => void;
}

/**
 * A stack of layers over one block of memory: `build` plans every parameter into one flat parameter
 * arena and one gradient arena of the same layout, and every activation buffer for the batch size,
 * once. Training steps then allocate nothing.
 */
export class Sequential {
  readonly layers: Layer[];
  inputWidth = 0;
  outputWidth = 0;
  batchSize = 0;
  seed = 0;
  kernels!: Kernels;
  dtype: DType = 'float32';
  /** All parameter values, flat: [total]. Each Param.value is a view into it. */
  paramArena!: Float;
  /** All gradients, same layout as paramArena. */
  gradArena!: Float;
  private parameters: Param[] = [];
  private owned: Float[] = []; // activation buffers, given back by release()
  private built = false;

  constructor(layers: Layer[]) {
    if (layers.length === 0) throw new ConfigError('Sequential: a model needs at least one layer');
    this.layers = layers;
    // unique names: dense_1, dense_2, relu_1, ...; names already numbered and unique are kept
    const all = layers.map((l) => l.name);
    const taken = new Set(all.filter((n) => /_\d+$/.test(n) && all.indexOf(n) === all.lastIndexOf(n)));
    for (const layer of layers) {
      if (taken.has(layer.name)) continue;
      let k = 1;
      while (taken.has(`${layer.name}_${k}`)) k++;
      layer.name = `${layer.name}_${k}`;
      taken.add(layer.name);
    }
  }

  get isBuilt(): boolean {
    return this.built;
  }

  /** Plans and allocates parameters (initialised from the seed) and buffers. */
  build({ inputWidth, batchSize = 128, seed = 0, kernels = currentKernels(), dtype = 'float32', inputGrad = false, fuse = true, sparse = true }: BuildOptions): this {
    if (!Number.isInteger(inputWidth) || inputWidth <= 0) {
      throw new ConfigError(`Sequential.build: inputWidth must be a positive integer, found ${inputWidth}`);
    }
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ConfigError(`Sequential.build: batch size must be a positive integer, found ${batchSize}`);
    }
    if (this.built) this.release();
    Object.assign(this, { inputWidth, batchSize, seed, kernels, dtype });
    const root = new Rng(seed);
    const pending: PendingParam[] = [];
    planSparseInput(this.layers, sparse);
    let width = inputWidth;
    this.layers.forEach((layer, i) => {
      const ctx: BuildContext = {
        kernels,
        dtype,
        batchSize,
        needsInputGrad: i > 0 || inputGrad,
        rng: (purpose) => root.stream(`${layer.name}/${purpose}`),
        param: (name, rows, cols, decay, init) => {
          const placeholder = Matrix.zeros(0, cols, dtype);
          const param = { name, value: placeholder, grad: placeholder, decay };
          pending.push({ param, rows, cols, init });
          return param;
        },
        buffer: (cols, rows = batchSize) => {
          const buf = kernels.alloc(rows * cols, dtype);
          this.owned.push(buf);
          return new Matrix(rows, cols, buf);
        },
      };
      width = layer.build(width, ctx);
    });
    this.outputWidth = width;
    fuseRelu(this.layers, fuse);

    const total = pending.reduce((s, p) => s + p.rows * p.cols, 0);
    this.paramArena = kernels.alloc(total, dtype);
    this.gradArena = kernels.alloc(total, dtype);
    let offset = 0;
    for (const { param, rows, cols, init } of pending) {
      const n = rows * cols;
      param.value = new Matrix(rows, cols, this.paramArena.subarray(offset, offset + n));
      param.grad = new Matrix(rows, cols, this.gradArena.subarray(offset, offset + n));
      init(param.value);
      offset += n;
    }
    this.parameters = pending.map((p) => p.param);
    this.built = true;
    return this;
  }

  private assertBuilt(where: string): void {
    if (!this.built) throw new ConfigError(`Sequential.${where}: call build() first`);
  }

  /** x: [batch, inputWidth] → output: [batch, outputWidth] (raw logits for classifiers). */
  forward(x: Matrix, mode: Mode = 'eval'): Matrix {
    this.assertBuilt('forward');
    if (x.cols !== this.inputWidth) {
      throw new ShapeError(`${this.layers[0].name}: input width mismatch: expected ${this.inputWidth} features per row, found ${x.cols}`);
    }
    if (x.rows > this.batchSize) {
      throw new ShapeError(`Sequential.forward: batch of ${x.rows} rows exceeds the planned batch size ${this.batchSize}`);
    }
    let h = x;
    for (const layer of this.layers) h = layer.forward(h, mode);
    return h;
  }

  /**
   * dy: dL/doutput [batch, outputWidth]; adds every parameter's gradient — or, with `accumulate`
   * false, writes it: `zeroGrad()` then `backward(dy)` without the pass that zeroes the gradients.
   * Returns dL/dx [batch, in] when built with `inputGrad`, otherwise whatever the first layer
   * returns (not the input gradient).
   */
  backward(dy: Matrix, accumulate = true): Matrix {
    let d = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) d = this.layers[i].backward(d, accumulate);
    return d;
  }

  /** Restarts every layer's random streams (gradient checks: each forward then draws the same masks). */
  resetRandom(): void {
    for (const layer of this.layers) layer.resetRandom?.();
  }

  zeroGrad(): void {
    // parameter by parameter: a threaded backend splits each one as it splits its gradient and update
    for (const p of this.parameters) this.kernels.fill(p.grad.data, 0, p.grad.data.length);
  }

  params(): Param[] {
    return this.parameters;
  }

  get parameterCount(): number {
    return this.built ? this.paramArena.length : 0;
  }

  /** Non-trainable state (batch norm's running statistics), in layer order. */
  stateBuffers(): Float[] {
    return this.layers.flatMap((l) => l.buffers?.() ?? []).map((b) => b.value.data);
  }

  /** Length of {@link getWeights}: every parameter plus every non-trainable state value. */
  get weightCount(): number {
    return this.paramArena.length + this.stateBuffers().reduce((s, b) => s + b.length, 0);
  }

  /** A copy of every parameter value (arena layout) followed by the non-trainable state. */
  getWeights(out: Float32Array = new Float32Array(this.weightCount)): Float32Array {
    if (out.length !== this.weightCount) {
      throw new ShapeError(`Sequential.getWeights: expected an output of ${this.weightCount} values, found ${out.length}`);
    }
    out.set(this.paramArena);
    let offset = this.paramArena.length;
    for (const b of this.stateBuffers()) {
      out.set(b, offset);
      offset += b.length;
    }
    return out;
  }

  /** Puts back values from {@link getWeights}. */
  setWeights(w: Float32Array): void {
    if (w.length !== this.weightCount) {
      throw new ShapeError(`Sequential.setWeights: expected ${this.weightCount} values, found ${w.length}`);
    }
    this.paramArena.set(w.subarray(0, this.paramArena.length));
    let offset = this.paramArena.length;
    for (const b of this.stateBuffers()) {
      b.set(w.subarray(offset, offset + b.length));
      offset += b.length;
    }
  }

  /** A table of layers with output shapes and parameter counts. */
  summary(): string {
    this.assertBuilt('summary');
    const rows: string[][] = [['layer', 'type', 'output', 'params']];
    let width = this.inputWidth;
    for (const layer of this.layers) {
      const n = layer.params().reduce((s, p) => s + p.value.size, 0);
      const out = layer.params()[0]?.value.cols ?? width;
      width = layer.type === 'dense' ? out : width;
      rows.push([layer.name, layer.type, `[batch, ${width}]`, String(n)]);
    }
    rows.push(['total', '', '', String(this.parameterCount)]);
    const w = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    return rows.map((r) => r.map((s, c) => s.padEnd(w[c])).join('  ').trimEnd()).join('\n');
  }

  /** Gives the buffers back to the backend (the model must be built again before use). */
  release(): void {
    if (!this.built) return;
    this.kernels.release(this.paramArena);
    this.kernels.release(this.gradArena);
    for (const buf of this.owned) this.kernels.release(buf);
    this.owned = [];
    this.built = false;
  }
}

/** Friendly factory: `sequential([dense({ units: 128 }), activation('relu'), dense({ units: 10 })])`. */
export const sequential = (layers: Layer[]): Sequential => new Sequential(layers);
