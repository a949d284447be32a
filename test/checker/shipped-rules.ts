/** The rules as shipped in flows/checker/, loaded once per test file. */
import { loadCheckerRulesOrThrow } from '../../src/checker/load-rules.js';
import { resolveFlowsDir } from '../../src/paths.js';

export const FLOWS = resolveFlowsDir('flows');
export const rules = loadCheckerRulesOrThrow(FLOWS);
