#!/usr/bin/env python3
"""numpy's sgemm peer of bench/gemm.ts: float32 matmul at the shapes it is given, median GFLOPS.

    python3 bench/numpy_gemm.py SHAPES_JSON --time SECONDS_PER_CASE

SHAPES_JSON is a list of {"label", "m", "k", "n", "transA", "transB"} (op(A): [m, k], op(B): [k, n],
C: [m, n], written into a preallocated C with `out=`). The BLAS thread count is whatever the
environment says (OPENBLAS_NUM_THREADS is read when numpy loads). Prints one JSON object:
{"numpy": version, "rows": [{"shape", "gflops", "medianMs", "runs"}]}.
"""
import argparse
import json
import time

import numpy as np


def median_time(f, budget):
    """Median seconds per call of f, timing single calls for about `budget` seconds after a warm-up (as gemm.ts)."""
    warm = time.perf_counter()
    f()
    while time.perf_counter() - warm < budget * 0.2:
        f()
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < budget and len(times) < 500):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2], len(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('shapes')
    ap.add_argument('--time', type=float, default=1.0)
    args = ap.parse_args()
    rng = np.random.default_rng(1)
    rows = []
    for s in json.loads(args.shapes):
        m, k, n = s['m'], s['k'], s['n']
        a = rng.uniform(-1, 1, (k, m) if s.get('transA') else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if s.get('transB') else (k, n)).astype(np.float32)
        opa = a.T if s.get('transA') else a
        opb = b.T if s.get('transB') else b
        c = np.empty((m, n), np.float32)
        median, runs = median_time(lambda: np.matmul(opa, opb, out=c), args.time)
        rows.append({'shape': s['label'], 'gflops': 2 * m * k * n / median / 1e9, 'medianMs': median * 1e3, 'runs': runs})
    print(json.dumps({'numpy': np.__version__, 'rows': rows}))


if __name__ == '__main__':
    main()
