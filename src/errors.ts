/**
 * Typed errors for user mistakes. Each message says what is wrong, where, what was expected and
 * what was found. The CLI prints `err.message` alone (no stack) for these; any other error is a bug
 * and keeps its stack.
 */
export class ScratchnetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor of the wrong shape reached a layer, loss or kernel. */
export class ShapeError extends ScratchnetError {}
/** A hyperparameter or option is invalid (unknown name, non-positive learning rate, ...). */
export class ConfigError extends ScratchnetError {}
/** Input data is malformed: truncated or wrong-magic IDX files, NaN inputs, labels out of range. */
export class DataError extends ScratchnetError {}
/** A model file is missing, truncated or corrupt. */
export class ModelFileError extends ScratchnetError {}
/** A size is beyond what the platform can hold (a WebAssembly memory's 4 GiB). */
export class ResourceError extends ScratchnetError {}
/** A file could not be written (disk full, read-only file system, no permission); names the path. */
export class WriteError extends ScratchnetError {}
/** The loss became NaN or Inf during training. */
export class DivergenceError extends ScratchnetError {
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super(message);
  }
}

/** Training was stopped from outside (`fit`'s `signal`: Ctrl-C in the CLI) after a finished step. */
export class InterruptedError extends ScratchnetError {
  constructor(
    message: string,
    /** Epochs finished and steps finished of the next epoch when it stopped. */
    readonly epoch: number,
    readonly step: number,
    /** A checkpoint of that point was handed to `fit`'s `checkpoint.save`. */
    readonly checkpointed: boolean,
  ) {
    super(message);
  }
}

/** True for errors caused by the user's input rather than by a bug in scratchnet. */
export function isUserError(e: unknown): e is ScratchnetError {
  return e instanceof ScratchnetError;
}
