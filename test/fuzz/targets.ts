// The fuzzed readers: each target makes hostile inputs from sound seeds and runs one reader on
// them. A run may return (its result is then checked for consistency) or throw the library's typed
// error; anything else — another exception, a hang, a huge allocation — fails the property.
import { readFileSync } from 'node:fs';
import { CommanderError, type Command } from 'commander';
import fc from 'fast-check';
import { COMMANDS } from '../../src/cli/main.js';
import { parseInputRows, inputsFromIdx } from '../../src/cli/predict.js';
import { JsKernels } from '../../src/core/kernels-js.js';
import { decodeIdx, encodeIdx, type IdxData } from '../../src/data/idx.js';
import { expandGrid } from '../../src/experiments/grid.js';
import { checkResultLine } from '../../src/experiments/result-schema.js';
import { parseResults } from '../../src/experiments/results.js';
import { parseSpec } from '../../src/experiments/spec.js';
import { dedupe, variationStats } from '../../src/experiments/stats.js';
import { configChange, confusionTable, groupTable, regressionTable } from '../../src/experiments/tables.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/safetensors.js';
import { batchNorm, Dense, Activation, Dropout, LayerNorm, Standardize } from '../../src/nn/layers/index.js';
import { architectureOf, decodeModel, encodeModel } from '../../src/nn/io.js';
import { Sequential } from '../../src/nn/model.js';
import { checkConfig } from '../../src/recipe.js';
import { DATA_OPTIONS, MAX_BATCH_SIZE, MAX_EPOCHS, runOption } from '../../src/recipe/options.js';
import { optionProblem } from '../../src/recipe/values.js';
import '../../src/node/gzip.js';
import { gzipSync } from 'node:zlib';
import { ScratchnetError } from '../../src/errors.js';
import { EDGE_NUMBERS, mutateAtPaths, mutateBytes, mutateJson, mutateText } from './mutate.js';
import { modelStructureMutations, type ModelCase } from './model-mutations.js';
import { Matrix } from '../../src/core/matrix.js';
import { predict } from '../../src/nn/evaluate.js';

export interface FuzzTarget<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Runs the reader; returns normally on a correct result (checked here), throws otherwise. */
  run(input: T): void;
}

const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`inconsistent result: ${what}`);
};
const product = (s: number[]) => s.reduce((a, b) => a * b, 1);

// ---- safetensors --------------------------------------------------------------------------------

