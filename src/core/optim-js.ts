// The reference optimizer updates (torch.optim's rules, one element at a time, in float64
// arithmetic): what JsKernels' sgdStep, adagradStep, rmspropStep and adamStep run, and what the
// fused WebAssembly updates (assembly/optim.ts) are tested against.
import type { AdagradArgs, AdamArgs, RmspropArgs, SgdArgs } from './kernels.js';
import type { Float } from './matrix.js';

export function sgdStep(p: Float, g: Float, buf: Float, a: SgdArgs): void {
  const { lr, momentum, dampening, nesterov, weightDecay, firstStep } = a;
  for (let i = 0; i < p.length; i++) {
    let d = g[i] + weightDecay * p[i];
    if (momentum !== 0) {
      buf[i] = firstStep ? d : momentum * buf[i] + (1 - dampening) * d;
      d = nesterov ? d + momentum * buf[i] : buf[i];
    }
    p[i] -= lr * d;
  }
}

export function adagradStep(p: Float, g: Float, sum: Float, a: AdagradArgs): void {
  const { clr, eps, weightDecay } = a;
  for (let i = 0; i < p.length; i++) {
    const d = g[i] + weightDecay * p[i];
    sum[i] += d * d;
    p[i] -= (clr * d) / (Math.sqrt(sum[i]) + eps);
  }
}

export function rmspropStep(p: Float, g: Float, sq: Float, buf: Float, gAvg: Float, a: RmspropArgs): void {
  const { lr, alpha, eps, weightDecay, momentum, centered } = a;
  for (let i = 0; i < p.length; i++) {
    const d = g[i] + weightDecay * p[i];
    sq[i] = alpha * sq[i] + (1 - alpha) * d * d;
    let avg: number;
    if (centered) {
      gAvg[i] = alpha * gAvg[i] + (1 - alpha) * d;
      avg = Math.sqrt(sq[i] - gAvg[i] * gAvg[i]) + eps;
    } else {
      avg = Math.sqrt(sq[i]) + eps;
    }
    if (momentum > 0) {
      buf[i] = momentum * buf[i] + d / avg;
      p[i] -= lr * buf[i];
    } else {
      p[i] -= (lr * d) / avg;
    }
  }
}

export function adamStep(p: Float, g: Float, m: Float, v: Float, a: AdamArgs): void {
  const { lr, beta1, beta2, eps, weightDecay, decoupled, step } = a;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  const stepSize = lr / bc1;
  for (let i = 0; i < p.length; i++) {
    let d = g[i];
    if (decoupled) p[i] *= 1 - lr * weightDecay;
    else d += weightDecay * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * d;
    v[i] = beta2 * v[i] + (1 - beta2) * d * d;
    p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
  }
}
