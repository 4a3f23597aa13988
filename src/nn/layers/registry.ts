/**
 * The layer kinds: one file each, which declares itself with `defineLayer` (./define.ts), and one
 * line here. Model files load every kind listed; a kind's run option (batch norm's `--batch-norm`)
 * reaches the recipe, the CLI, study specs, docs/cli.md and the playground through the schema.
 */
export * from './dense.js';
export * from './activation.js';
export * from './dropout.js';
export * from './softmax.js';
export * from './standardize.js';
export * from './batch-norm.js';
export * from './layer-norm.js';
