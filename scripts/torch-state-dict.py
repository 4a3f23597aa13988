#!/usr/bin/env python3
"""A PyTorch nn.Sequential and its state_dict as safetensors, for test/per-backend/torch-state-dict.test.ts.

Run by hand (not in CI), from the repository root, with a Python that has torch >= 1.13 (Debian:
`apt-get install python3-torch`); the safetensors package is not needed (the format is written here):

    python3 scripts/torch-state-dict.py

It writes, in float32:

* test/fixtures/torch-sequential.safetensors -- the state_dict of
  Sequential(Linear(5, 8), Tanh(), Linear(8, 6), GELU(), Linear(6, 3)), seeded: keys 0.weight [8, 5],
  0.bias, 2.weight, 2.bias, 4.weight, 4.bias (torch's [out, in] layout).
* test/fixtures/torch-sequential.json -- the architecture as torch prints it, a batch of 4 inputs and
  the model's outputs on it; then 3 steps of torch.optim.SGD(model.parameters(), lr=0.1,
  momentum=0.9, weight_decay=0.1) -- every parameter decayed, biases too -- on the MSE against fixed
  targets, and the outputs of the model after them.
"""
import json
import os
import struct

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')


def save_safetensors(tensors, path):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header['__metadata__'] = {'format': 'pt'}
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


def main():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 6), nn.GELU(), nn.Linear(6, 3))
    x = torch.rand(4, 5) * 4 - 2
    target = torch.rand(4, 3)
    save_safetensors(model.state_dict(), os.path.join(OUT, 'torch-sequential.safetensors'))
    with torch.no_grad():
        before = model(x)
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=0.1)
    for _ in range(3):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), target).backward()
        opt.step()
    with torch.no_grad():
        after = model(x)
    fixture = {
        'torch': torch.__version__,
        'arch': 'Linear(5, 8), Tanh(), Linear(8, 6), GELU(), Linear(6, 3)',
        'printed': str(model),
        'x': x.tolist(),
        'outputs': before.tolist(),
        'sgd': {'lr': 0.1, 'momentum': 0.9, 'weight_decay': 0.1, 'steps': 3, 'target': target.tolist(), 'outputs': after.tolist(),
                'state_dict': {k: v.flatten().tolist() for k, v in model.state_dict().items()}},
    }
    with open(os.path.join(OUT, 'torch-sequential.json'), 'w') as f:
        json.dump(fixture, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
