import { Command, CommanderError } from 'commander';
import { isUserError } from '../errors.js';
import { columnsOf, wrapText } from '../node/terminal.js';
import '../node/data/datasets.js'; // the file-backed datasets, by name
import { ablateCommand } from './ablate.js';
import { augmentPreviewCommand } from './augment-preview.js';
import { convertCommand } from './convert.js';
import { dataCommand } from './data.js';
import { evaluateCommand } from './evaluate.js';
import { playgroundCommand } from './playground.js';
import { predictCommand } from './predict.js';
import { reportCommand } from './report.js';
import { isPermissionError } from './runtime.js';
import { trainCommand } from './train.js';
import { packageVersion } from './version.js';

/** Extra commands (data, ablate, report, bench, ...) register here. */
export const COMMANDS: (() => Command)[] = [trainCommand, evaluateCommand, predictCommand, augmentPreviewCommand, ablateCommand, reportCommand, dataCommand, convertCommand, playgroundCommand];

/**
 * Every error line as `scratchnet: error: ...`, commander's own ("error: unknown option ...") as the
 * typed errors, on every (sub)command: commands added with addCommand do not inherit the setting.
 */
function withErrorPrefix(cmd: Command): void {
  cmd.configureOutput({ outputError: (str, write) => write(str.startsWith('error:') ? `scratchnet: ${str}` : str) });
  for (const sub of cmd.commands) withErrorPrefix(sub);
}

/**
 * Runs the `scratchnet` CLI. User mistakes (typed ScratchnetErrors, bad flags, a permission Deno
 * was not given) print one line and exit non-zero without a stack trace; anything else is a bug and
 * keeps its stack.
 */
export async function main(argv: string[] = process.argv): Promise<void> {
  const program = new Command('scratchnet')
    .description('fully-connected neural networks from scratch: train, evaluate, predict, study')
    .version(packageVersion(), '-V, --version', 'print the version of scratchnet')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const make of COMMANDS) program.addCommand(make().exitOverride());
  withErrorPrefix(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has printed its message already; --help and --version exit 0
      process.exitCode = e.exitCode;
      return;
    }
    if (isUserError(e) || isPermissionError(e)) {
      // broken at spaces on a terminal; one line in a pipe or a log, where it is searched for
      const line = `scratchnet: error: ${e.message}`;
      process.stderr.write(`${process.stderr.isTTY ? wrapText(line, columnsOf(process.stderr)) : line}\n`);
      if (!process.exitCode) process.exitCode = 1;
      return;
    }
    throw e;
  }
}
