/**
 * The training options, each declared once: key, type and range, default, CLI flag, help, one doc
 * line, and how the playground draws it (with, for a learner, the formula and the section of
 * docs/theory.md its "about" text shows). Everything else reads this table: the config checks and
 * the text of values (./values.ts: `checkConfig`, flags, URLs, the equivalent command line), the
 * CLI's `train` flags (src/cli/train.ts), study-spec patches (src/experiments/spec.ts), docs/cli.md's
 * option table (`npm run docs:cli`), and the playground's controls and URL (web/).
 *
 * A layer kind may contribute an option (batch norm does, src/nn/layers/batch-norm.ts):
 * the registry's {@link LAYER_OPTIONS} are appended here as booleans.
 *
 * Platform-neutral: no files, no terminal.
 */
import { ACTIVATIONS, activationKindOf, type ActivationName } from '../core/activations.js';
import { parseAugmentSpec } from '../data/augment.js';
import { MAX_SYNTHETIC_NOISE, MAX_SYNTHETIC_SAMPLES, MIN_SYNTHETIC_SAMPLES } from '../data/synthetic.js';
import { INIT_KINDS, type InitKind } from '../nn/init.js';
import { LAYER_OPTIONS, type LayerOptionKey } from '../nn/layers/index.js';
import { LOSSES, type LossName } from '../nn/losses/index.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../nn/optimizers/index.js';
import { scheduleFor, type ScheduleConfig, type ScheduleName } from '../nn/schedules.js';

/** `V` only types the value; no value carries it. */
interface Typed<V> {
  readonly __value?: V;
}

/** What an option holds, its range, and so how it is checked, parsed from a flag and written back. */
export type OptionType<V = unknown> = Typed<V> &
  (
    | { kind: 'int'; /** Least value (default: none, any safe integer). */ min?: number; /** Greatest value (default: 2^53 − 1). */ max?: number }
    | { kind: 'number'; min?: number; max?: number; /** min itself excluded (> min). */ minOpen?: boolean; /** max itself excluded. */ maxOpen?: boolean }
    | { kind: 'boolean' }
    | { kind: 'choice'; /** The registry's names. */ choices: () => readonly string[] }
    | { kind: 'names'; /** One name for all hidden layers, or one per hidden layer. */ choices: () => readonly string[]; /** Also accepted in configs (aliases); default: the choices. */ accepts?: (name: string) => boolean }
    | { kind: 'widths'; /** Widest hidden layer. */ max: number; /** Most hidden layers. */ maxLayers: number }
    | { kind: 'schedule' }
    | { kind: 'string'; /** Throws a ConfigError for a bad value. */ check?: (v: string) => void; example?: string }
  );

/**
 * Where the recipe (src/recipe/build.ts) uses an option: loading the `data`, building the `model`,
 * the `optimizer`, `fit` (passed to fit's option of the same name as it is), or the `run` around fit
 * (schedule, augmentation, early stopping).
 */
export type OptionUse = 'data' | 'model' | 'optimizer' | 'fit' | 'run';

/** How the playground draws an option (data only; web/ renders it). */
export interface PlaygroundHint {
  control: 'slider' | 'log-slider' | 'select' | 'checkbox' | 'number' | 'layers';
  /** Slider range and step (log-slider: min and max of the value, step the exponent's). */
  min?: number;
  max?: number;
  step?: number;
  /** The values a select offers (default: the type's choices). */
  values?: readonly (string | number)[];
  /** Where it is shown (default: every mode). */
  modes?: readonly ('2d' | 'images')[];
  /** Its group on the page. */
  section?: 'network' | 'training' | 'regularisation' | 'data';
  /** Short label (default: the option's label). */
  label?: string;
  /** Its key in the playground's URL, where shorter than the option's key (`batch`, `wd`). */
  url?: string;
  /** The formula its "about" text shows after the doc line, in plain text (`θ ← θ − η·g`). */
  formula?: string;
  /**
   * Its section of docs/theory.md, as GitHub's anchor of the heading (`7-optimizers--srcnnoptimizers`):
   * the "about" text links to it (test/theory-anchors.test.ts checks that the heading exists).
   */
  theory?: string;
}

