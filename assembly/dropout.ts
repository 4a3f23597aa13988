// Dropout's mask from the generator of src/core/random.ts (xoshiro128**), the same draws as
// Rng.uniform and so the same mask bits as the reference (src/core/dropout-js.ts). One
// thread: the draws form one sequence.

/**
 * out[i] = u_i < keep ? scale : 0 for i < n, u_i the next xoshiro128** draw / 2³², from the state
 * s0..s3 (four u32) at `state`, written back advanced by n draws.
 */
export function dropoutMask(state: usize, keep: f64, scale: f32, out: usize, n: i32): void {
  let s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  // u/2³² < keep ⟺ u < keep·2³²: scaling by a power of two is exact in f64
  const threshold = keep * 4294967296.0;
  for (let i = 0; i < n; i++) {
    const u = rotl<u32>(s1 * 5, 7) * 9;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    store<f32>(out + (<usize>i << 2), select<f32>(scale, 0, <f64>u < threshold));
  }
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}
