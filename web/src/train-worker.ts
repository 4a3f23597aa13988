/**
 * A training run in a Web Worker (the kernels' thread pool blocks in Atomics.wait, which a page's
 * main thread may not). One `fit` over all epochs — the same bits as an uninterrupted run — whose
 * onEpochEnd posts the figures, yields to the message queue (pause, step, learning rate, export)
 * and waits while paused.
 */
import * as sn from 'scratchnet';
import { probe, structureOf, weightsOf } from './probe';
import type { DataArrays, EpochReport, FromWorker, ToWorker } from './protocol';

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

let paused = false;
let stepping = false;
let baseLr = 0;
let wake: (() => void) | null = null;
let model: sn.Sequential | null = null;
let lossName: sn.LossName = 'softmax_cross_entropy';
let started = false;

/** Yields to the worker's message queue without setTimeout's 4 ms clamp on nested timers. */
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();
const yieldToMessages = () =>
  new Promise<void>((r) => {
    yieldQueue.push(r);
    channel.port2.postMessage(null);
  });

/** The page draws at most once a frame: probe the grid at most every 30 ms (and on the last epoch / when pausing). */
const PROBE_MS = 30;

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'start') {
    if (started) return;
    started = true;
    run(m).catch((err) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  } else if (m.type === 'pause') paused = true;
  else if (m.type === 'resume' || m.type === 'step') {
    paused = false;
    stepping = m.type === 'step';
    wake?.();
  } else if (m.type === 'lr') baseLr = m.lr;
  else if (m.type === 'export' && model) {
    const bytes = sn.encodeModel(model, sn.architectureOf(model, lossName), { source: 'scratchnet playground' });
    post({ type: 'model', bytes }, [bytes.buffer]);
  }
};

function dataset(name: string, d: DataArrays): sn.Dataset {
  const n = d.y.length;
  const classNames = Array.from({ length: d.numClasses }, (_, c) => `class ${c}`);
  return { name, x: new sn.Matrix(n, d.width, d.x), y: d.y, numClasses: d.numClasses, classNames, ...(d.imageShape ? { imageShape: d.imageShape } : {}) };
}

let c: sn.TrainConfig;

async function run(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  c = m.config;
  paused = m.paused ?? false;
  const kernels = await sn.createWasmKernels(m.threads === undefined ? {} : { threads: m.threads });
  const train = dataset('train', m.train);
  const test = dataset('test', m.test);
  // the core's recipe, as the CLI's: the model of the config, its loss, optimizer and schedule
  const built = sn.buildModel(c, train, { kernels });
  const net = built.model;
  model = net;
  lossName = built.loss;
  // the schedule reads the base learning rate before each epoch: the page may change it meanwhile
  const recipe = sn.fitOptions(c, { model: net, train, loss: built.loss, validation: test, baseLr: () => baseLr });
  baseLr = recipe.optimizer.lr;
  post({ type: 'ready', threads: kernels.threads, isolated: self.crossOriginIsolated, relaxed: kernels.relaxed, parameters: net.parameterCount, structure: structureOf(net) });

  let lastProbe = -Infinity;
  const pending: EpochReport[] = [];
  let steps = 0;
  let stepSeconds = 0;
  let epochSteps = 0;
  const resident = sn.residentDataset(train, kernels);
  const callback: sn.Callback = {
    onBatchEnd: (log) => {
      epochSteps = log.step;
    },
    onEpochEnd: async (log) => {
      steps += epochSteps;
      stepSeconds += log.seconds;
      const report: EpochReport = {
        type: 'epoch',
        epoch: log.epoch,
        loss: log.loss,
        accuracy: log.accuracy,
        testLoss: log.valLoss ?? NaN,
        testAccuracy: log.valAccuracy ?? NaN,
        lr: log.lr,
        seconds: log.seconds,
        stepsPerSecond: steps / stepSeconds,
      };
      const transfer: Transferable[] = [];
      const now = performance.now();
      const probed = m.grid !== undefined && (now - lastProbe >= PROBE_MS || paused || stepping || log.epoch === c.epochs);
      if (probed) {
        lastProbe = now;
        const { probs, hidden } = probe(net, m.grid!);
        report.grid = probs;
        report.hidden = hidden;
        report.weights = weightsOf(net);
        transfer.push(probs.buffer, report.weights.buffer, ...hidden.map((h) => h.buffer));
      }
      if (m.images) {
        report.testPredictions = sn.evaluate(net, test, { loss: lossName }).predictions;
        const w = net.layers.find((l) => l instanceof sn.Dense)!.params()[0].value; // [in, units]
        const weights = Float32Array.from(w.view());
        report.firstWeights = weights;
        report.firstUnits = w.cols;
        transfer.push(report.testPredictions.buffer, weights.buffer);
      }
      // reports go out with the probe (≤ 1 per 30 ms): thousands of tiny epochs a second must not flood the page
      pending.push(report);
      if (probed || !m.grid) {
        post({ type: 'epochs', reports: pending.splice(0) }, transfer);
      }
      if (stepping) paused = true;
      // let pause / step / lr / export messages in, then wait while paused
      await yieldToMessages();
      if (paused && pending.length) post({ type: 'epochs', reports: pending.splice(0) });
      if (paused && !probed && m.grid) {
        const { probs, hidden } = probe(net, m.grid);
        const weights = weightsOf(net);
        post({ type: 'probe', epoch: log.epoch, grid: probs, hidden, weights }, [probs.buffer, weights.buffer, ...hidden.map((h) => h.buffer)]);
      }
      if (paused) post({ type: 'paused', epoch: log.epoch });
      while (paused) await new Promise<void>((r) => (wake = r));
    },
  };
  // a pause that came while the kernels were loading: say so, or the page would wait for an epoch
  if (paused) post({ type: 'paused', epoch: 0 });
  while (paused) await new Promise<void>((r) => (wake = r));
  const history = await sn.fit(net, resident, {
    ...recipe,
    callbacks: [...(recipe.callbacks ?? []), callback],
  });
  post({ type: 'done', epochs: history.length });
}
