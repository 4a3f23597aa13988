// Which test files run where (package.json): test/*.test.ts once (`npm run test:once`, on the
// TypeScript backend), test/per-backend/*.test.ts on each backend (`npm run test:js`, `test:wasm`).
// A new file fails here until it is listed. It goes to per-backend/ when its tests compute through
// the backend under test: kernels(), or a model trained or run on it (building one only allocates).
// It stays here when it does not (parsers, files, the CLI in a child process, schedules…) or builds
// the backends it compares itself (the WebAssembly kernels against the TypeScript reference).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const ONCE = [
  'activations', 'augment', 'bundle', 'cli-manners', 'cli', 'cluster-shards', 'datasets', 'doc-links', 'docs-cli', 'download', 'dropout-mask', 'float64-train', 'format',
  'fused-losses', 'fused-updates', 'fuzz', 'gemv', 'hostile', 'idx', 'init-metrics', 'input-grad', 'jobs', 'kernels-columns', 'kernels-norms',
  'kernels-wasm', 'layering', 'learn', 'limits', 'loss-registry', 'mnist', 'model-file-limits', 'onnx', 'options', 'optimizers', 'playground-cli', 'playground-server', 'playground-weights', 'png', 'report', 'results-claims', 'resume-cli', 'rng', 'runtimes', 'safetensors', 'schedules', 'sha256', 'sparse-gemm', 'terminal', 'test-files', 'theory-anchors', 'thread-plan',
];
const PER_BACKEND = [
  'ablate', 'api', 'batch-norm', 'batches', 'checkpoint', 'dataset', 'fold-cache', 'gelu', 'gradcheck', 'input-dropout', 'keras-api', 'layer-norm', 'layer-norm-recipe',
  'model-io', 'onnx-layers', 'optimizer-backends', 'predictor', 'regression', 'sparse-input', 'study-regression', 'torch-fixtures',
  'torch-layers', 'torch-state-dict', 'train-components', 'train-step', 'train',
];

const tests = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -'.test.ts'.length)).sort();

describe('test files: which run once, which on each backend', () => {
  it('every file is listed where it lies', () => {
    assert.deepEqual(tests('test'), [...ONCE].sort(), 'test/*.test.ts run once: list a new one in ONCE, or move it to test/per-backend/');
    assert.deepEqual(tests('test/per-backend'), [...PER_BACKEND].sort(), 'test/per-backend/*.test.ts run on each backend: list a new one in PER_BACKEND');
  });

  it('npm test runs both folders, the per-backend one on every backend', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    assert.match(scripts.test, /npm run test:once && npm run test:js && npm run test:wasm$/);
    assert.match(scripts['test:once'], /--test test\/\*\.test\.ts$/);
    assert.match(scripts['test:js'], /^SCRATCHNET_BACKEND=js .*--test test\/per-backend\/\*\.test\.ts$/);
    assert.match(scripts['test:wasm'], /^SCRATCHNET_BACKEND=wasm .*--test test\/per-backend\/\*\.test\.ts$/);
  });

  it('a file run once does not ask which backend the pass is on (a test skipped on one pass would never run)', () => {
    for (const name of ONCE) {
      const text = readFileSync(`test/${name}.test.ts`, 'utf8');
      assert.doesNotMatch(text, /process\.env\.SCRATCHNET_BACKEND/, `test/${name}.test.ts reads SCRATCHNET_BACKEND: it runs once, on js`);
    }
  });
});
