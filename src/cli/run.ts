// Process entry of the CLI (bin/scratchnet.js imports the compiled copy).
import { main } from './main.js';

await main();
