import { Command } from 'commander';

interface ReportFlags {
  out: string;
  dataDir?: string;
}

/** `scratchnet report`: results.jsonl files → Markdown with tables, SVG charts and image galleries. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write the ablation report (Markdown + SVG charts + PNG galleries) from results.jsonl files')
    .argument('<results...>', 'results.jsonl files (shards and studies merge; runs are deduplicated by id)')
    .option('--out <file>', 'Markdown file; charts go to a folder beside it named after it', 'docs/results.md')
    .option('--data-dir <dir>', 'directory with the dataset files (for the misclassified-images gallery)')
    .action(async (inputs: string[], f: ReportFlags) => {
      // Vega is loaded only here, so that other commands start fast.
      const { generateReport } = await import('../node/experiments/report.js');
      const { files, warnings } = await generateReport({ inputs, out: f.out, dataDir: f.dataDir });
      for (const w of warnings) process.stderr.write(`report: warning: ${w}\n`);
      process.stderr.write(`report: wrote ${f.out} and ${files.length - 1} charts/images\n`);
    });
}
