// A pool worker in Node: receives the compiled kernels, the memory and the shared blocks as workerData.
import { parentPort, workerData } from 'node:worker_threads';
import { runPoolWorker, type WorkerInit } from '../core/threads.js';

runPoolWorker(workerData as WorkerInit, () => parentPort?.postMessage('ready'));
