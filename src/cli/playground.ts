import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { parsePointsCsv } from '../data/points-csv.js';
import { loadDataset } from '../data/registry.js';
import { DataError, ScratchnetError } from '../errors.js';
import { PLAYGROUND_IMAGE_COUNTS, PLAYGROUND_IMAGE_FILES, PLAYGROUND_IMAGE_SETS, playgroundImageFiles } from '../node/playground-data.js';
import { RouteMissing, startPlaygroundServer, type GeneratedRoute } from '../node/playground-server.js';

/** The built playground in the package (`npm run build:web` puts it there; the tarball carries it). */
const SITE = fileURLToPath(new URL('../../dist-web/', import.meta.url));
const DEFAULT_PORT = 8173;
/** Points of `--data` travel in the page's URL (`pts=`): a cap keeps it a URL a browser takes. */
const MAX_POINTS = 10_000;

interface PlaygroundFlags {
  port: number;
  host: string;
  open?: boolean;
  data?: string;
}

function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0..65535 (0: a free one), found '${v.slice(0, 40)}'`);
  return n;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The page's query that opens the 2-D mode on the points of a CSV file (x,y,class rows). */
export function pointsQuery(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`playground --data: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const points = parsePointsCsv(text, file);
  const classes = new Set(points.map((p) => p[2])).size;
  if (classes < 2) throw new DataError(`${file}: expected points of at least 2 classes (x,y,class rows), found ${points.length} points of ${classes} class${classes === 1 ? '' : 'es'}`);
  if (points.length > MAX_POINTS) throw new DataError(`${file}: expected at most ${MAX_POINTS} points, found ${points.length}`);
  // the page writes its points in this form (web/src/state.ts)
  return `mode=2d&data=custom&pts=${points.map((p) => `${p[0].toFixed(3)}_${p[1].toFixed(3)}_${p[2]}`).join('~')}`;
}

/** The image sets' routes (`data/mnist/train-images.idx`, ...), made from the dataset files the first time the page asks. */
function imageRoutes(log: (line: string) => void): Record<string, GeneratedRoute> {
  const routes: Record<string, GeneratedRoute> = {};
  for (const name of PLAYGROUND_IMAGE_SETS) {
    let files: ReturnType<typeof playgroundImageFiles> | undefined;
    const load = async () => {
      try {
        files ??= playgroundImageFiles(await loadDataset(name));
      } catch (e) {
        if (!(e instanceof ScratchnetError)) throw e;
        log(`image mode: ${name} is not available: ${e.message}`);
        throw new RouteMissing(`${name} is not available to this server: ${e.message}`);
      }
      return files;
    };
    let loading: ReturnType<typeof load> | undefined;
    for (const file of PLAYGROUND_IMAGE_FILES) {
      routes[`data/${name}/${file}`] = async () => {
        const first = !loading;
        loading ??= load();
        const set = await loading;
        if (first) log(`image mode: ${name} ready (${PLAYGROUND_IMAGE_COUNTS.train} train / ${PLAYGROUND_IMAGE_COUNTS.test} test images)`);
        return set[file];
      };
    }
  }
  return routes;
}

/** Tries the desktop's opener; without one, says so and goes on. */
function openBrowser(url: string, log: (line: string) => void): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const failed = (why: string) => log(`--open: could not start a browser (${cmd}: ${why}); open ${url} yourself`);
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (e: NodeJS.ErrnoException) => failed(e.code ?? e.message));
    child.on('exit', (code) => code && failed(`exit status ${code}`));
    child.unref();
  } catch (e) {
    failed(e instanceof Error ? e.message : String(e));
  }
}

export function playgroundCommand(): Command {
  return new Command('playground')
    .description('serve the playground (2-D boundary, digit pad, image mode, compare) from the package on this machine, cross-origin isolated, offline')
    .option('--port <n>', 'port to listen on (0: a free one)', portNumber, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on; anything but the loopback address opens it to the network', '127.0.0.1')
    .option('--open', 'open the page in the default browser (xdg-open / open)')
    .option('--data <file.csv>', 'open the 2-D mode on your own points: x,y,class rows (class 0..9)')
    .action(async (f: PlaygroundFlags) => {
      const say = (line: string) => process.stdout.write(`${line}\n`);
      const note = (line: string) => process.stderr.write(`scratchnet playground: ${line}\n`);
      const query = f.data === undefined ? '' : pointsQuery(f.data);
      const server = await startPlaygroundServer({ root: SITE, host: f.host, port: f.port, generated: imageRoutes(note) });
      const page = query ? `${server.url}?${query}` : server.url;
      say(`scratchnet playground: ${server.url}`);
      if (!isLoopback(f.host)) {
        note(`WARNING: listening on ${f.host}, not the loopback address: anyone who can reach this machine on port ${new URL(server.url).port} can open the playground.`);
        note('(over plain http from another machine the page is not a secure context: it trains there on one thread)');
      }
      if (query) say(`your points (${f.data}) in the 2-D mode: ${page}`);
      say('image mode: MNIST and Fashion-MNIST from the files `scratchnet train` finds, read when the page asks (`scratchnet data list` says which are here)');
      say('Ctrl-C stops it.');
      if (f.open) openBrowser(page, note);
      await new Promise<void>((stopped) => {
        const stop = (sig: NodeJS.Signals) => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          note(`${sig}: stopping`);
          void server.close().then(stopped);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
