import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainCommand } from '../src/cli/train.js';
import { configFromFlags } from '../src/cli/options.js';
import { loadMoons } from '../src/data/synthetic.js';
import { ConfigError } from '../src/errors.js';
import { validateSpec } from '../src/experiments/spec.js';
import { LAYER_OPTIONS } from '../src/nn/layers/index.js';
import { buildModel, fitOptions } from '../src/recipe/build.js';
import { DEFAULT_CONFIG, RUN_OPTIONS, runOption, type TrainConfig } from '../src/recipe/options.js';
import { checkConfig, configToArgs, parseOptionText } from '../src/recipe/values.js';

const camel = (flag: string) => flag.replace(/^--(no-)?/, '').split(' ')[0].replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('the option schema', () => {
  it('declares each key once, each flag the key in kebab-case', () => {
    const keys = RUN_OPTIONS.map((o) => o.key);
    assert.equal(new Set(keys).size, keys.length);
    for (const o of RUN_OPTIONS) if (o.flag) assert.equal(camel(o.flag), o.key, o.flag);
    for (const o of LAYER_OPTIONS) assert.ok(keys.includes(o.key), `${o.key}: a layer's option is in the schema`);
  });

  it('keeps the defaults of a new run', () => {
    assert.deepEqual(DEFAULT_CONFIG, {
      dataset: 'mnist', layers: [512, 256], activation: 'relu', optimizer: 'adam', l2: 0, dropout: 0, epochs: 15,
      batchSize: 128, seed: 1, valSplit: 0.1, schedule: { type: 'cosine', tMax: 15 },
    });
  });

  it('checks configs with what, expected and found', () => {
    const bad = (patch: Record<string, unknown>, re: RegExp) =>
      assert.throws(() => checkConfig({ ...DEFAULT_CONFIG, ...patch } as TrainConfig), (e: unknown) => e instanceof ConfigError && re.test(e.message));
    bad({ maxNorm: 0 }, /^config: max norm must be > 0, found 0$/);
    bad({ dropout: 1 }, /^config: dropout must be in \[0, 1\), found 1$/);
    bad({ epochs: 1.5 }, /^config: epochs must be an integer in \[1, 100000\], found 1.5$/);
    bad({ epochs: 1e308 }, /^config: epochs must be an integer in \[1, 100000\], found 1e\+308$/);
    bad({ batchSize: 2 ** 31 }, /^config: batch size must be an integer in \[1, 65536\], found 2147483648$/);
    bad({ seed: 2 ** 53 + 2 }, /^config: seed must be an integer between -2\^53 and 2\^53, found 9007199254740994$/);
    bad({ layers: Array(65).fill(1) }, /^config: at most 64 hidden layers, found 65$/);
    bad({ augment: `rotate=${'9'.repeat(400_000)}` }, /^config: augmentation spec must be a valid augmentation spec \(augment spec: .{0,300}, found rotate=9{72}…$/);
    bad({ layers: [3, 0] }, /^config: each hidden layer width must be an integer in \[1, 65536\], found 0$/);
    bad({ optimizer: 'adamax' }, /^config: unknown optimizer 'adamax', expected one of adagrad, adam/);
    bad({ batchNorm: 'yes' }, /^config: batchNorm must be true or false, found "yes"$/);
    bad({ maxNorms: 3 }, /^config: unknown option 'maxNorms', expected one of dataset, layers/);
    bad({ activation: ['relu'] }, /activation lists 1 names for 2 hidden layers/);
    bad({ activation: 'mish' }, /unknown activation 'mish'/);
    bad({ init: 'xavier' }, /unknown initializer 'xavier', expected one of glorot_uniform/);
    checkConfig({ ...DEFAULT_CONFIG, activation: ['relu', 'tanh'], init: 'he_normal', batchNorm: true, schedule: 'step' });
  });

  it('parses flag text as the CLI does', () => {
    const o = (k: string) => runOption(k)!;
    assert.deepEqual(parseOptionText(o('layers'), '256,128'), [256, 128]);
    assert.deepEqual(parseOptionText(o('layers'), 'none'), []);
    assert.equal(parseOptionText(o('activation'), 'tanh'), 'tanh');
    assert.deepEqual(parseOptionText(o('activation'), 'relu,tanh'), ['relu', 'tanh']);
    assert.throws(() => parseOptionText(o('lr'), '0'), /expected a number > 0, found '0'/);
    assert.throws(() => parseOptionText(o('valSplit'), '1'), /expected a number in \[0, 1\), found '1'/);
    assert.throws(() => parseOptionText(o('epochs'), '1e308'), /expected an integer in \[1, 100000\], found '1e308'$/);
    assert.throws(() => parseOptionText(o('seed'), ''), /expected an integer between -2\^53 and 2\^53, found ''$/);
    assert.throws(() => parseOptionText(o('layers'), '8,' + '9'.repeat(1000)), /expected comma-separated integers in \[1, 65536\] like 256,128, found '9{39}…' in '8,9{37}…'$/);
  });

  it('writes a config as the train command line that parses back to it', () => {
    const config = { ...DEFAULT_CONFIG, dataset: 'moons', layers: [8, 4], activation: ['relu', 'tanh'], init: 'he_normal', lr: 0.01, schedule: 'step', batchNorm: true, standardize: false, maxNorm: 3 } as TrainConfig;
    const { args, unwritten } = configToArgs(config);
    assert.deepEqual(unwritten, []);
    assert.ok(args.includes('--batch-norm') && args.includes('--no-standardize'));
    const cmd = trainCommand();
    cmd.parseOptions(args);
    assert.deepEqual(configFromFlags(cmd.opts()), config);
    // a config without a schedule keeps the rate constant; the CLI's default is cosine
    const noSchedule = configToArgs({ ...config, schedule: undefined }).args;
    assert.deepEqual(noSchedule.slice(noSchedule.indexOf('--schedule'), noSchedule.indexOf('--schedule') + 2), ['--schedule', 'constant']);
  });

  it('checks study-spec patches against the schema', () => {
    const spec = (config: Record<string, unknown>) => validateSpec({ name: 's', datasets: ['moons'], seeds: [1], variations: [{ group: 'g', name: 'v', config }] }, 's.json');
    assert.throws(() => spec({ maxNorm: 0 }), /\$\.variations\[0\]\.config\.maxNorm: expected a number > 0, found 0/);
    assert.throws(() => spec({ maxNorm: 'big' }), /config\.maxNorm: expected a number, found "big"/);
    assert.throws(() => spec({ optimizer: 'adamax' }), /config\.optimizer: expected one of adagrad, adam/);
    assert.throws(() => spec({ batchNorm: 1 }), /config\.batchNorm: expected true or false, found 1/);
    assert.throws(() => spec({ layers: null }), /config\.layers: expected a value/);
    spec({ activation: ['relu', 'tanh'], layers: [4, 4], batchNorm: true, init: 'he_normal' });
  });
});

describe('config → model + fit options', () => {
  it('inserts the layer options after each hidden Dense and takes one activation per layer', async () => {
    const { train } = await loadMoons({ seed: 1, samples: 64 });
    const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: 'moons', layers: [5, 3], activation: ['relu', 'tanh'], batchNorm: true, batchSize: 16 };
    const { model, loss } = buildModel(config, train);
    assert.equal(loss, 'sigmoid_cross_entropy');
    assert.deepEqual(
      model.layers.map((l) => l.type + (l.type === 'activation' ? `:${(l as unknown as { kind: string }).kind}` : '')),
      ['standardize', 'dense', 'batch_norm', 'activation:relu', 'dense', 'batch_norm', 'activation:tanh', 'dense'],
    );
    const opts = fitOptions({ ...config, maxNorm: 2, clipNorm: 1, l2: 1e-4 }, { model, train, loss });
    assert.equal(opts.maxNorm, 2);
    assert.equal(opts.clipNorm, 1);
    assert.equal(opts.l2, 1e-4);
    assert.equal(opts.epochs, 15);
    assert.equal(typeof opts.schedule, 'function');
    opts.optimizer.release();
    opts.loss.release();
    // a base rate changed while the run goes on (the playground): read before each epoch
    let lr = 0.5;
    const live = fitOptions({ ...config, schedule: undefined }, { model, train, loss, baseLr: () => lr });
    const at = live.schedule as (epoch: number, step: number, steps: number) => number;
    assert.equal(at(3, 0, 10), 0.5);
    lr = 0.25;
    assert.equal(at(4, 0, 10), 0.25);
    live.optimizer.release();
    live.loss.release();
  });
});