/** One training option. */
export interface OptionDecl<V = unknown> {
  /** The key in TrainConfig, study-spec patches, model files and the playground's URL. */
  key: string;
  type: OptionType<V>;
  /** How messages name it: `config: ${label} must be > 0, found 0`. */
  label: string;
  /**
   * Every config holds it (DEFAULT_CONFIG has its `default`); a study-spec patch may change it,
   * not unset it.
   */
  required?: boolean;
  /** Its value when a config leaves it out, where that is one value (required options: DEFAULT_CONFIG's). */
  default?: V;
  /** New runs start from this value (the CLI's default, DEFAULT_CONFIG), where it differs from `default`. */
  start?: V;
  /** What leaving it out means, where that is not one value ("the optimizer's own"). */
  defaultText?: string;
  /** The CLI flag with its value's name (`--max-norm <c>`; booleans `--batch-norm`, default-on booleans `--no-standardize`); none: no flag. */
  flag?: string;
  /** The flag's `--help` line. */
  help: string;
  /** One line of docs/cli.md. */
  doc: string;
  /** Where the recipe uses it; `fit` options go to fit's options of the same name as they are. */
  use: OptionUse;
  /** How the playground draws it; none: not in the playground. */
  playground?: PlaygroundHint;
}

const int = (min?: number, max?: number): OptionType<number> => ({ kind: 'int', min, max });
const num = (range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean }): OptionType<number> => ({ kind: 'number', ...range });
const positive = num({ min: 0, minOpen: true });
const nonNegative = num({ min: 0 });
const fraction = num({ min: 0, max: 1, maxOpen: true });
const bool: OptionType<boolean> = { kind: 'boolean' };
const choice = <T extends string>(choices: () => readonly T[]): OptionType<T> => ({ kind: 'choice', choices });
const str = (check?: (v: string) => void, example?: string): OptionType<string> => ({ kind: 'string', check, example });

/**
 * The schema's limits: far above any run this library is for (a study's biggest MNIST run is 512
 * wide, 100 epochs), low enough that a typo (`1e308`, `2^31`) fails when the spec or flag is read
 * instead of running forever or asking for gigabytes.
 */
/** Most epochs of one run. */
export const MAX_EPOCHS = 100_000;
/** Most rows of one training step (the model's batch buffers are planned for it). */
export const MAX_BATCH_SIZE = 65_536;
/** Widest hidden layer. */
export const MAX_WIDTH = 65_536;
/** Most hidden layers. */
export const MAX_HIDDEN_LAYERS = 64;

/** Hidden activations offered (the table's kinds but `linear`); configs also take aliases and `linear`. */
const hiddenActivations = () => ACTIVATIONS.filter((a) => a !== 'linear');

/** A declaration with its key and value types kept (TrainConfig is derived from them). */
type Decl<K extends string, V, R extends boolean> = OptionDecl<V> & { key: K; required: R };

function option<K extends string, V, R extends boolean = false>(d: OptionDecl<V> & { key: K; required?: R }): Decl<K, V, R> {
  return { ...d, required: (d.required ?? false) as R };
}

/**
 * The options of the recipe itself, in the order of `scratchnet train --help`; the layer kinds'
 * options ({@link LAYER_OPTIONS}) follow them in {@link RUN_OPTIONS}.
 */
