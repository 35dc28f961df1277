// Compiles a condition string, once, into a tree of small closures: parse (jsep) → check against
// the allow-list → lower → closures. Evaluation walks no AST, allocates nothing on the common
// path and never throws: a type error makes the condition false and is reported by
// `evaluateDetailed`, for the router's trace. This file is the public face of that pipeline; the
// lowering itself is in compile-node.ts.
import { ConditionSyntaxError } from '../errors.js';
import { checkCondition, type ConditionNode } from './check-ast.js';
import { clauseChainOf, compileNode } from './compile-node.js';
import type { ClauseChain } from './evaluator.js';
import { CONDITION_FUNCTIONS, EvaluationFailure } from './functions.js';
import { ensureJsepSetup, jsepGrammarKey, parseSource } from './jsep-setup.js';
import { findExcessiveNesting, resolveLimits } from './limits.js';
import { readOwn } from '../own-data.js';
import { listPaths } from './plan-path-reads.js';
import { describeType } from './safe-read.js';

export { CONDITION_FUNCTIONS };

export interface ConditionOptions {
  /** Longest accepted source, checked before parsing. Default 2000 characters. */
  maxLength?: number;
  /** Deepest nesting (brackets, operators, calls), checked before and after parsing. Default 32. */
  maxDepth?: number;
  /** Most AST nodes. Default 500. */
  maxNodes?: number;
  /** Most elements in one array literal. Default 256. */
  maxArrayLength?: number;
}

/** What a condition reads: `task`, `context`, `agent`, `model`, `data`, `daily_cost`, `budget`, `cost_limit_reached`. */
export type ConditionScope = Readonly<Record<string, unknown>>;

export interface ConditionEvaluation {
  value: boolean;
  /** Why evaluation failed (a type error, or the scope threw); `value` is then false. */
  error?: string;
}

export interface CompiledCondition {
  readonly source: string;
  /** Truthiness of the expression; never throws. A type error (e.g. arithmetic on a string) makes it false. */
  evaluate(scope: ConditionScope): boolean;
  /** Same, but reports why evaluation failed (for the router's trace). */
  evaluateDetailed(scope: ConditionScope): ConditionEvaluation;
  /** The raw value of the expression (undefined on error) — for tooling. */
  evaluateValue(scope: ConditionScope): unknown;
  /** Root names read, e.g. ['task','data','budget_mode'] */
  readonly identifiers: readonly string[];
  /** Member paths read with literal keys, e.g. ['task.complexity','data.contains_pii','model.type'] (bare context names appear as 'context.budget_mode'). */
  readonly paths: readonly string[];
}

function describeThrown(error: unknown): string {
  try {
    if (error instanceof EvaluationFailure) return error.reason;
    const message = readOwn(error, 'message');
    const detail = typeof message === 'string' && message !== '' ? `: ${message.length > 200 ? `${message.slice(0, 197)}...` : message}` : '';
    return `reading the scope failed${detail}`;
  } catch {
    return 'reading the scope failed';
  }
}

const TRUE_RESULT: ConditionEvaluation = Object.freeze({ value: true });
const FALSE_RESULT: ConditionEvaluation = Object.freeze({ value: false });

/**
 * Conditions compiled with the default limits, by source. A compiled condition is a pure function
 * of its source and holds no state (its closures keep nothing between evaluations, its lists are
 * frozen), so the same text compiled again — the same rule in many agents, a configuration
 * reloaded — is the same object. Only successes are kept: the last 500 to 1000 sources used, in
 * two generations (the older one is dropped whole when the newer one fills).
 */
const GENERATION_SIZE = 500;
let recent = new Map<string, CompiledCondition>();
let older = new Map<string, CompiledCondition>();
/** The jsep grammar the cached conditions were compiled under. */
let cachedGrammar = '';

function remember(source: string, condition: CompiledCondition): void {
  if (recent.size >= GENERATION_SIZE) {
    older = recent;
    recent = new Map();
  }
  recent.set(source, condition);
}

/**
 * Compiles a condition such as `task.complexity > 8 and not data.contains_pii`.
 * Throws ConditionSyntaxError (with the character index) for anything outside the language.
 */
