// Loaded before every test file (`node --import ./test/setup.ts`): selects the backend under test
// from SCRATCHNET_BACKEND (default js). test/*.test.ts run once, on js; test/per-backend/*.test.ts
// on each backend (package.json's test:once, test:js and test:wasm; test/test-files.test.ts lists them).
import type { BackendName } from '../src/core/backend.js';
import { useBackend } from '../src/node/backend.js';

await useBackend((process.env.SCRATCHNET_BACKEND ?? 'js') as BackendName); // checked by useBackend
