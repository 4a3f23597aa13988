// The core and the browser entry bundle for a browser with nothing from Node in them (no `node:`
// import, no Node global), and the Node-only modules stay out of the core's import graph. They also
// bundle as classic scripts (no top-level await anywhere), the format `vite build` gives workers by
// default: the README's browser quick start then builds with no bundler configuration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function bundle(entry: string, format: 'esm' | 'iife' = 'esm') {
  const r = await build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: r.outputFiles[0].text, inputs: Object.keys(r.metafile.inputs) };
}

describe('browser bundles', () => {
  for (const entry of ['src/index.ts', 'src/browser.ts', 'src/browser/threads-worker.ts']) {
    it(`${entry} bundles for a browser without Node`, async () => {
      const { code, inputs } = await bundle(entry);
      assert.doesNotMatch(code, /["']node:[a-z_/]+["']/, 'no node: import');
      assert.doesNotMatch(code, /\bprocess\.(env|pid|exit|stdout|stderr)\b/, 'no use of process');
      assert.deepEqual(inputs.filter((f) => /^src\/(node|cli|experiments)\//.test(f) || f.includes('node_modules')), [], 'no Node-only module or dependency');
    });

    it(`${entry} bundles as a classic script (no top-level await)`, async () => {
      await assert.doesNotReject(bundle(entry, 'iife'));
    });
  }
});
