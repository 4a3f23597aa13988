import { Command } from 'commander';
import { completenessOfFiles } from '../node/experiments/completeness-file.js';
import { columnsOf, wrapText } from '../node/terminal.js';

interface ReportFlags {
  out: string;
  dataDir?: string;
}

/** `scratchnet report`: results.jsonl files → Markdown with tables, SVG charts and image galleries. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write the ablation report (Markdown + SVG charts + PNG galleries) from results.jsonl files')
    .argument('<results...>', 'results.jsonl files (shards and studies merge; runs are deduplicated by id; each study is checked against its spec for missing runs)')
    .option('--out <file>', 'Markdown file; charts go to a folder beside it named after it', 'docs/results.md')
    .option('--data-dir <dir>', 'directory with the dataset files (for the misclassified-images gallery)')
    .action(async (inputs: string[], f: ReportFlags) => {
      // Vega is loaded only here, so that other commands start fast.
      const { generateReport } = await import('../node/experiments/report.js');
      const { files, warnings } = await generateReport({ inputs, out: f.out, dataDir: f.dataDir });
      const say = (line: string) => process.stderr.write(`${wrapText(line, columnsOf(process.stderr))}\n`);
      for (const w of warnings) say(`report: warning: ${w}`);
      say(`report: wrote ${f.out} and ${files.length - 1} charts/images`);
      // each study against its spec: runs missing from every input, and the commands that finish them
      for (const line of completenessOfFiles(inputs)) process.stderr.write(`report: ${line}\n`);
    });
}