export function compileCondition(source: string, options?: ConditionOptions): CompiledCondition {
  if (typeof source !== 'string') {
    throw new ConditionSyntaxError('', 0, `a condition must be a string, got ${describeType(source)}`);
  }
  if (options !== undefined) return compileFresh(source, options);
  // Parsing re-asserts jsep's words (another library may have changed them); so does a cache hit.
  // What was compiled under another grammar (another library changed an operator) is dropped.
  ensureJsepSetup();
  const grammar = jsepGrammarKey();
  if (grammar !== cachedGrammar) {
    recent = new Map();
    older = new Map();
    cachedGrammar = grammar;
  }
  const known = recent.get(source) ?? older.get(source);
  if (known !== undefined) {
    if (!recent.has(source)) remember(source, known);
    return known;
  }
  const fresh = compileFresh(source, undefined);
  remember(source, fresh);
  return fresh;
}

function compileFresh(source: string, options: ConditionOptions | undefined): CompiledCondition {
  const limits = resolveLimits(options);
  if (source.length > limits.maxLength) {
    throw new ConditionSyntaxError(source, limits.maxLength, `condition is longer than ${limits.maxLength} characters`);
  }
  if (!/\S/.test(source)) throw new ConditionSyntaxError(source, 0, 'condition is empty');
  const tooDeep = findExcessiveNesting(source, limits.maxDepth);
  if (tooDeep >= 0) {
    throw new ConditionSyntaxError(source, tooDeep, `condition is nested more than ${limits.maxDepth} levels deep`);
  }

  let parsed;
  try {
    parsed = parseSource(source);
  } catch (error) {
    throw toSyntaxError(source, error);
  }
  try {
    const { root, identifiers } = checkCondition(source, parsed, limits);
    return build(source, root, identifiers);
  } catch (error) {
    // The limits keep recursion shallow; this only matters when a caller raised them a lot.
    if (error instanceof RangeError) throw new ConditionSyntaxError(source, 0, 'condition is nested too deeply to compile');
    throw error;
  }
}

function toSyntaxError(source: string, error: unknown): ConditionSyntaxError {
  if (ConditionSyntaxError.isInstance(error)) return error;
  if (error instanceof RangeError) return new ConditionSyntaxError(source, 0, 'condition is nested too deeply to parse');
  let index = 0;
  let reason = 'could not parse the condition';
  try {
    const at = readOwn(error, 'index');
    const description = readOwn(error, 'description') ?? readOwn(error, 'message');
    if (typeof at === 'number' && Number.isInteger(at) && at >= 0) index = Math.min(at, source.length);
    if (typeof description === 'string' && description !== '') reason = description;
  } catch {
    // keep the generic reason
  }
  return new ConditionSyntaxError(source, index, reason);
}

/** The chains of clauses the compiled conditions are, for the rule sets that read their paths once. */
const CHAINS = new WeakMap<CompiledCondition, ClauseChain>();

/**
 * The condition as a chain of short paths tested against constants (`task.type == 'a' and
 * task.complexity > 3`), or undefined when it is anything else. Internal: the router's rule plans
 * (path-slots.ts) read each such path once per decision instead of once per rule.
 */
export function conditionChain(condition: CompiledCondition): ClauseChain | undefined {
  return CHAINS.get(condition);
}

function build(source: string, root: ConditionNode, identifierList: readonly string[]): CompiledCondition {
  const compiled = compileNode(root);
  const run = compiled.run;

  const evaluateValue = (scope: ConditionScope): unknown => {
    try {
      return run(scope);
    } catch {
      return undefined;
    }
  };
  const evaluate = (scope: ConditionScope): boolean => {
    try {
      return run(scope) ? true : false;
    } catch {
      return false;
    }
  };
  const evaluateDetailed = (scope: ConditionScope): ConditionEvaluation => {
    try {
      return run(scope) ? TRUE_RESULT : FALSE_RESULT;
    } catch (error) {
      return { value: false, error: describeThrown(error) };
    }
  };

  // Shared through the cache: nothing a caller does to them may reach another caller.
  Object.freeze(evaluateValue);
  Object.freeze(evaluate);
  Object.freeze(evaluateDetailed);
  const condition: CompiledCondition = Object.freeze({
    source,
    evaluate,
    evaluateDetailed,
    evaluateValue,
    // A fresh list from checkCondition, owned by this condition from now on.
    identifiers: Object.freeze(identifierList),
    paths: Object.freeze(listPaths(root)),
  });
  const chain = clauseChainOf(compiled);
  if (chain) CHAINS.set(condition, chain);
  return condition;
}
