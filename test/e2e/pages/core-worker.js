// Runs the workload in a Web Worker with the browser entry of the package (dist/browser.js).
import * as sn from '/dist/browser.js';
import { trainWorkload } from './workload.js';

self.onmessage = async (e) => {
  try {
    const results = [];
    for (const threads of e.data.threads) results.push(await trainWorkload(sn, { threads }));
    self.postMessage({ ok: true, results, isolated: self.crossOriginIsolated });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err && err.stack ? err.stack : err) });
  }
};
