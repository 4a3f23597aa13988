// The optimizers, one line each: a file's exports (class, options, update rule) become the
// library's, and each factory it makes with defineOptimizer is an optimizer name — in
// createOptimizer, OPTIMIZER_NAMES (the CLI's --optimizer choices, config checks) and fit.
export * from './adagrad.js';
export * from './adam.js';
export * from './adamw.js';
export * from './lion.js';
export * from './rmsprop.js';
export * from './sgd.js';