const stSeed = encodeSafetensors(
  [
    { name: 'a', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    { name: 'b', shape: [3], data: Float32Array.from([7, 8, 9]) },
    { name: 'c', shape: [], data: Float32Array.from([10]) },
  ],
  { note: 'seed' },
);

/** Splits safetensors bytes into the header object and the data section. */
function splitHeader(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

/** Header text and data joined with a correct header length. */
function joinHeader(text: string, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Header mutations (JSON values, JSON text, the u64 length) and byte mutations of a safetensors file. */
function safetensorsMutations(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  const { header, data } = splitHeader(seed);
  const text = JSON.stringify(header);
  return fc.oneof(
    mutateBytes(seed),
    mutateJson(header).map((h) => joinHeader(JSON.stringify(h) ?? 'null', data)),
    mutateText(text).map((t) => joinHeader(t, data)),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((n) => {
      const b = seed.slice();
      new DataView(b.buffer).setBigUint64(0, n, true);
      return b;
    }),
  );
}

const safetensors: FuzzTarget<Uint8Array> = {
  name: 'safetensors (decodeSafetensors)',
  arbitrary: safetensorsMutations(stSeed),
  run(bytes) {
    const { tensors, metadata } = decodeSafetensors(bytes, 'fuzz.safetensors');
    let total = 0;
    for (const [name, t] of tensors) {
      check(t.data.length === product(t.shape), `tensor ${name} holds ${t.data.length} values for shape [${t.shape}]`);
      total += t.data.byteLength;
    }
    check(total <= bytes.length, 'tensors larger than the file');
    for (const v of Object.values(metadata)) check(typeof v === 'string', 'metadata value not a string');
  },
};

// ---- model files --------------------------------------------------------------------------------

const kernels = new JsKernels();
const seedModel = new Sequential([new Standardize(), new Dense({ units: 5 }), batchNorm(), new Activation({ kind: 'relu' }), new Dropout({ rate: 0.2 }), new Dense({ units: 3 })]);
seedModel.build({ inputWidth: 4, batchSize: 4, seed: 1, kernels });
const modelArch = architectureOf(seedModel, 'softmax_cross_entropy', { classNames: ['a', 'b', 'c'], imageShape: [2, 2] });
const modelSeed = encodeModel(seedModel, modelArch, { config: { epochs: 1 } });

function modelMutations(): fc.Arbitrary<Uint8Array> {
  const { header, data } = splitHeader(modelSeed);
  const meta = header.__metadata__ as Record<string, string>;
  const withMeta = (key: string, text: string) => joinHeader(JSON.stringify({ ...header, __metadata__: { ...meta, [key]: text } }), data);
  return fc.oneof(
    { arbitrary: safetensorsMutations(modelSeed), weight: 2 },
    { arbitrary: mutateJson(modelArch).map((a) => withMeta('scratchnet.architecture', JSON.stringify(a) ?? 'null')), weight: 4 },
    { arbitrary: mutateText(meta['scratchnet.architecture']).map((t) => withMeta('scratchnet.architecture', t)), weight: 1 },
    { arbitrary: mutateJson(JSON.parse(meta['scratchnet.training'])).map((t) => withMeta('scratchnet.training', JSON.stringify(t) ?? 'null')), weight: 1 },
  );
}

const model: FuzzTarget<Uint8Array> = {
  name: 'model file (decodeModel)',
  arbitrary: modelMutations(),
  run(bytes) {
    const { model: m, architecture } = decodeModel(bytes, { batchSize: 4, kernels }, 'fuzz.safetensors');
    check(m.inputWidth === architecture.inputWidth && m.outputWidth === architecture.outputWidth, 'widths differ from the architecture');
    check(m.weightCount * 4 <= bytes.length, 'more weights than the file holds');
    const w = m.getWeights();
    check(w.every(Number.isFinite), 'non-finite weight');
    m.release();
  },
};

// ---- model files, structure-aware -----------------------------------------------------------------

const stateModel = new Sequential([new Standardize(), new Dense({ units: 5 }), batchNorm(), new Activation({ kind: 'relu' }), new LayerNorm(), new Dropout({ rate: 0.2 }), new Dense({ units: 3 })]);
stateModel.build({ inputWidth: 4, batchSize: 4, seed: 2, kernels });
stateModel.layers[0].buffers!()[0].value.data.set([0.5, -1, 2, 0]); // a fitted standardisation
stateModel.layers[0].buffers!()[1].value.data.set([0.5, 2, 1e-3, 3]);
const stateSeed = encodeModel(stateModel, architectureOf(stateModel, 'softmax_cross_entropy'));
const PROBE_ROWS = Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1, -2.5, 0.5, 3, -1]);

/** Longest typed error message a reader may give (it quotes user input briefly; one terminal line). */
const MAX_MESSAGE = 1024;

const modelStructure: FuzzTarget<ModelCase> = {
  name: 'model file, structure-aware (decodeModel: sizes, empty tensors, layer state)',
  arbitrary: modelStructureMutations(stateSeed),
  run({ bytes, batchSize, degenerate }) {
    let loaded: ReturnType<typeof decodeModel>;
    try {
      loaded = decodeModel(bytes, { batchSize, kernels }, 'fuzz.safetensors');
    } catch (e) {
      if (e instanceof ScratchnetError) check(e.message.length <= MAX_MESSAGE, `a ${e.message.length}-character message: ${e.message.slice(0, 200)}…`);
      throw e;
    }
    const m = loaded.model;
    check(degenerate === undefined, `a model with degenerate state was accepted: ${degenerate}`);
    check(m.weightCount * 4 <= bytes.length, 'more weights than the file holds');
    const { probabilities } = predict(m, new Matrix(3, 4, PROBE_ROWS.slice()), 'softmax');
    check(probabilities.view().every(Number.isFinite), `non-finite probabilities for finite rows: ${Array.from(probabilities.view())}`);
    m.release();
  },
};

// ---- IDX ------------------------------------------------------------------------------------------

const idxSeeds: Uint8Array[] = [
  encodeIdx({ shape: [3, 2, 2], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) }),
  encodeIdx({ shape: [4], data: Int8Array.from([-1, 2, -3, 4]) }),
  encodeIdx({ shape: [2, 3], data: Int16Array.from([1, -2, 3, -4, 5, 300]) }),
  encodeIdx({ shape: [2, 2], data: Int32Array.from([1, -2, 1 << 30, 4]) }),
  encodeIdx({ shape: [3, 1], data: Float32Array.from([0.5, -1e30, 3]) }),
  encodeIdx({ shape: [2], data: Float64Array.from([1e300, -2]) as IdxData }),
];

