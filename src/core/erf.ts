// The error function in float64, for the exact GELU: W. J. Cody's rational Chebyshev approximations,
// "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631–638
// (coefficients of his public-domain SPECFUN routine CALERF, good to ~18 significant digits in
// exact arithmetic; about 1 ulp in float64). assembly/erf.ts is the same algorithm for the WASM kernels.

// erf(x) = x·A(x²)/B(x²) for |x| ≤ 0.46875
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
// erfc(y) = e^{-y²}·C(y)/D(y) for 0.46875 < y ≤ 4
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
// erfc(y) = e^{-y²}/y·(1/√π − z·P(z)/Q(z)), z = 1/y², for y > 4
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];

const INV_SQRT_PI = 0.56418958354775628695;
const SMALL = 0.46875;
/** erfc(y) underflows to 0 beyond this. */
const BIG = 26.543;

/** x·A(x²)/B(x²), |x| ≤ 0.46875. */
function erfSmall(x: number): number {
  const z = x * x;
  const num = (((A[4] * z + A[0]) * z + A[1]) * z + A[2]) * z + A[3];
  const den = (((z + B[0]) * z + B[1]) * z + B[2]) * z + B[3];
  return (x * num) / den;
}

/** erfc(y) for y > 0.46875. */
function erfcLarge(y: number): number {
  if (y >= BIG) return 0;
  let r: number;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    r = (num + C[7]) / (den + D[7]);
  } else {
    const z = 1 / (y * y);
    let num = P[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * z;
      den = (den + Q[i]) * z;
    }
    r = (INV_SQRT_PI - (z * (num + P[4])) / (den + Q[4])) / y;
  }
  // e^{-y²} as e^{-s²}·e^{-(y−s)(y+s)}, s = y rounded down to 1/16: y² itself would lose low bits
  const s = Math.trunc(y * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s)) * r;
}

/** erf(x) = 2/√π ∫₀ˣ e^{-t²} dt. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return erfSmall(x);
  const c = erfcLarge(y);
  return x < 0 ? c - 1 : 1 - c;
}

/** erfc(x) = 1 − erf(x), accurate relative to itself for large x (no cancellation). */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= SMALL) return 1 - erfSmall(x);
  const c = erfcLarge(y);
  return x < 0 ? 2 - c : c;
}
