// LayerNorm through the option schema: its one registry line makes `--layer-norm`, the config and
// study-spec key `layerNorm`, the recipe's model and model files take it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configFromFlags } from '../../src/cli/options.js';
import { trainCommand } from '../../src/cli/train.js';
import { loadMoons } from '../../src/data/synthetic.js';
import { validateSpec } from '../../src/experiments/spec.js';
import { architectureOf, decodeModel, encodeModel } from '../../src/nn/io.js';
import { evaluate } from '../../src/nn/train.js';
import { DEFAULT_CONFIG, runTraining, type TrainConfig } from '../../src/recipe.js';
import { runOption } from '../../src/recipe/options.js';
import { checkConfig, configToArgs } from '../../src/recipe/values.js';

describe('LayerNorm through the schema', () => {
  it('is an option of the config, the CLI and study specs', () => {
    assert.equal(runOption('layerNorm')?.flag, '--layer-norm');
    checkConfig({ ...DEFAULT_CONFIG, layerNorm: true });
    assert.throws(() => checkConfig({ ...DEFAULT_CONFIG, layerNorm: 'yes' } as unknown as TrainConfig), /config: layerNorm must be true or false, found "yes"/);
    const cmd = trainCommand();
    cmd.parseOptions(['--layer-norm']);
    assert.equal(configFromFlags(cmd.opts()).layerNorm, true);
    assert.ok(configToArgs({ ...DEFAULT_CONFIG, layerNorm: true }).args.includes('--layer-norm'));
    const spec = (config: Record<string, unknown>) => validateSpec({ name: 's', datasets: ['moons'], seeds: [1], variations: [{ group: 'norm', name: 'ln', config }] });
    spec({ layerNorm: true });
    assert.throws(() => spec({ layerNorm: 1 }), /config\.layerNorm: expected true or false, found 1/);
  });

  it('trains in the recipe after each hidden Dense, and its model file loads', async () => {
    const data = await loadMoons({ seed: 1, samples: 200 });
    const config: TrainConfig = { ...DEFAULT_CONFIG, dataset: 'moons', layers: [8, 8], epochs: 3, batchSize: 16, lr: 0.01, valSplit: 0, layerNorm: true };
    const { model, loss, testLoss, history } = await runTraining(config, { data });
    assert.deepEqual(
      model.layers.map((l) => l.type),
      ['standardize', 'dense', 'layer_norm', 'activation', 'dense', 'layer_norm', 'activation', 'dense'],
    );
    assert.ok(history.every((e) => Number.isFinite(e.loss)) && Number.isFinite(testLoss));
    const loaded = decodeModel(encodeModel(model, architectureOf(model, loss), { config }));
    assert.equal(evaluate(loaded.model, data.test, { loss }).loss, evaluate(model, data.test, { loss }).loss);
  });
});