/** A dim of the header set to a hostile size. */
const hugeDim = (seed: Uint8Array) =>
  fc.tuple(fc.nat(Math.max(0, seed[3] - 1)), fc.constantFrom(0, 1, 255, 60000, 2 ** 16, 2 ** 24, 2 ** 31, 2 ** 32 - 1)).map(([i, d]) => {
    const b = seed.slice();
    new DataView(b.buffer).setUint32(4 + 4 * i, d);
    return b;
  });

const idxPlain = fc.oneof(...idxSeeds.map((s) => fc.oneof(mutateBytes(s), hugeDim(s))));
const idx: FuzzTarget<{ bytes: Uint8Array; gzip: boolean; mutateGzip: Uint8Array | null }> = {
  name: 'IDX (decodeIdx plain and gzip, then predict rows)',
  arbitrary: fc.oneof(
    idxPlain.map((bytes) => ({ bytes, gzip: false, mutateGzip: null })),
    idxPlain.map((bytes) => ({ bytes, gzip: true, mutateGzip: null })),
    fc.constantFrom(...idxSeeds).chain((s) => mutateBytes(gzipSync(s)).map((g) => ({ bytes: s, gzip: true, mutateGzip: g }))),
  ),
  run({ bytes, gzip, mutateGzip }) {
    const raw = mutateGzip ?? (gzip ? gzipSync(bytes) : bytes);
    const t = decodeIdx(raw, 'fuzz.idx');
    check(t.data.length === product(t.shape), `data of ${t.data.length} values for shape [${t.shape}]`);
    check(t.data.byteLength <= (gzip ? 1032 * raw.length + 512 : raw.length), 'more data than the file can hold');
    const m = inputsFromIdx(t, 'fuzz.idx');
    check(m.size === t.data.length && m.view().every(Number.isFinite), 'rows differ from the tensor or are not finite');
  },
};

// ---- predict inputs -------------------------------------------------------------------------------

const rowsSeed = [
  [0, 1.5, -2],
  [3, 4, 5e10],
];
const predictInput: FuzzTarget<string> = {
  name: 'predict input (parseInputRows)',
  arbitrary: fc.oneof(
    mutateJson(rowsSeed).map((v) => JSON.stringify(v) ?? ''),
    mutateText(JSON.stringify(rowsSeed)),
    fc.array(fc.array(fc.oneof(fc.double(), fc.constantFrom(1e39, -1e39, 3.4028235e38, 3.5e38)), { maxLength: 4 }), { maxLength: 4 }).map((rows) => JSON.stringify(rows)),
  ),
  run(text) {
    const m = parseInputRows(text, 'fuzz.json');
    const rows = JSON.parse(text) as number[][];
    check(m.rows === rows.length && m.cols === rows[0].length, 'shape differs from the rows');
    check(rows.flat().every((v, i) => m.data[i] === Math.fround(v) && Number.isFinite(m.data[i])), 'a value differs or is not finite');
  },
};

// ---- study specs ----------------------------------------------------------------------------------

