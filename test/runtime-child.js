// Run by test/runtimes.test.ts under Node, Deno and Bun: the shared workload (test/e2e/pages/workload.js)
// over the built package on 1 and 2 threads with the default kernels, then on 1 thread with the
// opt-in relaxed ones; prints one JSON line.
import * as sn from '../dist/node.js';
import { trainWorkload } from './e2e/pages/workload.js';

const g = globalThis;
const runtime = g.Deno ? `deno ${g.Deno.version.deno} (V8 ${g.Deno.version.v8})`
  : g.Bun ? `bun ${g.Bun.version} (JavaScriptCore ${process.versions.webkit ?? '?'})`
  : `node ${process.versions.node} (V8 ${process.versions.v8})`;
const runs = [];
for (const threads of [1, 2]) runs.push(await trainWorkload(sn, { threads }));
const relaxed = await trainWorkload(sn, { threads: 1, relaxed: true });
console.log(JSON.stringify({ runtime, runs, relaxed }));
