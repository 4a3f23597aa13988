import { ConfigError } from '../../errors.js';
import { isLossFactory, type LossFactory } from './define.js';
import type { Loss } from './loss.js';
import * as registry from './registry.js';

export * from './registry.js';
export { defineLoss, type LossEntry, type LossFactory } from './define.js';
export { BaseLoss, type Loss, type OutputActivation } from './loss.js';

type Registry = typeof registry;
type Factories = { [K in keyof Registry]: Registry[K] extends LossFactory<string, string, object> ? Registry[K] : never }[keyof Registry];

/** Every registered name. */
export type LossName = Factories['lossName'];
/** Other names {@link createLoss} takes: Keras's and torch's spellings. */
export type LossAlias = Factories['aliases'][number];

const FACTORIES = new Map<string, LossFactory<string, string, object>>();
for (const v of Object.values(registry)) {
  if (!isLossFactory(v)) continue;
  if (FACTORIES.has(v.lossName)) throw new Error(`loss registry: two losses are named '${v.lossName}'`);
  FACTORIES.set(v.lossName, v);
}
const BY_ALIAS = new Map<string, LossFactory<string, string, object>>();
for (const f of FACTORIES.values()) for (const a of f.aliases) BY_ALIAS.set(a, f);

/** Names accepted by {@link createLoss}, `--loss`, configs and model files. */
export const LOSSES = [...FACTORIES.keys()] as readonly LossName[];
/** The losses of real-valued targets (a linear output). */
export const REGRESSION_LOSSES: readonly LossName[] = LOSSES.filter((name) => createLoss(name).output === 'linear');

/** A loss by name (a typo fails to compile; a name from a config file is checked at run time). */
export function createLoss(name: LossName | LossAlias): Loss {
  const f = FACTORIES.get(name) ?? BY_ALIAS.get(name);
  if (!f) throw new ConfigError(`loss: unknown loss '${name}', expected one of ${LOSSES.join(', ')}`);
  return f();
}
