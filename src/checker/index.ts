/**
 * "Is this a scam?": the checker's public surface. Load the rules once (at start-up, like the
 * lessons), then call `checkMessage` for each message a resident forwards.
 *
 * @example
 * const rules = loadCheckerRulesOrThrow('flows');
 * const verdict = checkMessage(text, rules, { alerts });
 */
export { checkMessage } from './check.js';
export { CHECKER_DIR, checkRulesProblems, loadCheckerRules, loadCheckerRulesOrThrow, parseCheckerRules, type LoadRulesResult, type RulesTexts } from './load-rules.js';
export type { CheckerRules } from './rules.js';
export type { ActiveAlert, CheckedLink, CheckOptions, LinkVerdict, LocalText, Risk, ScamType, Signal, Verdict } from './types.js';
