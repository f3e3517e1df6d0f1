/**
 * Falco-compatible rule engine: parse conditions, load rule files (rules,
 * macros, lists, append/override, exceptions), compile them to closures
 * indexed by event type, evaluate runtime events, format alerts.
 */
export { parseCondition, ConditionSyntaxError, type ParseOptions } from './parser.js';
export type { Expr, Pos, BinaryOp, FieldRef, TransformerExpr } from './ast.js';
export { exprToString } from './ast.js';
export { loadRules, RuleSet, type Alert, type DisabledRule, type DisabledReason, type LoadOptions, type RuleInfo } from './ruleset.js';
export { ENGINE_VERSION, type RuleFile, type LoadNote } from './loader.js';
export { RulesLoadError, PRIORITIES, parsePriority, type Priority, type Problem } from './model.js';
export { eventTypesOf, canonicalEventType, ALL_EVENT_TYPES } from './evttypes.js';
export { formatOutput } from './format.js';
export { listFields } from './fields/registry.js';
export type { Source } from './fields/types.js';
export { defaultRuleFile, DEFAULT_RULES_NAME } from './default-rules.js';
export { replay, readAuditLog, replayInputVerdict, type ReplayInputVerdict, type ReplayOptions, type ReplayResult, type AuditLogResult, type ReadStats, type LineProblem } from './replay.js';
export { auditEventsOf, toRuntimeEvents } from './event-schema.js';
export { benchRuleEngine, generateEvents, type BenchResult } from './bench.js';
