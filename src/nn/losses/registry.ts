// The losses, one line each: a file's exports (class, loop, options) become the library's, and the
// factory it makes with defineLoss is a loss name — in createLoss, LOSSES (the CLI's --loss choices,
// config checks, model files) and REGRESSION_LOSSES (those of a linear output).
export * from './huber.js';
export * from './mae.js';
export * from './mse.js';
export * from './sigmoid-cross-entropy.js';
export * from './softmax-cross-entropy.js';
