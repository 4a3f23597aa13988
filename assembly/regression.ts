// The regression losses beside squaredError (rows.ts): absolute error and Huber, summed in f64.
// Differences and gradients in f64, rounded once: the same bits as the loops of src/nn/losses/mae.ts and huber.ts.

/** Σ |p − t|; dp = scale·sign(p − t) (0 where p = t) if dp ≠ 0. Over n elements. */
export function absoluteError(pr: usize, t: usize, dp: usize, n: i32, scale: f64): f64 {
  let loss: f64 = 0;
  const g = <f32>scale;
  for (let i = 0; i < n; i++) {
    const p = <usize>i * 4;
    const d = <f64>load<f32>(pr + p) - <f64>load<f32>(t + p);
    loss += Math.abs(d);
    if (dp) store<f32>(dp + p, d > 0 ? g : d < 0 ? -g : 0);
  }
  return loss;
}

/** Σ ℓ, ℓ = ½d² if |d| < δ else δ(|d| − ½δ), d = p − t; dp = scale·(d or δ·sign(d)) if dp ≠ 0. */
export function huberError(pr: usize, t: usize, dp: usize, n: i32, scale: f64, delta: f64): f64 {
  let loss: f64 = 0;
  for (let i = 0; i < n; i++) {
    const p = <usize>i * 4;
    const d = <f64>load<f32>(pr + p) - <f64>load<f32>(t + p);
    const a = Math.abs(d);
    let g: f64;
    if (a < delta) {
      loss += 0.5 * d * d;
      g = d * scale;
    } else {
      loss += delta * (a - 0.5 * delta);
      g = (d > 0 ? delta : -delta) * scale;
    }
    if (dp) store<f32>(dp + p, <f32>g);
  }
  return loss;
}
