import { Command } from 'commander';
import { Rng } from '../core/random.js';
import { Augmenter, parseAugmentSpec } from '../data/augment.js';
import { augmentPreview } from '../node/augment-preview.js';
import { loadDataset } from '../data/registry.js';
import { ConfigError } from '../errors.js';
import { integer, positiveInt } from './options.js';

interface PreviewFlags {
  dataset: string;
  augment: string;
  out: string;
  count: number;
  variants: number;
  seed: number;
  dataDir?: string;
}

export function augmentPreviewCommand(): Command {
  return new Command('augment-preview')
    .description('write a PNG grid of training images: each original followed by augmented versions')
    .option('--dataset <name>', 'image dataset', 'mnist')
    .option('--augment <spec>', 'augmentation spec (translate=2,rotate=10,scale=0.1,elastic=34:4; "mnist" for the defaults)', 'mnist')
    .option('--out <path>', 'PNG file to write', 'augment-preview.png')
    .option('--count <n>', 'number of samples (rows)', positiveInt, 8)
    .option('--variants <n>', 'augmented versions per sample', positiveInt, 7)
    .option('--seed <n>', 'seed of the augmentation draws', integer, 1)
    .option('--data-dir <dir>', 'directory with the dataset files')
    .action(async (f: PreviewFlags) => {
      const data = await loadDataset(f.dataset, { dir: f.dataDir });
      if (!data.train.imageShape) throw new ConfigError(`augment-preview: '${f.dataset}' is not an image dataset`);
      const [height, width] = data.train.imageShape;
      const augmenter = new Augmenter({ width, height, ...parseAugmentSpec(f.augment) });
      const r = augmentPreview({
        images: data.train.x,
        width,
        height,
        count: f.count,
        variants: f.variants,
        augmenter,
        rng: new Rng(f.seed).stream('augment'),
        outPath: f.out,
      });
      process.stdout.write(`wrote ${r.path} (${r.width}×${r.height} px): ${f.count} samples × (original + ${f.variants} augmented)\n`);
    });
}