const specSeed = {
  name: 'fuzz',
  description: 'seed',
  datasets: ['moons', 'iris'],
  seeds: [1, 2],
  baseline: { layers: [8], activation: 'relu', optimizer: 'adam', lr: 0.01, batchSize: 16, epochs: 3, schedule: 'cosine', valSplit: 0.2, dropout: 0, l2: 0 },
  perDataset: { iris: { layers: [4], epochs: 2 } },
  variations: [
    { group: 'optimizer', name: 'sgd', config: { optimizer: 'sgd', momentum: 0.9, schedule: { type: 'warmup', warmupSteps: 1, then: { type: 'step', stepSize: 1 } } } },
    { group: 'regularisation', name: 'dropout', datasets: ['moons'], config: { dropout: 0.2, augment: null } },
  ],
  targetValAccuracy: { moons: 0.8 },
  dataSeed: 1,
  dataOptions: { moons: { samples: 100, noise: 0.2 } },
};
const spec: FuzzTarget<string> = {
  name: 'study spec (parseSpec, expandGrid, checkConfig)',
  arbitrary: fc.oneof(mutateJson(specSeed).map((v) => JSON.stringify(v) ?? ''), mutateText(JSON.stringify(specSeed))),
  run(text) {
    const s = parseSpec(text, 'fuzz.json');
    const runs = expandGrid(s);
    check(runs.length === s.datasets.length * s.seeds.length * (1 + s.variations.length) || s.variations.some((v) => v.datasets), 'grid size');
    for (const r of runs) checkConfig(r.config); // a typed ConfigError is an allowed outcome
  },
};

// ---- results lines --------------------------------------------------------------------------------

/** Real lines (a classification and a regression run), shortened (3 epochs, 3 misclassified samples) so that cases stay cheap. */
const resultSeeds = ['small.jsonl', 'regression.jsonl'].map((file) => {
  const line = JSON.parse(readFileSync(new URL(`../../experiments/results/${file}`, import.meta.url), 'utf8').split('\n')[0]);
  return { ...line, history: line.history.slice(0, 3), misclassified: line.misclassified?.slice(0, 3) };
});
const results: FuzzTarget<string> = {
  name: 'results lines (parseResults, stats, tables)',
  arbitrary: fc.oneof(
    ...resultSeeds.map((seed) => fc.array(mutateJson(seed), { minLength: 1, maxLength: 3 }).map((ls) => [JSON.stringify(seed), ...ls.map((l) => JSON.stringify(l) ?? '')].join('\n'))),
    ...resultSeeds.map((seed) => mutateText(JSON.stringify(seed))),
  ),
  run(text) {
    const { results: lines, warnings } = parseResults(text, 'fuzz.jsonl');
    for (const l of lines) check(checkResultLine(l) === null, 'an accepted line fails the schema');
    const { results: kept } = dedupe(lines);
    const stats = variationStats(kept);
    for (const g of new Set(stats.map((s) => s.group))) {
      groupTable(stats, g, 0.9);
      regressionTable(stats, g);
    }
    for (const l of kept) {
      configChange(l.config, kept[0].config);
      if (l.confusion) confusionTable(l.confusion, l.classNames);
    }
    if (warnings.length > 0) throw new SkippedLines(warnings[0]); // counted as a typed rejection
  },
};

// ---- CLI arguments --------------------------------------------------------------------------------

const FLAG_VALUES = ['0', '1', '-1', '3', '0.5', '1e300', '1e-300', 'NaN', 'Infinity', '-0', '0x10', '', ' ', '1,2', '256,0', '1000000000', '9007199254740993', 'relu', 'adam', 'none', 'x'.repeat(300), ...EDGE_NUMBERS.map(String), '65536,65536', Array(65).fill(1).join(',')];

/** Each command with its action replaced by one that records the parsed options. */
function parsers(): { name: string; flags: string[]; make: () => { cmd: Command; parsed: { opts?: Record<string, unknown> } } }[] {
  return COMMANDS.map((factory) => {
    const probe = factory();
    return {
      name: probe.name(),
      flags: probe.options.map((o) => o.long!).filter(Boolean),
      make: () => {
        const parsed: { opts?: Record<string, unknown> } = {};
        const cmd = factory()
          .exitOverride()
          .configureOutput({ writeOut: () => {}, writeErr: () => {} })
          .action(function (this: Command) {
            parsed.opts = this.opts();
          });
        return { cmd, parsed };
      },
    };
  });
}

