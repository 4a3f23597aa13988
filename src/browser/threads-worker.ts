// A pool worker in a browser (a module Web Worker): the first message carries the compiled kernels,
// the shared memory and the shared blocks; it answers 'ready' and then blocks in its job loop.
import { runPoolWorker, type WorkerInit } from '../core/threads.js';

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<WorkerInit>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  scope.onmessage = null;
  runPoolWorker(e.data, () => scope.postMessage('ready'));
};
