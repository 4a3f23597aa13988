import { Matrix } from '../core/matrix.js';
import { Rng } from '../core/random.js';
import type { Loss } from './losses/index.js';
import type { Sequential } from './model.js';

export interface GradcheckOptions {
  /** Central-difference step (default 1e-6). */
  h?: number;
  /** Check at most this many entries per tensor, chosen at random (default: all). */
  maxChecks?: number;
  /** Seed for the entries chosen and for the random output weights (default 0). */
  seed?: number;
  /** Also check dL/dx; the model must be built with `inputGrad: true` (default false). */
  checkInput?: boolean;
}

export interface GradcheckResult {
  /** Parameter name, or `input`. */
  name: string;
  /** Largest |analytic − numeric| / max(|analytic| + |numeric|, 1e-8) over the checked entries. */
  maxRelError: number;
  maxAbsError: number;
  /** The entry with the largest relative error. */
  worst: { index: number; analytic: number; numeric: number };
  checked: number;
}

/**
 * Compares analytic gradients with central differences, (f(θ+h) − f(θ−h)) / 2h, for every parameter
 * (and optionally the input) of a model built in float64. The scalar checked is `loss(model(x), target)`,
 * or Σ r ⊙ model(x) with fixed random weights r when `loss` is null. Random layers (dropout) are
 * restarted before each evaluation, so every evaluation sees the same masks.
 */
export function gradcheck(
  model: Sequential,
  loss: Loss | null,
  x: Matrix,
  target: Matrix | null,
  { h = 1e-6, maxChecks = Infinity, seed = 0, checkInput = false }: GradcheckOptions = {},
): GradcheckResult[] {
  // plain loops here: a check runs off the training path, on float64 matrices
  const rng = new Rng(seed, 'gradcheck');
  const outWeights = Matrix.zeros(x.rows, model.outputWidth, 'float64');
  for (let i = 0; i < outWeights.size; i++) outWeights.data[i] = rng.range(-1, 1);
  if (loss) loss.build(model.outputWidth, x.rows, model.kernels);

  const f = (): number => {
    model.resetRandom();
    const out = model.forward(x, 'train');
    if (loss && target) return loss.forward(out, target, false);
    let s = 0;
    for (let i = 0; i < out.size; i++) s += out.data[i] * outWeights.data[i];
    return s;
  };

  // analytic
  model.zeroGrad();
  model.resetRandom();
  const out = model.forward(x, 'train');
  let dy: Matrix;
  if (loss && target) {
    loss.forward(out, target, true);
    dy = loss.backward();
  } else {
    dy = outWeights;
  }
  const dxRef = model.backward(dy);
  const dx = checkInput ? dxRef.clone('float64') : null;

  const tensors: { name: string; value: Float64Array | Float32Array; grad: Float64Array | Float32Array }[] = model
    .params()
    .map((p) => ({ name: p.name, value: p.value.data, grad: Float64Array.from(p.grad.data) }));
  if (dx) tensors.push({ name: 'input', value: x.data.subarray(0, x.size), grad: dx.data });

  return tensors.map(({ name, value, grad }) => {
    const n = value.length;
    const indices = n <= maxChecks ? [...Array(n).keys()] : Array.from({ length: maxChecks }, () => rng.int(n));
    const result: GradcheckResult = { name, maxRelError: 0, maxAbsError: 0, worst: { index: -1, analytic: 0, numeric: 0 }, checked: 0 };
    for (const i of indices) {
      const orig = value[i];
      value[i] = orig + h;
      const fPlus = f();
      value[i] = orig - h;
      const fMinus = f();
      value[i] = orig;
      const numeric = (fPlus - fMinus) / (2 * h);
      const analytic = grad[i];
      const abs = Math.abs(analytic - numeric);
      const rel = abs / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-8);
      result.checked++;
      result.maxAbsError = Math.max(result.maxAbsError, abs);
      if (rel >= result.maxRelError) {
        result.maxRelError = rel;
        result.worst = { index: i, analytic, numeric };
      }
    }
    return result;
  });
}
