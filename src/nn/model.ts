import { ConfigError, ShapeError } from '../errors.js';
import { kernels as currentKernels } from '../core/backend.js';
import type { Kernels } from '../core/kernels.js';
import { Matrix, type DType, type Float } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import { fuseRelu, fusionNotes } from './fusion.js';
import { SparseInputDense } from './layers/sparse-input-dense.js';
import { planSparseInput } from './sparse-input.js';
import { zeroGrads, type BuildContext, type Layer, type LayerBuffer, type Mode, type Param } from './layer.js';
import { copyWeights, loadStateDict, summaryTable } from './weights.js';
import { buildLayers, MAX_MODEL_BYTES, planLayers, planSizeProblem, replan, type ModelPlan, type PlanOptions } from './plan.js';

export { MAX_MODEL_BYTES, MAX_WIDTH, type ModelPlan, type PlannedTensor, type PlanOptions } from './plan.js';

export interface BuildOptions {
  /** Width of one input row (e.g. 784 for MNIST). */
  inputWidth: number;
  /** Largest batch forward/backward will see (default 128). */
  batchSize?: number;
  /** Seed of the initialisation and dropout streams (default 0). */
  seed?: number;
  /** Backend (default: the current one, see `useBackend`); a float64 model takes its `forDtype('float64')` (the TypeScript kernels). */
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
   * Run the first Dense layer as a SparseInputDense, which skips the zeros of its input when a batch
   * is mostly zeros and folds a Standardize before it into its products (default true; same results
   * within float32 rounding — see src/nn/sparse-input.ts). false: the declared layers as they are.
   */
  sparse?: boolean;
}

interface PendingParam {
  param: Param;
  rows: number;
  cols: number;
  init: (value: Matrix) => void;
}

