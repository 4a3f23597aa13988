import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

/** The build writes both variants here (see `build:wasm` in package.json). */
const FILES = { relaxed: 'build/scratchnet-relaxed.wasm', simd: 'build/scratchnet-simd.wasm' } as const;
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

export interface CompiledKernels {
  module: WebAssembly.Module;
  /** True if the micro-kernel uses `f32x4.relaxed_madd` (fused multiply-add where the CPU has it). */
  relaxed: boolean;
  /** The .wasm file compiled. */
  path: string;
}

/**
 * Walks up from this file to the package root, the first folder holding the build output; works
 * from `src/core/wasm` (tsx) and `dist/core/wasm` (compiled) alike.
 */
export function findBuildRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start, i = 0; i < 8; i++) {
    if (existsSync(join(dir, FILES.simd))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/**
 * Compiles the kernels: the relaxed-SIMD variant when the runtime accepts it (Node 20 needs V8's
 * `--experimental-wasm-relaxed-simd`, set here at run time before compiling; the flag is
 * process-wide, so worker threads inherit it), else plain SIMD. Returns null when the build output
 * is missing or the runtime lacks WebAssembly SIMD or shared memory.
 */
export async function compileKernels(preferRelaxed = true): Promise<CompiledKernels | null> {
  if (typeof WebAssembly !== 'object' || typeof SharedArrayBuffer !== 'function') return null;
  const root = findBuildRoot();
  if (!root) return null;
  const variants: Array<keyof typeof FILES> = preferRelaxed ? ['relaxed', 'simd'] : ['simd'];
  for (const v of variants) {
    const path = join(root, FILES[v]);
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    if (v === 'relaxed' && !WebAssembly.validate(bytes)) {
      try {
        setFlagsFromString(RELAXED_FLAG);
      } catch {
        continue;
      }
    }
    if (!WebAssembly.validate(bytes)) continue;
    return { module: await WebAssembly.compile(bytes), relaxed: v === 'relaxed', path };
  }
  return null;
}