export const RECIPE_OPTIONS = [
  option({
    key: 'dataset', type: str(), label: 'dataset', required: true, default: 'mnist', use: 'data',
    flag: '--dataset <name>', help: 'dataset to train on (scratchnet data list)', doc: 'the dataset, by name (`scratchnet data list`)',
  }),
  option({
    key: 'layers', type: { kind: 'widths', max: MAX_WIDTH, maxLayers: MAX_HIDDEN_LAYERS } as OptionType<number[]>, label: 'each hidden layer width', required: true, default: [512, 256], use: 'model',
    flag: '--layers <widths>', help: 'hidden layer widths, comma-separated', doc: 'hidden layer widths, comma-separated (`none`: no hidden layer)',
    playground: { control: 'layers', min: 1, max: 256, step: 1, section: 'network', formula: 'h = f(x·W + b)', theory: '1-dense-layer--srcnnlayersdensets' },
  }),
  option({
    key: 'activation', type: { kind: 'names', choices: hiddenActivations, accepts: (n) => activationKindOf(n) !== undefined } as OptionType<ActivationName | ActivationName[]>,
    label: 'activation', required: true, default: 'relu', use: 'model',
    flag: '--activation <name>', help: 'hidden activation, or one per hidden layer, comma-separated',
    doc: 'hidden activation, one for all hidden layers or one per layer (`relu,tanh`)',
    playground: { control: 'select', section: 'network' },
  }),
  option({
    key: 'init', type: choice(() => INIT_KINDS) as OptionType<InitKind>, label: 'initializer', use: 'model',
    defaultText: "the activation's own (he_uniform for ReLU-like, glorot_uniform for sigmoid/tanh)",
    flag: '--init <kind>', help: "weight init of the hidden layers (default: the activation's own, he_uniform for ReLU-like, glorot_uniform for sigmoid/tanh)",
    doc: "weight initialisation of the hidden Dense layers (the output layer: glorot_uniform)",
    playground: {
      control: 'select', section: 'network',
      formula: 'He: U(±√(6/fan_in)); Glorot: U(±√(6/(fan_in+fan_out)))', theory: '6-initialisation--srcnninitts',
    },
  }),
  option({
    key: 'optimizer', type: choice(() => OPTIMIZER_NAMES), label: 'optimizer', required: true, default: 'adam' as OptimizerName, use: 'optimizer',
    flag: '--optimizer <name>', help: 'optimizer', doc: 'the optimizer (src/nn/optimizers/)',
    playground: {
      control: 'select', section: 'training', url: 'opt',
      formula: 'Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η·m̂/(√v̂ + ε)', theory: '7-optimizers--srcnnoptimizers',
    },
  }),
  option({
    key: 'lr', type: positive, label: 'learning rate', use: 'optimizer', defaultText: "the optimizer's own (adam 0.001, sgd 0.01)",
    flag: '--lr <rate>', help: "learning rate (default: the optimizer's own, adam 0.001, sgd 0.01)", doc: 'learning rate',
    playground: {
      control: 'number', min: 0, step: 0.001, section: 'training',
      formula: 'θ ← θ − η·g', theory: '10-training-step--srcnntrain-stepts-srcnntraints',
    },
  }),
  option({
    key: 'momentum', type: nonNegative, label: 'momentum', use: 'optimizer', defaultText: "the optimizer's own",
    flag: '--momentum <m>', help: 'momentum for momentum/nesterov/rmsprop', doc: 'momentum of the momentum, nesterov and rmsprop optimizers',
  }),
  option({
    key: 'weightDecay', type: nonNegative, label: 'weight decay', use: 'optimizer', default: 0,
    flag: '--weight-decay <λ>', help: "optimizer weight decay (PyTorch's weight_decay: coupled L2, or decoupled where the optimizer's rule says so, as adamw)",
    doc: "the optimizer's weight decay (PyTorch's `weight_decay`: coupled L2, decoupled for adamw)",
    playground: {
      control: 'number', min: 0, step: 0.0001, section: 'regularisation', url: 'wd',
      formula: 'g ← g + λθ | AdamW: θ ← θ − ηλθ', theory: '7-optimizers--srcnnoptimizers',
    },
  }),
  option({
    key: 'l2', type: nonNegative, label: 'l2', required: true, default: 0, use: 'fit',
    flag: '--l2 <λ>', help: 'L2 penalty ½λ‖w‖² on weights, added to the loss', doc: 'L2 penalty ½λ‖w‖² on the weights, added to the loss and reported as its own term',
    playground: {
      control: 'number', min: 0, step: 0.0001, section: 'regularisation',
      formula: 'L = L_data + ½λΣ‖W‖²', theory: '7-optimizers--srcnnoptimizers',
    },
  }),
  option({
    key: 'dropout', type: fraction, label: 'dropout', required: true, default: 0, use: 'model',
    flag: '--dropout <p>', help: 'dropout rate after each hidden layer', doc: 'dropout rate after each hidden activation (inverted dropout)',
    playground: {
      control: 'number', min: 0, max: 0.9, step: 0.05, section: 'regularisation', url: 'drop',
      formula: 'y = x·m/(1−p), m ~ Bernoulli(1−p)', theory: '3-dropout-inverted--srcnnlayersdropoutts',
    },
  }),
  option({
    key: 'inputDropout', type: fraction, label: 'input dropout', use: 'model', default: 0,
    flag: '--input-dropout <p>', help: 'dropout rate on the raw inputs, before the standardisation (Srivastava et al. 2014: 0.2 for pixels)',
    doc: 'dropout rate on the raw inputs, before the standardisation',
  }),
  option({
    key: 'epochs', type: int(1, MAX_EPOCHS), label: 'epochs', required: true, default: 15, use: 'fit',
    flag: '--epochs <n>', help: 'epochs', doc: 'epochs (passes over the training set)',
    playground: { control: 'number', min: 1, max: 5000, step: 1, section: 'training' },
  }),
  option({
    key: 'batchSize', type: int(1, MAX_BATCH_SIZE), label: 'batch size', required: true, default: 128, use: 'model',
    flag: '--batch-size <n>', help: 'mini-batch size', doc: 'rows per training step',
    playground: { control: 'number', min: 1, max: 1024, step: 1, section: 'training', url: 'batch' },
  }),
  option({
    key: 'seed', type: int(), label: 'seed', required: true, default: 1, use: 'run',
    flag: '--seed <n>', help: 'seed of every random draw', doc: 'seed of every random draw (init, shuffles, dropout, split, augmentation)',
    playground: { control: 'number', step: 1, section: 'training' },
  }),
  option({
    key: 'valSplit', type: fraction, label: 'validation split', required: true, default: 0.1, use: 'data',
    flag: '--val-split <f>', help: 'fraction of the training set held out for validation', doc: 'fraction of the training set held out for validation (0: none)',
  }),
  option({
    key: 'augment', type: str((v) => void parseAugmentSpec(v), 'translate=2,rotate=10'), label: 'augmentation spec', use: 'run',
    flag: '--augment <spec>', help: 'image augmentation, e.g. translate=2,rotate=10,scale=0.1,elastic=34:4',
    doc: 'augmentation of image batches, e.g. `translate=2,rotate=10,scale=0.1,elastic=34:4`',
  }),
  option({
    key: 'schedule', type: { kind: 'schedule' } as OptionType<ScheduleConfig | ScheduleName>, label: 'schedule', default: 'constant', start: 'cosine', use: 'run',
    flag: '--schedule <name>', help: 'learning-rate schedule over epochs',
    doc: 'learning-rate schedule over the epochs: a name, resolved against the epochs, or a schedule object; a config or study spec without one keeps the rate constant',
    playground: {
      control: 'select', section: 'training', url: 'sched',
      formula: 'cosine: η_t = ½η(1 + cos(πt/T))', theory: '8-schedules-and-constraints--srcnnschedulests-srcnnregularisersts-srcnnconstraintsts',
    },
  }),
  option({
    key: 'earlyStopping', type: int(1, MAX_EPOCHS), label: 'early stopping patience', use: 'run',
    flag: '--early-stopping <patience>', help: 'stop when validation accuracy has not improved for this many epochs',
    doc: 'stop after this many epochs without a better validation accuracy (validation loss for regression) and restore the best weights',
  }),
  option({
    key: 'clipNorm', type: positive, label: 'clip norm', use: 'fit',
    flag: '--clip-norm <n>', help: 'clip the global gradient norm', doc: 'rescale the whole gradient to this L2 norm when it is larger',
  }),
  option({
    key: 'labelSmoothing', type: fraction, label: 'label smoothing', use: 'fit', default: 0,
    flag: '--label-smoothing <ε>', help: 'label smoothing of the training targets, in [0, 1)', doc: 'label smoothing ε of the training targets',
  }),
  option({
    key: 'maxNorm', type: positive, label: 'max norm', use: 'fit',
    flag: '--max-norm <c>', help: "max-norm bound on each hidden unit's incoming weights", doc: "max-norm bound c on each hidden unit's incoming weights, applied after every step",
  }),
  option({
    key: 'standardize', type: bool, label: 'standardize', use: 'model', default: true,
    flag: '--no-standardize', help: 'no input standardisation (default: a first layer standardises the inputs with the training split’s mean and std)',
    doc: 'standardise the inputs with the training split’s mean and std, as the first layer (images: one scale for all pixels)',
    playground: { control: 'checkbox', section: 'data', label: 'standardize inputs', url: 'std', formula: 'x′ = (x − μ)/σ' },
  }),
  option({
    key: 'loss', type: choice(() => LOSSES) as OptionType<LossName>, label: 'loss', use: 'model',
    defaultText: 'cross-entropy for classes (sigmoid for two), mse for real-valued targets',
    flag: '--loss <name>', help: 'loss (default: cross-entropy for classes, mse for real-valued targets)',
    doc: 'the loss; regression data takes mse, mae or huber',
  }),
  option({
    key: 'dataDir', type: str(), label: 'data directory', use: 'data',
    flag: '--data-dir <dir>', help: 'directory with the dataset files', doc: 'directory of the dataset files (not part of a run’s identity)',
  }),
  option({
    key: 'dense', type: bool, label: 'dense', use: 'model', default: false,
    flag: '--dense', help: 'dense products only (default: the first layer skips the zeros of mostly-zero batches)',
    doc: 'dense products only: no sparse first layer (same results within rounding)',
  }),
] as const;

