// Worker entry of the thread pool: instantiates the already-compiled kernels over the shared memory
// and runs its parts of each job until the pool stops.
import { parentPort, workerData } from 'node:worker_threads';
import { workerLoop, type WorkerInit } from './threads.js';
import { runBackground, runPart, type WasmExports } from './wasm/ops.js';

const init = workerData as WorkerInit;
const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
const ex = instance.exports as unknown as WasmExports;
const args = new Float64Array(init.args);
const sync = new Int32Array(init.sync);
parentPort?.postMessage('ready');
workerLoop(
  new Int32Array(init.ctrl),
  init.index,
  () => runPart(ex, args, sync, init.index),
  () => runBackground(ex, args),
);
