import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ConfigError, DataError } from '../errors.js';
import { loadModel, saveModel } from '../node/model-file.js';
import { writeFileAtomic } from '../node/safetensors-file.js';
import { columnsOf, wrapText } from '../node/terminal.js';
import { architectureOf } from '../nn/io.js';
import { createLoss, LOSSES, type LossName } from '../nn/losses/index.js';
import { ONNX_OPSET, toOnnx } from '../nn/onnx.js';
import { fromTorchStateDict, toTorchStateDict } from '../nn/torch.js';
import { packageVersion } from './version.js';

interface ConvertFlags {
  from?: string;
  to?: string;
  arch?: string;
  loss: LossName;
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new DataError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export function convertCommand(): Command {
  return new Command('convert')
    .description(
      "convert weights between a PyTorch nn.Sequential state_dict (safetensors; keys 0.weight [out, in], 0.bias, 2.weight, ...) and a scratchnet model file, or a scratchnet model to ONNX (the inference graph, with predict's probabilities)",
    )
    .argument('<in>', 'input file (safetensors)')
    .argument('<out>', 'output file (safetensors; .onnx with --to onnx)')
    .addOption(new Option('--from <format>', 'read a torch state_dict, write a scratchnet model (needs --arch)').choices(['torch']))
    .addOption(new Option('--to <format>', 'read a scratchnet model, write a torch state_dict (prints the architecture to build) or an ONNX model (opset 17)').choices(['torch', 'onnx']))
    .option('--arch <modules>', "the torch Sequential, as torch prints it: 'Linear(10, 64), ReLU(), Linear(64, 1)'")
    .addOption(new Option('--loss <name>', 'the loss stored in the scratchnet model (how predict reads the outputs; mse: raw outputs, as torch)').choices(LOSSES).default('mse'))
    .action((input: string, output: string, f: ConvertFlags) => {
      if ((f.from === undefined) === (f.to === undefined)) throw new ConfigError('convert: give exactly one of --from torch, --to torch or --to onnx');
      if (f.from) {
        if (!f.arch) throw new ConfigError("convert --from torch needs --arch, e.g. --arch 'Linear(10, 64), ReLU(), Linear(64, 1)'");
        const model = fromTorchStateDict(readBytes(input), f.arch, {}, input);
        saveModel(output, model, architectureOf(model, f.loss), { convertedFrom: { format: 'torch', arch: f.arch } });
        process.stdout.write(`${wrapText(`${input} (torch ${f.arch}) → ${output}: ${model.parameterCount} parameters`, columnsOf(process.stdout))}\n`);
        return;
      }
      if (f.to === 'onnx') {
        const { model, architecture } = loadModel(input);
        writeFileAtomic(output, toOnnx(model, architecture, { version: packageVersion() }), 'ONNX model');
        const out = { softmax: 'softmax probabilities', sigmoid: 'sigmoid probabilities', linear: 'raw outputs' }[createLoss(architecture.loss).output];
        process.stdout.write(`${input} → ${output} (ONNX, opset ${ONNX_OPSET}): input 'input' [batch, ${model.inputWidth}], output 'output' [batch, ${model.outputWidth}] (${out})\n`);
        return;
      }
      const { model } = loadModel(input);
      const { bytes, arch } = toTorchStateDict(model);
      writeFileAtomic(output, bytes, 'state_dict');
      // the nn.Sequential stays one line, to be pasted whole
      process.stdout.write(`${wrapText(`${input} → ${output} (torch state_dict); build the model as:`, columnsOf(process.stdout))}\nnn.Sequential(${arch})\n`);
    });
}
