/** Messages between the page and a training worker (train-worker.ts). */
import type * as sn from 'scratchnet';
import type { Structure } from './probe';

/** Rows of a split as transferable arrays: x [n, width] row-major, y [n]. */
export interface DataArrays {
  x: Float32Array;
  y: Int32Array;
  width: number;
  numClasses: number;
  /** Images: [height, width] (the input standardisation then takes one scale for all pixels). */
  imageShape?: [number, number];
}

export type ToWorker =
  | {
      type: 'start';
      /** The run: the worker builds it with the core's recipe (model, optimizer, loss, schedule from the config). */
      config: sn.TrainConfig;
      train: DataArrays;
      test: DataArrays;
      /** Points where the page wants the output probabilities and hidden activations: [m, 2]. */
      grid?: Float32Array;
      /** Start paused (the page steps it). */
      paused?: boolean;
      /** Also report the test predictions and the first Dense layer's weights each epoch (image mode). */
      images?: boolean;
      /** Threads of the kernels (default: all cores when isolated). */
      threads?: number;
    }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'lr'; lr: number }
  | { type: 'export' };

export interface EpochReport {
  type: 'epoch';
  epoch: number;
  loss: number;
  accuracy: number;
  testLoss: number;
  testAccuracy: number;
  lr: number;
  seconds: number;
  /** Training steps per second over the run so far (steps / seconds of fit's steps). */
  stepsPerSecond: number;
  /** Output probabilities over the grid: [m, outputs] (outputs 1 for a sigmoid). */
  grid?: Float32Array;
  /** Activations of each hidden layer over the grid: [m, units]. */
  hidden?: Float32Array[];
  /** With the grid outputs: every Dense layer's W [in, out] then b [out], layer after layer (probe.ts's weightsOf). */
  weights?: Float32Array;
  /** Test predictions (confusion matrix, gallery). */
  testPredictions?: Int32Array;
  /** First Dense layer's weights [in, units] (image mode). */
  firstWeights?: Float32Array;
  firstUnits?: number;
}

export type FromWorker =
  | { type: 'ready'; threads: number; isolated: boolean; relaxed: boolean; parameters: number; structure: Structure }
  /** Epochs since the last message, oldest first; the last one carries the grid outputs. */
  | { type: 'epochs'; reports: EpochReport[] }
  | { type: 'paused'; epoch: number }
  /** Grid outputs of a paused run's epoch whose report went without them. */
  | { type: 'probe'; epoch: number; grid: Float32Array; hidden: Float32Array[]; weights: Float32Array }
  | { type: 'done'; epochs: number }
  | { type: 'model'; bytes: Uint8Array }
  | { type: 'error'; message: string };