type RecipeDecl = (typeof RECIPE_OPTIONS)[number];
type ValueOf<D> = D extends { type: OptionType<infer V> } ? V : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * One training run as plain data: what the CLI flags, study specs, the playground and model files
 * hold. Its keys and types come from {@link RECIPE_OPTIONS} and the layer kinds' options
 * ({@link LAYER_OPTIONS}); each option's `doc` says what it does.
 */
export type TrainConfig = Simplify<
  { [D in Extract<RecipeDecl, { required: true }> as D['key']]: ValueOf<D> } & {
    [D in Exclude<RecipeDecl, { required: true }> as D['key']]?: ValueOf<D>;
  } & { [K in LayerOptionKey]?: boolean }
>;

/** Every training option: the recipe's, then the layer kinds' (as booleans that insert their layer). */
export const RUN_OPTIONS: readonly OptionDecl[] = [
  ...(RECIPE_OPTIONS as readonly OptionDecl[]),
  ...LAYER_OPTIONS.map(
    (o): OptionDecl<boolean> => ({
      key: o.key, type: bool, label: o.key, use: 'model', default: false, flag: o.flag, help: o.help, doc: o.doc,
      playground: { control: 'checkbox', section: 'network', ...(o.playground as Omit<PlaygroundHint, 'control'> | undefined) },
    }),
  ),
];

