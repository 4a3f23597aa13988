#!/usr/bin/env node
// The CLI entry: runs the compiled code in dist/ (built by `npm run build`, which `npm ci` runs).
import { existsSync } from 'node:fs';

try {
  const entry = new URL('../dist/cli/run.js', import.meta.url);
  if (!existsSync(entry)) {
    process.stderr.write('scratchnet: error: dist/ is missing; run `npm run build` (npm ci runs it)\n');
    process.exit(1);
  }
  await import(entry.href);
} catch (e) {
  // Deno without --allow-read or --allow-env stops here, while the modules load: one line, as for any user mistake
  if (!(e instanceof Error && (e.name === 'NotCapable' || e.name === 'PermissionDenied'))) throw e;
  process.stderr.write(`scratchnet: error: ${e.message}\n`);
  process.exit(1);
}
