// One small training run, the same in Node and in Chromium: the e2e test runs it on both platforms
// (1 and 2 threads) and compares the weights bit for bit, test/runtimes.test.ts in Node, Deno and
// Bun. `sn` is the scratchnet module of the platform (`scratchnet` in Node, its browser entry in a page).

/** FNV-1a over the bytes of every parameter: equal hashes ⇔ (practically) equal bits. */
export function weightsHash(model) {
  let h = 0x811c9dc5;
  for (const p of model.params()) {
    const v = p.value.view();
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * Moons (2-D, 2 classes), a 2-256-256-1 ReLU MLP with dropout, Adam, 4 epochs of batch 128 —
 * GEMMs large enough to be split over two threads. `relaxed`: the kernels' opt-in fused multiply-add.
 */
export async function trainWorkload(sn, { threads, relaxed = false }) {
  const kernels = await sn.createWasmKernels({ threads, relaxed });
  const { train, test } = await sn.loadMoons({ seed: 7, samples: 2000, noise: 0.2 });
  const model = sn
    .sequential([sn.dense({ units: 256 }), sn.activation('relu'), sn.dropout(0.1), sn.dense({ units: 256 }), sn.activation('relu'), sn.dense({ units: 1 })])
    .build({ inputWidth: 2, batchSize: 128, seed: 1, kernels });
  const optimizer = sn.createOptimizer('adam', model.params(), { lr: 0.003 }, kernels);
  // fixed: the thread plan would otherwise time both counts and keep one
  const history = await sn.fit(model, train, { optimizer, epochs: 4, loss: 'sigmoid_cross_entropy', seed: 1, threads });
  const result = sn.evaluate(model, test, { loss: 'sigmoid_cross_entropy' });
  const out = {
    threads: kernels.threads,
    relaxed: kernels.relaxed,
    losses: history.map((e) => e.loss),
    accuracy: result.accuracy,
    hash: weightsHash(model),
  };
  await kernels.dispose();
  return out;
}
