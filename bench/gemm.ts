// GEMM micro-benchmark: median GFLOPS of the js reference, wasm on one thread and wasm on all threads,
// and numpy's sgemm (float32 matmul, bench/numpy_gemm.py) on one and on all threads when python3 has numpy.
//   npx tsx bench/gemm.ts [--json] [--time SECONDS_PER_CASE] [--relaxed] [--python CMD]
// --relaxed measures the opt-in relaxed-SIMD build (fused multiply-add) instead of the default plain SIMD.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kernels } from '../src/core/kernels.js';
import { JsKernels } from '../src/core/kernels-js.js';
import type { WasmKernels } from '../src/core/wasm/index.js';
import { createWasmKernels } from '../src/node/wasm.js';
import { SQUARE_512, timeGemm, type GemmShape } from './lib/gemm-timing.js';

const SHAPES: GemmShape[] = [
  { label: 'dense fwd 128·784·256', m: 128, k: 784, n: 256 },
  { label: 'dense fwd 128·256·128', m: 128, k: 256, n: 128 },
  { label: 'weight grad xᵀ·dy 784·128·256', m: 784, k: 128, n: 256, transA: true },
  { label: 'input grad dy·Wᵀ 128·256·784', m: 128, k: 256, n: 784, transB: true },
  SQUARE_512,
  { label: 'square 1024³', m: 1024, k: 1024, n: 1024 },
];

interface Row {
  shape: string;
  backend: string;
  threads: number;
  gflops: number;
  medianMs: number;
  runs: number;
}

function bench(k: Kernels, label: string, threads: number, s: GemmShape, budget: number): Row {
  return { shape: s.label, backend: label, threads, ...timeGemm(k, s, budget) };
}

/**
 * numpy's sgemm at every shape with `threads` BLAS threads (set in the environment before numpy
 * loads), or the reason it cannot run.
 */
function numpyRows(python: string, threads: number, budget: number): Row[] | string {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'numpy_gemm.py');
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE; // as bench/epoch.ts: let OpenBLAS pick the machine's kernels
  const r = spawnSync(python, [script, JSON.stringify(SHAPES), '--time', String(budget)], { encoding: 'utf8', env });
  if (r.error) return `${python} not found (${r.error.message})`;
  if (r.status !== 0) return `${python} ${script} failed: ${r.stderr.trim().split('\n').at(-1)}`;
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { rows: Omit<Row, 'backend' | 'threads'>[] };
  return out.rows.map((row) => ({ ...row, backend: 'numpy', threads }));
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const ti = process.argv.indexOf('--time');
  const budget = ti > 0 ? Number(process.argv[ti + 1]) : 1;
  const pi = process.argv.indexOf('--python');
  const python = pi > 0 ? process.argv[pi + 1] : 'python3';
  const wasm: WasmKernels | null = await createWasmKernels({ relaxed: process.argv.includes('--relaxed') });
  const rows: Row[] = [];
  const js = new JsKernels();
  for (const s of SHAPES) {
    // the naive reference needs seconds per call at 1024³
    if (s.m * s.k * s.n <= 512 ** 3) rows.push(bench(js, 'js', 1, s, budget));
    if (wasm) {
      const all = wasm.threads;
      wasm.setThreads(1);
      rows.push(bench(wasm, 'wasm', 1, s, budget));
      if (all > 1) {
        wasm.setThreads(all);
        rows.push(bench(wasm, 'wasm', all, s, budget));
      }
    }
    if (!json) for (const r of rows.filter((r) => r.shape === s.label)) printRow(r);
  }
  // numpy after scratchnet, one process per thread count
  let numpySkipped: string | null = null;
  for (const threads of [...new Set([1, availableParallelism()])]) {
    const got = numpyRows(python, threads, budget);
    if (typeof got === 'string') {
      numpySkipped = got;
      break;
    }
    rows.push(...got);
    if (!json) for (const r of got) printRow(r);
  }
  if (numpySkipped && !json) console.log(`numpy: skipped, ${numpySkipped}`);
  const env = { node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg()[0] };
  if (json) {
    console.log(JSON.stringify({ relaxedSimd: wasm?.relaxed ?? null, ...env, numpySkipped, rows }, null, 2));
  } else {
    console.log(wasm ? `wasm: ${wasm.relaxed ? 'relaxed SIMD (fused multiply-add)' : 'plain SIMD'}` : 'wasm: unavailable');
    console.log(`node ${env.node}, ${env.cores} × ${env.cpu}, load average ${env.loadavg.toFixed(2)}`);
  }
  await wasm?.dispose();
}

function printRow(r: Row): void {
  const name = `${r.backend}${r.backend === 'js' ? '' : ` ×${r.threads}`}`.padEnd(8);
  console.log(`${r.shape.padEnd(32)} ${name} ${r.gflops.toFixed(1).padStart(7)} GFLOPS  ${r.medianMs.toFixed(3).padStart(9)} ms  (${r.runs} runs)`);
}

await main();