const BY_KEY = new Map(RUN_OPTIONS.map((o) => [o.key, o]));

/** The declaration of `key`, or undefined. */
export function runOption(key: string): OptionDecl | undefined {
  return BY_KEY.get(key);
}

/** The config of a new run, the library's defaults (MNIST's): every required option and the schedule. */
export const DEFAULT_CONFIG: TrainConfig = (() => {
  const c: Record<string, unknown> = {};
  for (const o of RUN_OPTIONS) if (o.required) c[o.key] = structuredClone(o.default);
  c.schedule = scheduleFor('cosine', c.epochs as number);
  return c as TrainConfig;
})();

/** What a generated set's option may be set to in a study spec's `dataOptions` (part of each run's id). */
export const DATA_OPTIONS: readonly OptionDecl<number>[] = [
  option({
    key: 'samples', type: int(MIN_SYNTHETIC_SAMPLES, MAX_SYNTHETIC_SAMPLES), label: 'samples', use: 'data', default: 1000,
    help: 'points of a generated set (train + test)',
    doc: 'points of a generated set, train and test together (a study spec only; about 100 bytes each while generated and split: 10 million take ~1 GB)',
  }),
  option({
    key: 'noise', type: num({ min: 0, max: MAX_SYNTHETIC_NOISE }), label: 'noise', use: 'data', defaultText: "the set's own (moons 0.1)",
    help: 'standard deviation of the Gaussian noise of a generated set', doc: 'standard deviation of the Gaussian noise added to each coordinate',
  }),
];
