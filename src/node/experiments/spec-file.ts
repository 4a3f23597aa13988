/** A study spec read from its file (`ablate --spec`), then checked as src/experiments/spec.ts says. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { parseSpec, type StudySpec } from '../../experiments/spec.js';

/** Reads and validates a spec file. @throws ConfigError (missing file, bad JSON, bad field) */
export function loadSpec(file: string): StudySpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${file}: cannot read the study spec (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return parseSpec(text, file);
}
