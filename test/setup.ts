// Loaded before every test file (`node --import ./test/setup.ts`): selects the backend under test
// from SCRATCHNET_BACKEND (default js), so the same suite runs on every backend.
import { useBackend } from '../src/node/backend.js';

await useBackend(process.env.SCRATCHNET_BACKEND ?? 'js');
