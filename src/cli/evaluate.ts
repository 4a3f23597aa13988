import { Command } from 'commander';
import { loadDataset } from '../data/registry.js';
import { ModelFileError } from '../errors.js';
import { brief } from '../io/json-guard.js';
import { loadModel } from '../node/model-file.js';
import { classReport, confusionMatrix } from '../nn/metrics.js';
import { evaluate } from '../nn/train.js';
import { batchSizeFlag, positiveInt } from './options.js';
import { RELAXED_HELP, setupBackend } from './runtime.js';
import { columnsOf, compactCount, plural, wrappedList } from '../node/terminal.js';

interface EvaluateFlags {
  model: string;
  dataset?: string;
  dataDir?: string;
  batchSize: number;
  json?: boolean;
  backend?: string;
  threads?: number;
  relaxed?: boolean;
}

/** The dataset and seed a model file says it was trained with (free-form metadata: checked here). */
function trainedOn(training: Record<string, unknown>, path: string): { dataset?: string; seed?: number } {
  const config = training.config;
  if (config === undefined || config === null) return {};
  const fail = (what: string, v: unknown) => new ModelFileError(`${path}: metadata 'scratchnet.training': ${what}, found ${brief(v)}`);
  if (typeof config !== 'object' || Array.isArray(config)) throw fail('config must be an object', config);
  const { dataset, seed } = config as Record<string, unknown>;
  if (dataset != null && typeof dataset !== 'string') throw fail('config.dataset must be a string', dataset);
  if (seed != null && !Number.isSafeInteger(seed)) throw fail('config.seed must be an integer', seed);
  return { dataset: (dataset ?? undefined) as string | undefined, seed: (seed ?? undefined) as number | undefined };
}

export function evaluateCommand(): Command {
  return new Command('evaluate')
    .description("measure a saved model on a dataset's test set (the official one; iris and diabetes: the split made with the training seed): accuracy and per-class figures, or R², RMSE and MAE for regression")
    .requiredOption('--model <path>', 'model file (safetensors) written by train --save')
    .option('--dataset <name>', 'dataset (default: the one the model was trained on)')
    .option('--data-dir <dir>', 'directory with the dataset files')
    .option('--batch-size <n>', 'rows per forward pass', batchSizeFlag, 1000)
    .option('--json', 'print the result as JSON')
    .option('--backend <name>', 'kernels: auto, wasm or js')
    .option('--threads <n>', 'worker threads for the wasm kernels', positiveInt)
    .option('--relaxed', RELAXED_HELP)
    .action(async (f: EvaluateFlags) => {
      const kernels = await setupBackend(f);
      const { model, architecture, training } = loadModel(f.model, { batchSize: f.batchSize, kernels });
      const trained = trainedOn(training, f.model);
      const name = f.dataset ?? trained.dataset ?? 'mnist';
      // generated sets (spirals, moons) and seeded splits (iris) are rebuilt with the training seed
      const data = await loadDataset(name, { dir: f.dataDir, seed: trained.seed });
      const t0 = performance.now();
      const r = evaluate(model, data.test, { loss: architecture.loss });
      const seconds = (performance.now() - t0) / 1000;
      const speed = `(${seconds.toFixed(2)}s, ${compactCount(data.test.x.rows / seconds)} samples/s, backend ${kernels.name})`;
      const width = columnsOf(process.stdout);
      if (r.regression) {
        const { rmse, mae, r2 } = r.regression;
        if (f.json) {
          process.stdout.write(JSON.stringify({ dataset: name, testLoss: r.loss, rmse, mae, r2, seconds, samples: data.test.x.rows }) + '\n');
        } else {
          process.stdout.write(wrappedList(`${name} test set:`, [plural(data.test.x.rows, 'sample'), `R² ${r2.toFixed(4)}`, `RMSE ${rmse.toFixed(4)}`, `MAE ${mae.toFixed(4)}`,
            `loss (${architecture.loss}) ${r.loss.toFixed(4)}`], width, speed));
        }
        return;
      }
      const confusion = confusionMatrix(r.predictions, data.test.y, data.test.numClasses);
      const perClass = classReport(confusion);
      if (f.json) {
        process.stdout.write(JSON.stringify({ dataset: name, testAccuracy: r.accuracy, testLoss: r.loss, seconds, samples: data.test.x.rows, confusion, perClass }) + '\n');
        return;
      }
      const names = data.test.classNames;
      const lines = [
        wrappedList(`${name} test set:`, [plural(data.test.x.rows, 'sample'), `accuracy ${(r.accuracy * 100).toFixed(2)}%`, `loss ${r.loss.toFixed(4)}`], width, speed).trimEnd(),
        'class        precision  recall  f1      support',
        ...perClass.map((c, i) => `${String(names[i] ?? i).padEnd(12)} ${c.precision.toFixed(4)}     ${c.recall.toFixed(4)}  ${c.f1.toFixed(4)}  ${c.support}`),
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });
}