const commands = parsers();
const POSITIVE_INT_FLAGS = ['epochs', 'batchSize', 'threads', 'earlyStopping'];
const cliArgs: FuzzTarget<{ command: number; argv: string[] }> = {
  name: 'CLI arguments (commander + option parsers)',
  arbitrary: fc.nat(commands.length - 1).chain((command) =>
    fc
      .array(fc.tuple(fc.constantFrom(...commands[command].flags, '--nope', '-x'), fc.oneof(fc.constantFrom(...FLAG_VALUES), fc.string({ maxLength: 12 }))), { maxLength: 5 })
      .map((pairs) => ({ command, argv: pairs.flat() })),
  ),
  run({ command, argv }) {
    const { cmd, parsed } = commands[command].make();
    try {
      cmd.parse(['node', commands[command].name, ...argv]);
    } catch (e) {
      if (e instanceof CommanderError) throw new FlagError(e.message);
      throw e;
    }
    const o = parsed.opts ?? {};
    for (const k of POSITIVE_INT_FLAGS) if (o[k] !== undefined) check(Number.isSafeInteger(o[k]) && (o[k] as number) > 0, `${k} = ${o[k]}`);
    if (commands[command].name === 'train') check(!((o.epochs as number) > MAX_EPOCHS || (o.batchSize as number) > MAX_BATCH_SIZE), `epochs ${o.epochs}, batch size ${o.batchSize}`);
    if (Array.isArray(o.layers)) check(o.layers.every((w) => Number.isSafeInteger(w) && w > 0), `layers = ${o.layers}`);
    for (const [k, v] of Object.entries(o)) if (typeof v === 'number') check(Number.isFinite(v), `${k} = ${v}`);
  },
};

/** Lines parseResults skipped with a warning (it reports them rather than throwing). */
class SkippedLines extends ScratchnetError {}

/** commander's rejection of a flag, counted as the CLI's typed error (main prints it as one line). */
export class FlagError extends ScratchnetError {}

// ---- structure-aware: specs, IDX headers and JSON rows at the edges of their types ---------------

/** `target` whose typed errors must also be short: a longer message fails the case. */
function shortMessages<T>(target: FuzzTarget<T>): FuzzTarget<T> {
  return {
    ...target,
    run(input) {
      try {
        target.run(input);
      } catch (e) {
        if (e instanceof ScratchnetError && e.message.length > MAX_MESSAGE) throw new Error(`a ${e.message.length}-character message: ${e.message.slice(0, 200)}…`);
        throw e;
      }
    },
  };
}

/** The spec fields whose values have ranges: sample counts, noise, epochs, widths, batch sizes, seeds. */
const SPEC_EDGE_PATHS: (string | number)[][] = [
  ['dataOptions', 'moons', 'samples'], ['dataOptions', 'moons', 'noise'], ['dataOptions', 'iris', 'samples'],
  ['baseline', 'epochs'], ['baseline', 'batchSize'], ['baseline', 'layers', 0], ['baseline', 'layers', 1], ['baseline', 'lr'],
  ['baseline', 'earlyStopping'], ['baseline', 'augment'], ['baseline', 'dropout'], ['perDataset', 'iris', 'epochs'],
  ['variations', 0, 'config', 'batchSize'], ['variations', 0, 'config', 'schedule', 'warmupSteps'],
  ['seeds', 0], ['seeds', 1], ['dataSeed'], ['targetValAccuracy', 'moons'], ['name'], ['datasets', 0],
];

const seedOption = runOption('seed')!;
const specEdges: FuzzTarget<string> = {
  name: 'study spec at the edges (parseSpec, expandGrid, checkConfig)',
  arbitrary: mutateAtPaths(specSeed, SPEC_EDGE_PATHS),
  run(text) {
    const s = parseSpec(text, 'fuzz.json');
    for (const seed of [...s.seeds, s.dataSeed]) check(optionProblem(seedOption, seed) === undefined, `seed ${seed}`);
    for (const opts of Object.values(s.dataOptions)) {
      for (const o of DATA_OPTIONS) {
        const v = (opts as Record<string, unknown>)[o.key];
        check(v === undefined || optionProblem(o, v) === undefined, `${o.key} ${v}`);
      }
    }
    for (const r of expandGrid(s)) {
      checkConfig(r.config);
      check(r.config.epochs <= MAX_EPOCHS && r.config.batchSize <= MAX_BATCH_SIZE, `epochs ${r.config.epochs}, batch size ${r.config.batchSize}`);
    }
  },
};