/**
 * A stack of layers over one block of memory: `build` plans every parameter into one flat parameter
 * arena and one gradient arena of the same layout, and every activation buffer for the batch size,
 * once. Training steps then allocate nothing.
 *
 * `layers` are the layers as declared (and saved); the build plan may run some of them as a faster
 * equivalent over the same parameters ({@link execution}, src/nn/sparse-input.ts; fused ReLUs,
 * src/nn/fusion.ts) — `summary()` says what it chose.
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
  private streams = new Map<string, Rng>(); // every random stream the layers drew, newest per name
  private built = false;
  private planned = { inputGrad: false, fuse: true, sparse: true }; // build options setBatchSize repeats
  private sizes!: ModelPlan; // the plan of the build, for the current batch size
  private steps: Layer[] = []; // the layers as forward and backward run them

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

  /** The layers as forward and backward run them: {@link layers}, or a faster equivalent the build plan substituted for some. */
  get execution(): readonly Layer[] {
    return this.steps;
  }

  /**
   * Runs every layer's `build` against a context that records instead of allocating: the widths,
   * parameter and buffer shapes and the bytes a {@link build} would take. Sizes are checked layer by
   * layer (each width ≤ `maxWidth`) before a layer sees them. Only on a model that is not built.
   * @throws ConfigError on a bad or too wide width, a bad batch size, or a built model
   */
  plan(opts: PlanOptions): ModelPlan {
    if (this.built) throw new ConfigError('Sequential.plan: the model is built already (plan before build)');
    return planLayers(this.layers, opts);
  }

  /**
   * Plans and allocates parameters (initialised from the seed) and buffers; the plan's size is
   * checked against {@link MAX_MODEL_BYTES} first.
   * @throws ConfigError on a bad width or batch size, or a model too large to allocate
   */
  build({ inputWidth, batchSize = 128, seed = 0, kernels: backend = currentKernels(), dtype = 'float32', inputGrad = false, fuse = true, sparse = true }: BuildOptions): this {
    if (this.built) this.release();
    const kernels = backend.forDtype(dtype); // float64 models (gradient checks) run on the TypeScript kernels
    const plan = this.plan({ inputWidth, batchSize, dtype, inputGrad, kernels, sparse });
    const tooLarge = planSizeProblem(plan, MAX_MODEL_BYTES, 'a WebAssembly memory holds');
    if (tooLarge) throw new ConfigError(`Sequential.build: ${tooLarge}: use fewer or narrower layers or a smaller batch size`);
    Object.assign(this, { inputWidth, batchSize, seed, kernels, dtype });
    this.planned = { inputGrad, fuse, sparse };
    this.sizes = plan;
    const root = new Rng(seed);
    this.streams = new Map();
    const pending: PendingParam[] = [];
    const stateInits: (() => void)[] = [];
    this.steps = planSparseInput(this.layers, sparse);
    const context = (layer: Layer, needsInputGrad: boolean): BuildContext => ({
      kernels,
      dtype,
      batchSize,
      needsInputGrad,
      rng: (purpose) => {
        const name = `${layer.name}/${purpose}`;
        const rng = root.stream(name);
        this.streams.set(name, rng);
        return rng;
      },
      param: (name, rows, cols, decay, init) => {
        const placeholder = Matrix.zeros(0, cols, dtype);
        const param = { name, value: placeholder, grad: placeholder, decay, version: 0 };
        pending.push({ param, rows, cols, init });
        return param;
      },
      state: (name, rows, cols, init) => {
        const value = Matrix.zeros(rows, cols, dtype);
        stateInits.push(() => init(value));
        return { name, value, version: 0 };
      },
      buffer: (cols, rows = batchSize) => {
        const buf = kernels.alloc(rows * cols, dtype);
        this.owned.push(buf);
        return new Matrix(rows, cols, buf);
      },
    });
    this.outputWidth = buildLayers(this.layers, this.steps, inputWidth, inputGrad, context);
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
    for (const init of stateInits) init();
    this.built = true;
    return this;
  }

  /**
   * Plans the activation buffers for a new largest batch (Keras's `batch_size` at `fit` / `evaluate`
   * time). Parameters — the same Param objects, so an optimizer's state stays valid —, gradients,
   * non-trainable state and random streams are kept as they are.
   */
  setBatchSize(batchSize: number): this {
    this.assertBuilt('setBatchSize');
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new ConfigError(`Sequential.setBatchSize: batch size must be a positive integer, found ${batchSize}`);
    if (batchSize === this.batchSize) return this;
    const sizes = replan(this.sizes, batchSize);
    const tooLarge = planSizeProblem(sizes, MAX_MODEL_BYTES, 'a WebAssembly memory holds');
    if (tooLarge) throw new ConfigError(`Sequential.setBatchSize: ${tooLarge}: use a smaller batch size`);
    this.sizes = sizes;
    const { kernels, dtype } = this;
    const saved = this.getWeights(); // a layer's build may reset what it derives from its parameters and state
    for (const buf of this.owned) kernels.release(buf);
    this.owned = [];
    this.batchSize = batchSize;
    const byName = new Map(this.parameters.map((p) => [p.name, p]));
    const stateByName = new Map(this.layerBuffers().map((b) => [b.name, b]));
    const root = new Rng(this.seed);
    const reused = new Set<string>();
    const context = (layer: Layer, needsInputGrad: boolean): BuildContext => ({
      kernels,
      dtype,
      batchSize,
      needsInputGrad,
      rng: (purpose) => {
        // the stream as it stands, once; a later call (resetRandom) restarts it as build() would
        const name = `${layer.name}/${purpose}`;
        const existing = reused.has(name) ? undefined : this.streams.get(name);
        reused.add(name);
        const rng = existing ?? root.stream(name);
        this.streams.set(name, rng);
        return rng;
      },
      param: (name) => {
        const p = byName.get(name);
        if (!p) throw new ConfigError(`Sequential.setBatchSize: ${layer.name} asked for an unknown parameter '${name}'`);
        return p;
      },
      state: (name) => {
        const b = stateByName.get(name);
        if (!b) throw new ConfigError(`Sequential.setBatchSize: ${layer.name} asked for an unknown state tensor '${name}'`);
        return b;
      },
      buffer: (cols, rows = batchSize) => {
        const buf = kernels.alloc(rows * cols, dtype);
        this.owned.push(buf);
        return new Matrix(rows, cols, buf);
      },
    });
    buildLayers(this.layers, this.steps, this.inputWidth, this.planned.inputGrad, context);
    fuseRelu(this.layers, this.planned.fuse);
    this.setWeights(saved);
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
    for (const layer of this.steps) h = layer.forward(h, mode);
    return h;
  }

  /**
   * dy: dL/doutput [batch, outputWidth]; adds every parameter's gradient (call {@link zeroGrad}
   * first). Returns dL/dx [batch, in] when built with `inputGrad`, otherwise whatever the first
   * layer returns (not the input gradient).
   */
  backward(dy: Matrix): Matrix {
    let d = dy;
    for (let i = this.steps.length - 1; i >= 0; i--) d = this.steps[i].backward(d);
    return d;
  }

  /**
   * The random streams the layers use, by `layer/purpose` (`dropout_1/dropout`, `dense_1/init`):
   * their states are what a checkpoint saves so that a resumed run draws the same numbers.
   */
  randomStreams(): ReadonlyMap<string, Rng> {
    return this.streams;
  }

  /** Restarts every layer's random streams (gradient checks: each forward then draws the same masks). */
  resetRandom(): void {
    for (const layer of this.layers) layer.resetRandom?.();
  }

  /** Sets every gradient to 0 (gradients add up during backward). */
  zeroGrad(): void {
    zeroGrads(this.parameters, this.kernels);
  }

  params(): Param[] {
    return this.parameters;
  }

  /**
   * Every parameter by name (`dense_1.weight` `[in, out]`, `dense_1.bias` `[1, out]`, ...), as views
   * into the arena: the model's `state_dict`, in scratchnet's layout (see src/nn/torch.ts for torch's).
   * Handing them out counts as a write ({@link Param.version}): what evaluation caches is recomputed
   * at the next forward. A view kept and written again after that: call this again (or bump the
   * Param's version).
   */
  namedParameters(): Map<string, Matrix> {
    this.assertBuilt('namedParameters');
    for (const p of this.parameters) p.version++;
    return new Map(this.parameters.map((p) => [p.name, p.value]));
  }

  /** Copies values into parameters by name ({@link namedParameters}' names and shapes; src/nn/weights.ts); `strict` (default true): all of them, no other. */
  loadStateDict(values: Map<string, Matrix | ArrayLike<number>> | Record<string, Matrix | ArrayLike<number>>, opts: { strict?: boolean } = {}): void {
    this.assertBuilt('loadStateDict');
    loadStateDict(this.parameters, values, opts);
  }


  /**
   * Sets each parameter's weight-decay multiplier (the optimizer's `weightDecay` and fit's `l2` are
   * scaled by it): `'weights'` — 1 for weights, 0 for biases and normalisation (the default);
   * `'all'` — 1 for every parameter, as `torch.optim.SGD(model.parameters(), weight_decay=λ)`;
   * or a function of the parameter.
   */
  setDecay(rule: 'weights' | 'all' | ((p: Param) => number)): void {
    this.assertBuilt('setDecay');
    const f = rule === 'all' ? () => 1 : rule === 'weights' ? (p: Param) => (p.name.endsWith('.weight') ? 1 : 0) : rule;
    for (const p of this.parameters) {
      const d = f(p);
      if (!(d >= 0 && Number.isFinite(d))) throw new ConfigError(`Sequential.setDecay: decay of ${p.name} must be ≥ 0, found ${d}`);
      (p as { decay: number }).decay = d;
    }
  }

  get parameterCount(): number {
    return this.built ? this.paramArena.length : 0;
  }

  /** Non-trainable state (batch norm's running statistics), in layer order. */
  stateBuffers(): Float[] {
    return this.layerBuffers().map((b) => b.value.data);
  }

  private layerBuffers(): LayerBuffer[] {
    return this.layers.flatMap((l) => l.buffers?.() ?? []);
  }

  /** Length of {@link getWeights}: every parameter plus every non-trainable state value. */
  get weightCount(): number {
    return this.paramArena.length + this.stateBuffers().reduce((s, b) => s + b.length, 0);
  }

  /** A copy of every parameter value (arena layout) followed by the non-trainable state. */
  getWeights(out: Float32Array = new Float32Array(this.weightCount)): Float32Array {
    return copyWeights(this.paramArena, this.stateBuffers(), out, 'get');
  }

  /** Puts back values from {@link getWeights}. */
  setWeights(w: Float32Array): void {
    const buffers = this.layerBuffers();
    copyWeights(this.paramArena, buffers.map((b) => b.value.data), w, 'set');
    for (const t of [...this.parameters, ...buffers]) t.version++;
  }


  /** A table of layers with output shapes and parameter counts, then what the build plan chose. */
  summary(): string {
    this.assertBuilt('summary');
    const plan = [...this.steps.filter((l) => l instanceof SparseInputDense).map((l) => l.describe()), ...fusionNotes(this.layers)];
    return summaryTable(this.layers, this.inputWidth, this.parameterCount, plan);
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

/**
 * Friendly factory: `sequential([dense({ units: 128, activation: 'relu' }), dense({ units: 10 })])`;
 * groups of layers (a `dense` with its activation) are flattened in order.
 */
export const sequential = (layers: (Layer | readonly Layer[])[]): Sequential => new Sequential(layers.flat());
