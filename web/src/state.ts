/**
 * The whole state of a run in the URL's query: the same URL builds the same data and the same
 * network from the same seed, so it replays the same run bit for bit (the kernels give the same
 * bits on any thread count). Also the equivalent `scratchnet train` command.
 */
import * as sn from 'scratchnet';
import { optionsOf, readRun, trainArgs, urlKey, withDefaults, writeRun, type Run } from './options';

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
  run: Run;
  /** Compare mode: the component that differs and its values. */
  compare: { key: string; values: string[] };
  /** Image mode's settings, by their URL keys (the run's keys behind an `i`, and idata). */
  images: Record<string, string>;
  /** Kernel threads (0: all cores when isolated). Results do not depend on it: same bits on any count. */
  threads: number;
}

/** Image mode's URL keys: its dataset and its run's options, each behind an `i` (`ilayers`, `iepochs`). */
export const IMAGE_PREFIX = 'i';

/** Compare mode's components: any option of the 2-D mode. */
export const COMPARE_KEYS: readonly string[] = optionsOf('2d').map((o) => o.key);

/** The 2-D mode's run before the URL's changes: a small network that trains in seconds (the other options at their defaults). */
export const DEFAULT_RUN: Run = withDefaults({ ...sn.DEFAULT_CONFIG, layers: [16, 16], init: 'he_uniform', lr: 0.01, schedule: 'constant', epochs: 200, batchSize: 32, seed: 1 });

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
  writeRun(q, s.run, '2d', { base: DEFAULT_RUN });
  if (s.noise !== null) q.set('noise', String(s.noise));
  if (s.dataset === 'custom') q.set('pts', s.points.map((p) => `${p[0].toFixed(3)}_${p[1].toFixed(3)}_${p[2]}`).join('~'));
  if (s.mode === 'compare') q.set('cmp', `${s.compare.key}:${s.compare.values.join('|')}`);
  if (s.threads > 0) q.set('threads', String(s.threads));
  if (s.mode === 'images') for (const [k, v] of Object.entries(s.images)) q.set(k, v);
  return q.toString();
}

/** The hidden layers as links wrote them before the activations had their own key (`layers=12:tanh,8`), split into the two options' keys. */
function upgradeLayers(q: URLSearchParams, prefix = ''): void {
  const layers = optionsOf('2d').find((o) => o.type.kind === 'widths');
  const names = optionsOf('2d').find((o) => o.type.kind === 'names');
  const text = layers && names && q.get(prefix + urlKey(layers));
  if (!text?.includes(':') || q.has(prefix + urlKey(names!))) return;
  const parts = text.split(',').map((l) => l.split(':'));
  q.set(prefix + urlKey(layers!), parts.map((p) => p[0]).join(','));
  q.set(prefix + urlKey(names!), parts.map((p) => p[1]?.trim() || String(names!.default)).join(','));
}

export function fromQuery(query: string): PlaygroundState {
  const q = new URLSearchParams(query);
  upgradeLayers(q);
  upgradeLayers(q, IMAGE_PREFIX);
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
  const imageKeys = ['data', ...optionsOf('images').map(urlKey)].map((k) => IMAGE_PREFIX + k);
  return {
    mode: pick('mode', MODES, d.mode),
    dataset: pick('data', DATASETS, d.dataset),
    samples: Math.max(20, Math.min(5000, Math.round(num('n', d.samples)))),
    noise: q.has('noise') && Number.isFinite(Number(q.get('noise'))) ? Number(q.get('noise')) : null,
    testFraction: num('test', d.testFraction),
    classes: Math.max(2, Math.min(10, Math.round(num('k', d.classes)))),
    points,
    run: readRun(q, d.run, '2d'),
    threads: Math.max(0, Math.min(64, Math.round(num('threads', 0)))),
    images: Object.fromEntries([...q].filter(([k]) => imageKeys.includes(k))),
    compare: COMPARE_KEYS.includes(key) && values ? { key, values: values.split('|') } : d.compare,
  };
}

/**
 * The `scratchnet train` command of the same set-up (the core writes the flags of the run's config),
 * and what keeps it from being the same run: with no differences the CLI trains the very same run
 * — same data (same seed and defaults), same layers and initial weights, same shuffles — and its
 * test loss equals the page's bit for bit.
 */
export function trainCommand(s: PlaygroundState): { command: string; differences: string[] } {
  const command = ['npx scratchnet train', ...trainArgs(s.run, s.dataset === 'custom' ? 'spirals' : s.dataset)].join(' ');
  const differences: string[] = [];
  if (s.dataset === 'custom') differences.push('custom points have no CLI dataset');
  if (s.samples !== 1000 || s.noise !== null || s.testFraction !== 0.2) differences.push('the CLI draws 1000 points with the default noise and a 20% test split');
  if (sn.SYNTHETIC_SETS[s.dataset]?.classes && s.classes !== 3) differences.push(`the CLI’s ${s.dataset} have 3 classes`);
  return { command, differences };
}
