// erfc in f64 for the exact GELU: the algorithm and coefficients of src/core/erf.ts (W. J. Cody,
// Math. Comp. 23 (1969) 631–638). Evaluated in f64 and rounded once, so the f32 GELU is within an
// ulp or so of the correctly rounded value; scalar, like the other transcendental activations.

// @ts-ignore: decorator
@inline function erfSmall(x: f64): f64 {
  // x·A(x²)/B(x²), |x| ≤ 0.46875
  const z = x * x;
  const num = (((0.185777706184603153 * z + 3.1611237438705656) * z + 113.864154151050156) * z + 377.485237685302021) * z + 3209.37758913846947;
  const den = (((z + 23.6012909523441209) * z + 244.024637934444173) * z + 1282.61652607737228) * z + 2844.23683343917062;
  return (x * num) / den;
}

/** erfc(y) for y > 0.46875. */
function erfcLarge(y: f64): f64 {
  if (y >= 26.543) return 0;
  let r: f64;
  if (y <= 4) {
    let num = 2.15311535474403846e-8 * y;
    let den = y;
    num = (num + 0.564188496988670089) * y; den = (den + 15.7449261107098347) * y;
    num = (num + 8.88314979438837594) * y; den = (den + 117.693950891312499) * y;
    num = (num + 66.1191906371416295) * y; den = (den + 537.181101862009858) * y;
    num = (num + 298.635138197400131) * y; den = (den + 1621.38957456669019) * y;
    num = (num + 881.95222124176909) * y; den = (den + 3290.79923573345963) * y;
    num = (num + 1712.04761263407058) * y; den = (den + 4362.61909014324716) * y;
    num = (num + 2051.07837782607147) * y; den = (den + 3439.36767414372164) * y;
    r = (num + 1230.33935479799725) / (den + 1230.33935480374942);
  } else {
    const z = 1 / (y * y);
    let num = 0.0163153871373020978 * z;
    let den = z;
    num = (num + 0.305326634961232344) * z; den = (den + 2.56852019228982242) * z;
    num = (num + 0.360344899949804439) * z; den = (den + 1.87295284992346047) * z;
    num = (num + 0.125781726111229246) * z; den = (den + 0.527905102951428412) * z;
    num = (num + 0.0160837851487422766) * z; den = (den + 0.0605183413124413191) * z;
    r = (0.56418958354775628695 - (z * (num + 6.58749161529837803e-4)) / (den + 0.00233520497626869185)) / y;
  }
  // e^{-y²} as e^{-s²}·e^{-(y−s)(y+s)}, s = y rounded down to 1/16
  const s = trunc<f64>(y * 16) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s)) * r;
}

/** erfc(x) = 1 − erf(x). */
export function erfc64(x: f64): f64 {
  const y = abs<f64>(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  const c = erfcLarge(y);
  return x < 0 ? 2 - c : c;
}