const IDX_DTYPES = [0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e, 0x00, 0x0a, 0xff];
const ELEMENT_BYTES: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };
const IDX_DIMS = [0, 1, 2, 3, 255, 65_535, 2 ** 24, 2 ** 31, 2 ** 32 - 1];

/** IDX bytes built from a header: a dtype code, 0–4 dims (or 255 of them) at the edges, a body of some bytes. */
const idxHeader = fc
  .record({
    dtype: fc.constantFrom(...IDX_DTYPES),
    dims: fc.oneof({ arbitrary: fc.array(fc.constantFrom(...IDX_DIMS), { maxLength: 4 }), weight: 9 }, { arbitrary: fc.constant(Array(255).fill(1)), weight: 1 }),
    body: fc.oneof(fc.constant(-1), fc.nat(64)), // -1: as many bytes as the dims declare, where that is small
    gzip: fc.boolean(),
  })
  .map(({ dtype, dims, body, gzip }) => {
    const size = ELEMENT_BYTES[dtype] ?? 1;
    const declared = product(dims) * size;
    const n = body < 0 ? (declared <= 4096 ? declared : 0) : body;
    const bytes = new Uint8Array(4 + 4 * dims.length + n);
    const view = new DataView(bytes.buffer);
    bytes[2] = dtype;
    bytes[3] = dims.length;
    dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
    for (let i = 4 + 4 * dims.length; i < bytes.length; i++) bytes[i] = (i * 37) & 0x3f;
    return { raw: gzip ? new Uint8Array(gzipSync(bytes)) : bytes, gzip };
  });

const idxEdges: FuzzTarget<{ raw: Uint8Array; gzip: boolean }> = {
  name: 'IDX headers at the edges (decodeIdx, then predict rows)',
  arbitrary: idxHeader,
  run({ raw, gzip }) {
    const t = decodeIdx(raw, 'fuzz.idx');
    check(t.data.length === product(t.shape), `data of ${t.data.length} values for shape [${t.shape}]`);
    check(t.data.byteLength <= (gzip ? 1032 * raw.length + 512 : raw.length), 'more data than the file can hold');
    const m = inputsFromIdx(t, 'fuzz.idx');
    check(m.rows >= 1 && m.cols >= 1, `an empty input accepted: [${m.rows}, ${m.cols}]`);
  },
};

/** Rows of JSON at the edges: no rows, empty rows, ragged rows, numbers beyond float32, number-like strings. */
const rowsEdges = fc.oneof(
  fc.constantFrom('[]', '[[]]', '[[],[]]', '[[1],[]]', '[[],[1]]', '[[1,2],[3]]', '{}', '[{}]', '[[1e999]]', '[[-1e999]]', '[["NaN"]]', '[[null]]', '[[1e-999]]', '[[3.5e38]]', '[[-0]]', '[[5e-324]]'),
  fc.array(fc.array(fc.constantFrom(...EDGE_NUMBERS), { maxLength: 3 }), { maxLength: 3 }).map((rows) => JSON.stringify(rows)),
  mutateAtPaths([[0, 1], [2, 3]], [[0, 0], [0, 1], [1, 0], [1, 1], [0], [1]]),
);
const predictEdges: FuzzTarget<string> = {
  name: 'predict JSON rows at the edges (parseInputRows)',
  arbitrary: rowsEdges,
  run(text) {
    const m = parseInputRows(text, 'fuzz.json');
    check(m.rows >= 1 && m.cols >= 1, `an empty input accepted: [${m.rows}, ${m.cols}]`);
    check(m.view().every(Number.isFinite), 'a value is not finite');
  },
};

export const TARGETS: FuzzTarget<never>[] = ([
  safetensors, model, modelStructure, idx, predictInput, spec, results, cliArgs, specEdges, idxEdges, predictEdges,
] as FuzzTarget<never>[]).map(shortMessages);
