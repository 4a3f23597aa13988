/**
 * The whole state of a run in the URL's query: the same URL builds the same data and the same
 * network from the same seed, so it replays the same run bit for bit (the kernels give the same
 * bits on any thread count). Also the equivalent `scratchnet train` command.
 */
import * as sn from 'scratchnet';
import { defaultValues, OPTIONS, readRun, RUN_KEYS, runConfig, writeRun, type RunState } from './options';

/** The library's generated 2-D sets, and points of your own. */
export const DATASETS: readonly string[] = [...Object.keys(sn.SYNTHETIC_SETS), 'custom'];
export const MODES = ['2d', 'digits', 'compare', 'images'] as const;
export type Mode = (typeof MODES)[number];

export interface PlaygroundState {
  mode: Mode;
  /** A generated set (sn.SYNTHETIC_SETS) or 'custom'. */
  dataset: string;
  samples: number;
  /** Noise level; null: the dataset's own default (what the CLI uses). */
  noise: number | null;
  testFraction: number;
  /** Classes of the clusters set. */
  classes: number;
  /** Custom points (clicks, CSV): x, y, class. */
  points: [number, number, number][];
  run: RunState;
  /** Compare mode: the component that differs and its values. */
  compare: { key: string; values: string[] };
  /** Image mode's settings, by their URL keys (the run's keys behind an `i`, and idata). */
  images: Record<string, string>;
  /** Kernel threads (0: all cores when isolated). Results do not depend on it: same bits on any count. */
  threads: number;
}

/** Image mode's URL keys: its dataset and its run's keys, each behind an `i`. */
export const IMAGE_KEYS: readonly string[] = ['data', ...RUN_KEYS].map((k) => `i${k}`);

/** Compare mode's components: the hidden activation or any run option. */
export const COMPARE_KEYS: readonly string[] = ['activation', ...OPTIONS.map((o) => o.key)];

export const DEFAULT_RUN: RunState = {
  hidden: [
    { units: 16, activation: 'relu' },
    { units: 16, activation: 'relu' },
  ],
  seed: 1,
  ...defaultValues(),
};

export const DEFAULT_STATE: PlaygroundState = {
  mode: '2d',
  dataset: 'spirals',
  samples: 1000,
  noise: null,
  testFraction: 0.2,
  classes: 3,
  points: [],
  run: DEFAULT_RUN,
  compare: { key: 'optimizer', values: ['adam', 'sgd'] },
  images: {},
  threads: 0,
};

export function toQuery(s: PlaygroundState): string {
  const q = new URLSearchParams({
    mode: s.mode,
    data: s.dataset,
    n: String(s.samples),
    test: String(s.testFraction),
    k: String(s.classes),
  });
  writeRun(q, s.run);
  if (s.noise !== null) q.set('noise', String(s.noise));
  if (s.dataset === 'custom') q.set('pts', s.points.map((p) => `${p[0].toFixed(3)}_${p[1].toFixed(3)}_${p[2]}`).join('~'));
  if (s.mode === 'compare') q.set('cmp', `${s.compare.key}:${s.compare.values.join('|')}`);
  if (s.threads > 0) q.set('threads', String(s.threads));
  if (s.mode === 'images') for (const [k, v] of Object.entries(s.images)) q.set(k, v);
  return q.toString();
}

export function fromQuery(query: string): PlaygroundState {
  const q = new URLSearchParams(query);
  const d = DEFAULT_STATE;
  const num = (k: string, def: number) => {
    const v = Number(q.get(k));
    return q.has(k) && Number.isFinite(v) ? v : def;
  };
  const pick = <T extends string>(k: string, list: readonly T[], def: T): T => (list.includes(q.get(k) as T) ? (q.get(k) as T) : def);
  const points = (q.get('pts') ?? '')
    .split('~')
    .filter(Boolean)
    .map((p) => p.split('_').map(Number) as [number, number, number])
    .filter((p) => p.length === 3 && p.every(Number.isFinite));
  const [key, values] = (q.get('cmp') ?? '').split(':');
  return {
    mode: pick('mode', MODES, d.mode),
    dataset: pick('data', DATASETS, d.dataset),
    samples: Math.max(20, Math.min(5000, Math.round(num('n', d.samples)))),
    noise: q.has('noise') && Number.isFinite(Number(q.get('noise'))) ? Number(q.get('noise')) : null,
    testFraction: num('test', d.testFraction),
    classes: Math.max(2, Math.min(10, Math.round(num('k', d.classes)))),
    points,
    run: readRun(q, d.run),
    threads: Math.max(0, Math.min(64, Math.round(num('threads', 0)))),
    images: Object.fromEntries([...q].filter(([k]) => IMAGE_KEYS.includes(k))),
    compare: COMPARE_KEYS.includes(key) && values ? { key, values: values.split('|') } : d.compare,
  };
}

/** The weight init `scratchnet train` (mlp) gives hidden layers of this activation. */
const cliInit = (activation: string) => {
  const kind = sn.activationKindOf(activation);
  return kind ? sn.activationDef(kind).init : 'he_uniform';
};

/**
 * The `scratchnet train` command of the same set-up, and what keeps it from being the same run.
 * With no differences the CLI trains the very same run: same data (same seed and defaults), same
 * layers and initial weights, same shuffles — its test loss equals the page's bit for bit.
 */
export function trainCommand(s: PlaygroundState): { command: string; differences: string[] } {
  const r = runConfig(s.run);
  const act = r.hidden[0]?.activation ?? 'relu';
  const parts = [
    'npx scratchnet train',
    `--dataset ${s.dataset === 'custom' ? 'spirals' : s.dataset}`,
    `--layers ${r.hidden.map((h) => h.units).join(',')}`,
    `--activation ${act}`,
    `--optimizer ${r.optimizer}`,
    `--lr ${r.lr}`,
    `--schedule ${r.schedule}`,
    `--epochs ${r.epochs}`,
    `--batch-size ${r.batchSize}`,
    `--seed ${r.seed}`,
    '--val-split 0',
  ];
  if (r.l2 > 0) parts.push(`--l2 ${r.l2}`);
  if (r.weightDecay > 0) parts.push(`--weight-decay ${r.weightDecay}`);
  if (r.dropout > 0) parts.push(`--dropout ${r.dropout}`);
  if (r.batchNorm) parts.push('--batch-norm');
  const differences: string[] = [];
  if (s.dataset === 'custom') differences.push('custom points have no CLI dataset');
  if (s.samples !== 1000 || s.noise !== null || s.testFraction !== 0.2) differences.push('the CLI draws 1000 points with the default noise and a 20% test split');
  if (sn.SYNTHETIC_SETS[s.dataset]?.classes && s.classes !== 3) differences.push(`the CLI’s ${s.dataset} have 3 classes`);
  if (new Set(r.hidden.map((h) => h.activation)).size > 1) differences.push('the CLI takes one activation for all layers');
  if (r.init !== cliInit(act)) differences.push(`the CLI initialises ${act} layers with ${cliInit(act)}`);
  if (!r.standardize) differences.push('the CLI always standardises the inputs');
  return { command: parts.join(' '), differences };
}
