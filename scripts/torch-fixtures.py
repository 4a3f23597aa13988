#!/usr/bin/env python3
"""PyTorch reference numbers for test/per-backend/torch-fixtures.test.ts, written as JSON under test/fixtures/.

Run by hand (not in CI), from the repository root, with a Python that has torch >= 1.13 (Debian:
`apt-get install python3-torch`):

    python3 scripts/torch-fixtures.py

It writes, all in float64:

* test/fixtures/torch-mlp-grads.json -- a 5-4-3 MLP (Dense, activation, Dense; y = x @ W + b with
  W as [in, out], scratchnet's layout) on a batch of 6 rows, for every hidden activation (GELU exact
  and tanh) and every loss (softmax cross-entropy with soft targets, sigmoid binary cross-entropy
  from logits, MSE): the loss and the gradient of every parameter and of the input.
* test/fixtures/torch-optimizers.json -- 100 steps of every torch.optim rule scratchnet implements,
  with its options, on two parameters (a weight w with weight decay and a bias b in a param group
  with weight_decay=0, as scratchnet's per-parameter decay 0 for biases), with the gradient
  g_t = a * (theta - c) + s_t * d (a, c, d, s_t stored in the file): theta after chosen steps.
* test/fixtures/torch-layer-norm.json -- nn.LayerNorm between two Linear layers (dense, layer norm,
  tanh, dense, softmax cross-entropy) on a batch of 6 rows: the normalised values, the loss and the
  gradient of every parameter and of the input.

Inputs are drawn from a seeded torch.Generator, so the output is the same on every run. JSON floats
are written with repr(), which round-trips float64 exactly.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures')


def uniform(gen, shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(shape, generator=gen, dtype=torch.float64)


def tolist(t):
    return t.detach().tolist()


# scratchnet kind -> torch function; alphas are scratchnet's defaults (LeakyReLU 0.01, ELU 1.0)
ACTIVATIONS = {
    'sigmoid': torch.sigmoid,
    'tanh': torch.tanh,
    'relu': F.relu,
    'leaky_relu': lambda z: F.leaky_relu(z, 0.01),
    'elu': lambda z: F.elu(z, 1.0),
    'gelu': lambda z: F.gelu(z),
    'gelu_tanh': lambda z: F.gelu(z, approximate='tanh'),
    'silu': F.silu,
}

# scratchnet loss name -> (torch loss on logits, target maker)
LOSSES = {
    # soft targets: torch's cross_entropy with class probabilities, mean over the batch
    'softmax_cross_entropy': (lambda z, t: F.cross_entropy(z, t), lambda g, n, k: F.softmax(uniform(g, (n, k), -2, 2), dim=1)),
    'sigmoid_cross_entropy': (lambda z, t: F.binary_cross_entropy_with_logits(z, t), lambda g, n, k: uniform(g, (n, k), 0, 1)),
    'mse': (lambda z, t: F.mse_loss(z, t), lambda g, n, k: uniform(g, (n, k))),
}


def mlp_grads():
    gen = torch.Generator().manual_seed(20240613)
    batch, sizes = 6, (5, 4, 3)
    x = uniform(gen, (batch, sizes[0]))
    weights = {
        'dense_1.weight': uniform(gen, (sizes[0], sizes[1])),
        'dense_1.bias': uniform(gen, (sizes[1],), -0.5, 0.5),
        'dense_2.weight': uniform(gen, (sizes[1], sizes[2])),
        'dense_2.bias': uniform(gen, (sizes[2],), -0.5, 0.5),
    }
    targets = {name: make(gen, batch, sizes[2]) for name, (_, make) in LOSSES.items()}
    cases = []
    for act_name, act in ACTIVATIONS.items():
        for loss_name, (loss_fn, _) in LOSSES.items():
            xs = x.clone().requires_grad_(True)
            ps = {k: v.clone().requires_grad_(True) for k, v in weights.items()}
            h = act(xs @ ps['dense_1.weight'] + ps['dense_1.bias'])
            z = h @ ps['dense_2.weight'] + ps['dense_2.bias']
            loss = loss_fn(z, targets[loss_name])
            loss.backward()
            grads = {k: tolist(p.grad) for k, p in ps.items()}
            grads['input'] = tolist(xs.grad)
            cases.append({'activation': act_name, 'loss': loss_name, 'value': loss.item(), 'grads': grads})
    return {
        'generator': 'scripts/torch-fixtures.py',
        'torch': torch.__version__,
        'model': 'x [6, 5] -> dense_1 (W [5, 4], b [4]) -> activation -> dense_2 (W [4, 3], b [3]) -> loss',
        'input': tolist(x),
        'weights': {k: tolist(v) for k, v in weights.items()},
        'targets': {k: tolist(v) for k, v in targets.items()},
        'cases': cases,
    }


STEPS = 100
CHECKPOINTS = [1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]

# (scratchnet name, scratchnet options, torch class, torch kwargs); the bias group always has weight_decay=0
OPTIMIZERS = [
    ('sgd', {'lr': 0.1}, torch.optim.SGD, {'lr': 0.1}),
    ('sgd', {'lr': 0.1, 'weightDecay': 0.01}, torch.optim.SGD, {'lr': 0.1, 'weight_decay': 0.01}),
    ('sgd', {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1, 'weightDecay': 0.01}, torch.optim.SGD,
     {'lr': 0.05, 'momentum': 0.9, 'dampening': 0.1, 'weight_decay': 0.01}),
    ('sgd', {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.01}, torch.optim.SGD,
     {'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weight_decay': 0.01}),
    ('adagrad', {'lr': 0.1}, torch.optim.Adagrad, {'lr': 0.1}),
    ('adagrad', {'lr': 0.1, 'lrDecay': 0.01, 'weightDecay': 0.01, 'initialAccumulatorValue': 0.1, 'eps': 1e-6},
     torch.optim.Adagrad, {'lr': 0.1, 'lr_decay': 0.01, 'weight_decay': 0.01, 'initial_accumulator_value': 0.1, 'eps': 1e-6}),
    ('rmsprop', {'lr': 0.01}, torch.optim.RMSprop, {'lr': 0.01}),
    ('rmsprop', {'lr': 0.01, 'alpha': 0.9, 'eps': 1e-6, 'weightDecay': 0.01, 'momentum': 0.5}, torch.optim.RMSprop,
     {'lr': 0.01, 'alpha': 0.9, 'eps': 1e-6, 'weight_decay': 0.01, 'momentum': 0.5}),
    ('rmsprop', {'lr': 0.01, 'centered': True, 'momentum': 0.9}, torch.optim.RMSprop, {'lr': 0.01, 'centered': True, 'momentum': 0.9}),
    ('adam', {'lr': 0.01}, torch.optim.Adam, {'lr': 0.01}),
    ('adam', {'lr': 0.01, 'beta1': 0.8, 'beta2': 0.99, 'eps': 1e-6, 'weightDecay': 0.05}, torch.optim.Adam,
     {'lr': 0.01, 'betas': (0.8, 0.99), 'eps': 1e-6, 'weight_decay': 0.05}),
    ('adamw', {'lr': 0.01}, torch.optim.AdamW, {'lr': 0.01}),
    ('adamw', {'lr': 0.01, 'beta1': 0.5, 'beta2': 0.9999, 'eps': 1e-7, 'weightDecay': 0.1}, torch.optim.AdamW,
     {'lr': 0.01, 'betas': (0.5, 0.9999), 'eps': 1e-7, 'weight_decay': 0.1}),
]


def optimizer_trajectories():
    gen = torch.Generator().manual_seed(7)
    # w: 4 values, b: 2 values; g = a * (theta - c) + s_t * d, element-wise over [w, b]
    a = uniform(gen, (6,), 0.5, 2.0)
    c = uniform(gen, (6,))
    d = uniform(gen, (6,), -0.5, 0.5)
    s = uniform(gen, (STEPS,))
    theta0 = uniform(gen, (6,), -2, 2)
    cases = []
    for name, options, cls, kwargs in OPTIMIZERS:
        w = theta0[:4].clone().requires_grad_(True)
        b = theta0[4:].clone().requires_grad_(True)
        # foreach=False: the plain per-tensor loop of each rule (the default on CPU anyway)
        opt = cls([{'params': [w]}, {'params': [b], 'weight_decay': 0.0}], **kwargs, foreach=False)
        trajectory = []
        for t in range(1, STEPS + 1):
            with torch.no_grad():
                theta = torch.cat([w, b])
                g = a * (theta - c) + s[t - 1] * d
                w.grad = g[:4].clone()
                b.grad = g[4:].clone()
            opt.step()
            if t in CHECKPOINTS:
                trajectory.append(tolist(torch.cat([w, b])))
        torch_call = '%s(%s)' % (cls.__name__, ', '.join('%s=%r' % kv for kv in kwargs.items()))
        cases.append({'optimizer': name, 'options': options, 'torch': torch_call, 'trajectory': trajectory})
    return {
        'generator': 'scripts/torch-fixtures.py',
        'torch': torch.__version__,
        'problem': 'theta = [w (4 values, weight decay), b (2 values, a param group with weight_decay=0)]; '
                   'at step t (1-based) the gradient is g = a * (theta - c) + s[t-1] * d, element-wise',
        'a': tolist(a), 'c': tolist(c), 'd': tolist(d), 's': tolist(s), 'theta0': tolist(theta0),
        'steps': STEPS,
        'checkpoints': CHECKPOINTS,
        'cases': cases,
    }


def layer_norm():
    """nn.LayerNorm(4) (eps 1e-5) between two Linear layers: dense_1 -> layer_norm -> tanh -> dense_2 -> softmax CE."""
    gen = torch.Generator().manual_seed(20261207)
    batch, sizes = 6, (5, 4, 3)
    x = uniform(gen, (batch, sizes[0]), -2, 2)
    weights = {
        'dense_1.weight': uniform(gen, (sizes[0], sizes[1])),
        'dense_1.bias': uniform(gen, (sizes[1],), -0.5, 0.5),
        'layer_norm_1.gamma': uniform(gen, (sizes[1],), 0.5, 1.5),
        'layer_norm_1.beta': uniform(gen, (sizes[1],), -0.5, 0.5),
        'dense_2.weight': uniform(gen, (sizes[1], sizes[2])),
        'dense_2.bias': uniform(gen, (sizes[2],), -0.5, 0.5),
    }
    target = F.softmax(uniform(gen, (batch, sizes[2]), -2, 2), dim=1)
    xs = x.clone().requires_grad_(True)
    ps = {k: v.clone().requires_grad_(True) for k, v in weights.items()}
    norm = torch.nn.LayerNorm(sizes[1], eps=1e-5)
    with torch.no_grad():
        norm.weight.copy_(ps['layer_norm_1.gamma'])
        norm.bias.copy_(ps['layer_norm_1.beta'])
    h1 = xs @ ps['dense_1.weight'] + ps['dense_1.bias']
    # the module's own forward (weight and bias are its parameters), its gradients read from them
    normed = norm(h1)
    z = torch.tanh(normed) @ ps['dense_2.weight'] + ps['dense_2.bias']
    loss = F.cross_entropy(z, target)
    loss.backward()
    grads = {k: tolist(p.grad) for k, p in ps.items() if p.grad is not None}
    grads['layer_norm_1.gamma'] = tolist(norm.weight.grad)
    grads['layer_norm_1.beta'] = tolist(norm.bias.grad)
    grads['input'] = tolist(xs.grad)
    return {
        'generator': 'scripts/torch-fixtures.py',
        'torch': torch.__version__,
        'model': 'x [6, 5] -> dense_1 (W [5, 4], b [4]) -> nn.LayerNorm(4, eps=1e-5) -> tanh -> dense_2 (W [4, 3], b [3]) -> softmax cross-entropy',
        'input': tolist(x),
        'weights': {k: tolist(v) for k, v in weights.items()},
        'target': tolist(target),
        'normalized': tolist(normed),
        'cases': [{'value': loss.item(), 'grads': grads}],
    }


def write(name, data):
    """One top-level key per line, and one line per case: small, and diffs stay readable."""
    path = os.path.join(OUT, name)
    lines = []
    for key, value in data.items():
        if key == 'cases':
            body = ',\n'.join('  ' + json.dumps(case) for case in value)
            lines.append(' %s: [\n%s\n ]' % (json.dumps(key), body))
        else:
            lines.append(' %s: %s' % (json.dumps(key), json.dumps(value)))
    with open(path, 'w') as f:
        f.write('{\n' + ',\n'.join(lines) + '\n}\n')
    print('%s: %d bytes' % (os.path.relpath(path), os.path.getsize(path)))


if __name__ == '__main__':
    if tuple(int(v) for v in torch.__version__.split('.')[:2]) < (1, 13):
        sys.exit('torch >= 1.13 is needed (cross_entropy with class probabilities, gelu approximate=), found ' + torch.__version__)
    os.makedirs(OUT, exist_ok=True)
    write('torch-mlp-grads.json', mlp_grads())
    write('torch-optimizers.json', optimizer_trajectories())
    write('torch-layer-norm.json', layer_norm())
