// The explicit, sorted registry of every rule (updated by `npm run new-rule`).

import type { Rule } from '../engine/rule';

export const ALL_RULES: readonly Rule[] = [
];
