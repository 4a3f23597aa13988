/**
 * Whether this engine fuses `f32x4.relaxed_madd` into one rounding (an FMA) — the one instruction of
 * the relaxed-SIMD build whose result the WebAssembly spec leaves to the engine. V8 fuses it on a CPU
 * with FMA; JavaScriptCore (Bun, Safari) computes a multiply and then an add, as the plain-SIMD build
 * does.
 *
 * The probe is a module of one function: relaxed_madd(a, a, c) with a = 1 + 2⁻¹², c = −(1 + 2⁻¹¹).
 * The exact a·a + c is 2⁻²⁴; rounding a·a to float32 first loses that half-ulp (ties to even), so the
 * unfused result is 0.
 */

const A = 0x3f800800; // 1 + 2⁻¹²
const C = 0xbf801000; // −(1 + 2⁻¹¹)

/** `v128.const` of one float32 bit pattern in all four lanes. */
function v128Splat(bits: number): number[] {
  const lane = [bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, bits >>> 24];
  return [0xfd, 0x0c, ...lane, ...lane, ...lane, ...lane];
}

const body = [
  0x00, // no locals
  ...v128Splat(A),
  ...v128Splat(A),
  ...v128Splat(C),
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0x105)
  0xfd, 0x1f, 0x00, // f32x4.extract_lane 0
  0x0b, // end
];

/** The module: type () → f32, one function exported as `probe`. */
const PROBE_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7d, // type section: () → f32
  0x03, 0x02, 0x01, 0x00, // function section
  0x07, 0x09, 0x01, 0x05, 0x70, 0x72, 0x6f, 0x62, 0x65, 0x00, 0x00, // export "probe"
  0x0a, body.length + 2, 0x01, body.length, ...body, // code section
]);

/**
 * True where relaxed_madd is fused here, false where it is a multiply then an add; null where the
 * engine does not take relaxed SIMD at all (in Node 20 only after the loader set V8's flag).
 */
export function relaxedMaddFuses(): boolean | null {
  if (!WebAssembly.validate(PROBE_MODULE)) return null;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(PROBE_MODULE));
  return (instance.exports as { probe: () => number }).probe() !== 0;
}
