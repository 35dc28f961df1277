// Compiles a condition string, once, into a tree of small closures: parse (jsep) → check against
// the allow-list → lower → closures. Evaluation walks no AST, allocates nothing on the common
// path and never throws: a type error makes the condition false and is reported by
// `evaluateDetailed`, for the router's trace.
import { ConditionSyntaxError } from '../errors.js';
import { checkCondition, type ArithmeticOperator, type ConditionNode } from './check-ast.js';
import { CONDITION_FUNCTIONS, EvaluationFailure, FUNCTION_SPECS } from './functions.js';
import { parseSource } from './jsep-setup.js';
import { findExcessiveNesting, resolveLimits } from './limits.js';
import {
  describeType,
  membership,
  ownArrayIncludes,
  readComputed,
  readOwn,
  readStatic,
} from './safe-read.js';

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

/** Per-evaluation cache of scope paths read more than once (`task` in `task.a > 1 and task.b`). */
type Memo = unknown[] | undefined;
type Evaluator = (scope: unknown, memo: Memo) => unknown;

interface Compiled {
  readonly run: Evaluator;
  /** Present when the value is known at compile time. */
  readonly constant?: { readonly value: unknown };
  /** The value is always an array the condition built itself, so it can be scanned directly. */
  readonly ownArray?: boolean;
}

interface StaticPath {
  readonly root: string;
  readonly keys: readonly (string | number)[];
}

function staticPath(node: ConditionNode): StaticPath | undefined {
  const keys: (string | number)[] = [];
  let current = node;
  while (current.kind === 'member') {
    keys.push(current.key);
    current = current.object;
  }
  return current.kind === 'root' ? { root: current.name, keys: keys.reverse() } : undefined;
}

function formatPath(root: string, keys: readonly (string | number)[]): string {
  let text = root;
  for (const key of keys) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}

/** Every maximal literal path the condition reads, once per place it is read. */
function pathReads(node: ConditionNode, out: StaticPath[]): void {
  const path = staticPath(node);
  if (path) {
    out.push(path);
    return;
  }
  switch (node.kind) {
    case 'literal':
    case 'root':
      return;
    case 'array':
      node.items.forEach((item) => pathReads(item, out));
      return;
    case 'member':
      pathReads(node.object, out);
      return;
    case 'computed':
      pathReads(node.object, out);
      pathReads(node.key, out);
      return;
    case 'not':
    case 'negate':
      pathReads(node.argument, out);
      return;
    case 'binary':
      pathReads(node.left, out);
      pathReads(node.right, out);
      return;
    case 'logical':
      node.operands.forEach((operand) => pathReads(operand, out));
      return;
    case 'conditional':
      pathReads(node.test, out);
      pathReads(node.consequent, out);
      pathReads(node.alternate, out);
      return;
    case 'call':
      node.args.forEach((arg) => pathReads(arg, out));
      return;
  }
}

const fail = (reason: string): never => {
  throw new EvaluationFailure(reason);
};

/**
 * A missing operand (undefined) makes the result missing too, the way a missing field compares
 * false: `daily_cost > budget * 0.8` is simply false when no budget is set. Any other mismatch
 * (a string times a number) is a type error.
 */
function arithmeticFailure(operator: ArithmeticOperator, left: unknown, right: unknown): unknown {
  if (left === undefined || right === undefined) return undefined;
  const expected = operator === '+' ? 'two numbers or two strings' : 'numbers';
  return fail(`'${operator}' expects ${expected}, got ${describeType(left)} and ${describeType(right)}`);
}

function arithmetic(operator: ArithmeticOperator): (left: unknown, right: unknown) => unknown {
  switch (operator) {
    case '+':
      return (left, right) => {
        if (typeof left === 'number' && typeof right === 'number') return left + right;
        if (typeof left === 'string' && typeof right === 'string') return left + right;
        return arithmeticFailure('+', left, right);
      };
    case '-':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left - right : arithmeticFailure('-', left, right);
    case '*':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left * right : arithmeticFailure('*', left, right);
    case '/':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left / right : arithmeticFailure('/', left, right);
    case '%':
      return (left, right) =>
        typeof left === 'number' && typeof right === 'number' ? left % right : arithmeticFailure('%', left, right);
  }
}

type Ordering = '<' | '<=' | '>' | '>=';
const FLIPPED: Readonly<Record<Ordering, Ordering>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `left <op> right` for two numbers or two strings; anything else is false. */
function orderingTest(operator: Ordering): (left: unknown, right: unknown) => boolean {
  switch (operator) {
    case '<':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a < b : typeof a === 'string' && typeof b === 'string' && a < b);
    case '<=':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a <= b : typeof a === 'string' && typeof b === 'string' && a <= b);
    case '>':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a > b : typeof a === 'string' && typeof b === 'string' && a > b);
    case '>=':
      return (a, b) => (typeof a === 'number' ? typeof b === 'number' && a >= b : typeof a === 'string' && typeof b === 'string' && a >= b);
  }
}

/** `value <op> constant` with a number constant, fused into one closure (the common rule shape). */
function compareWithNumber(operator: Ordering, read: Evaluator, constant: number): Evaluator {
  switch (operator) {
    case '<':
      return (scope, memo) => {
        const value = read(scope, memo);
        return typeof value === 'number' && value < constant;
      };
    case '<=':
      return (scope, memo) => {
        const value = read(scope, memo);
        return typeof value === 'number' && value <= constant;
      };
    case '>':
      return (scope, memo) => {
        const value = read(scope, memo);
        return typeof value === 'number' && value > constant;
      };
    case '>=':
      return (scope, memo) => {
        const value = read(scope, memo);
        return typeof value === 'number' && value >= constant;
      };
  }
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
 * Compiles a condition such as `task.complexity > 8 and not data.contains_pii`.
 * Throws ConditionSyntaxError (with the character index) for anything outside the language.
 */
export function compileCondition(source: string, options?: ConditionOptions): CompiledCondition {
  if (typeof source !== 'string') {
    throw new ConditionSyntaxError('', 0, `a condition must be a string, got ${describeType(source)}`);
  }
  const limits = resolveLimits(options);
  if (source.length > limits.maxLength) {
    throw new ConditionSyntaxError(source, limits.maxLength, `condition is longer than ${limits.maxLength} characters`);
  }
  if (source.trim() === '') throw new ConditionSyntaxError(source, 0, 'condition is empty');
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

function build(source: string, root: ConditionNode, identifierList: readonly string[]): CompiledCondition {
  // Paths read in more than one place (or sharing a prefix) are memoised per evaluation, so
  // `task.complexity > 6 and task.type == 'x'` asks for `task` once.
  const reads: StaticPath[] = [];
  pathReads(root, reads);
  const prefixUses = new Map<string, number>();
  for (const { root: name, keys } of reads) {
    for (let length = 0; length <= keys.length; length++) {
      const id = formatPath(name, keys.slice(0, length));
      prefixUses.set(id, (prefixUses.get(id) ?? 0) + 1);
    }
  }
  const memoSlots = new Map<string, number>();
  for (const [id, uses] of prefixUses) if (uses > 1) memoSlots.set(id, memoSlots.size);
  const memoSize = memoSlots.size;

  const paths: string[] = [];
  for (const { root: name, keys } of reads) {
    const text = formatPath(name, keys);
    if (!paths.includes(text)) paths.push(text);
  }

  const run = compileNode(root, memoSlots).run;

  const evaluateValue = (scope: ConditionScope): unknown => {
    try {
      return run(scope, memoSize > 0 ? new Array<unknown>(memoSize) : undefined);
    } catch {
      return undefined;
    }
  };
  const evaluate = (scope: ConditionScope): boolean => {
    try {
      return run(scope, memoSize > 0 ? new Array<unknown>(memoSize) : undefined) ? true : false;
    } catch {
      return false;
    }
  };
  const evaluateDetailed = (scope: ConditionScope): ConditionEvaluation => {
    try {
      return run(scope, memoSize > 0 ? new Array<unknown>(memoSize) : undefined) ? TRUE_RESULT : FALSE_RESULT;
    } catch (error) {
      return { value: false, error: describeThrown(error) };
    }
  };

  return Object.freeze({
    source,
    evaluate,
    evaluateDetailed,
    evaluateValue,
    identifiers: Object.freeze([...identifierList]),
    paths: Object.freeze(paths),
  });
}

function constantOf(value: unknown): Compiled {
  return { run: () => value, constant: { value } };
}

/** Folds a node whose inputs are all constants; a node that fails stays a runtime failure. */
function folded(compiled: Compiled, inputs: readonly Compiled[]): Compiled {
  if (!inputs.every((input) => input.constant !== undefined)) return compiled;
  try {
    const value = compiled.run(undefined, undefined);
    return { ...constantOf(Array.isArray(value) ? Object.freeze(value) : value), ownArray: compiled.ownArray === true };
  } catch {
    return compiled;
  }
}

function compileNode(node: ConditionNode, memoSlots: ReadonlyMap<string, number>): Compiled {
  const compile = (child: ConditionNode): Compiled => compileNode(child, memoSlots);

  switch (node.kind) {
    case 'literal':
      return constantOf(node.value);

    case 'root':
      return { run: pathReader(node.name, [], memoSlots) };

    case 'member': {
      const path = staticPath(node);
      if (path) return { run: pathReader(path.root, path.keys, memoSlots) };
      // A member of something computed: `(a ? task : data).x`, `[1, 2][0]`, `lower(s).x`.
      const object = compile(node.object);
      const readObject = object.run;
      const key = node.key;
      return folded({ run: (scope, memo) => readStatic(readObject(scope, memo), key) }, [object]);
    }

    case 'computed': {
      const object = compile(node.object);
      const key = compile(node.key);
      const readObject = object.run;
      const readKey = key.run;
      return folded({ run: (scope, memo) => readComputed(readObject(scope, memo), readKey(scope, memo)) }, [object, key]);
    }

    case 'array': {
      const items = node.items.map(compile);
      const runs = items.map((item) => item.run);
      const count = runs.length;
      const compiled: Compiled = {
        run: (scope, memo) => {
          const values = new Array<unknown>(count);
          for (let index = 0; index < count; index++) values[index] = (runs[index] as Evaluator)(scope, memo);
          return values;
        },
        ownArray: true,
      };
      return folded(compiled, items);
    }

    case 'not': {
      const argument = compile(node.argument);
      const read = argument.run;
      return folded({ run: (scope, memo) => !read(scope, memo) }, [argument]);
    }

    case 'negate': {
      const argument = compile(node.argument);
      const read = argument.run;
      return folded(
        {
          run: (scope, memo) => {
            const value = read(scope, memo);
            return typeof value === 'number' ? -value : value === undefined ? undefined : fail(`unary '-' expects a number, got ${describeType(value)}`);
          },
        },
        [argument],
      );
    }

    case 'logical': {
      const operands = node.operands.map(compile);
      const runs = operands.map((operand) => operand.run);
      return folded({ run: node.operator === 'and' ? allOf(runs) : anyOf(runs) }, operands);
    }

    case 'conditional': {
      const test = compile(node.test);
      const consequent = compile(node.consequent);
      const alternate = compile(node.alternate);
      const [t, c, a] = [test.run, consequent.run, alternate.run];
      return folded(
        {
          run: (scope, memo) => (t(scope, memo) ? c(scope, memo) : a(scope, memo)),
          ownArray: consequent.ownArray === true && alternate.ownArray === true,
        },
        [test, consequent, alternate],
      );
    }

    case 'call': {
      const args = node.args.map(compile);
      const runs = args.map((arg) => arg.run);
      if (node.name === 'has') {
        const read = runs[0] as Evaluator;
        return folded(
          {
            run: (scope, memo) => {
              const value = read(scope, memo);
              return value !== undefined && value !== null;
            },
          },
          args,
        );
      }
      const call = FUNCTION_SPECS[node.name].call;
      const count = runs.length;
      return folded(
        {
          run: (scope, memo) => {
            const values = new Array<unknown>(count);
            for (let index = 0; index < count; index++) values[index] = (runs[index] as Evaluator)(scope, memo);
            return call(values);
          },
        },
        args,
      );
    }

    case 'binary':
      return compileBinary(node, compile);
  }
}

function compileBinary(
  node: Extract<ConditionNode, { kind: 'binary' }>,
  compile: (child: ConditionNode) => Compiled,
): Compiled {
  const left = compile(node.left);
  const right = compile(node.right);
  const l = left.run;
  const r = right.run;
  const inputs = [left, right];
  const operator = node.operator;

  switch (operator) {
    case '==':
    case '!=': {
      const equal = operator === '==';
      if (right.constant) {
        const constant = right.constant.value;
        return folded({ run: equal ? (s, m) => l(s, m) === constant : (s, m) => l(s, m) !== constant }, inputs);
      }
      if (left.constant) {
        const constant = left.constant.value;
        return folded({ run: equal ? (s, m) => constant === r(s, m) : (s, m) => constant !== r(s, m) }, inputs);
      }
      return { run: equal ? (s, m) => l(s, m) === r(s, m) : (s, m) => l(s, m) !== r(s, m) };
    }

    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (right.constant && typeof right.constant.value === 'number' && !left.constant) {
        return { run: compareWithNumber(operator, l, right.constant.value) };
      }
      if (left.constant && typeof left.constant.value === 'number' && !right.constant) {
        return { run: compareWithNumber(FLIPPED[operator], r, left.constant.value) };
      }
      const test = orderingTest(operator);
      return folded({ run: (s, m) => test(l(s, m), r(s, m)) }, inputs);
    }

    case 'in':
    case 'not in': {
      const negate = operator === 'not in';
      let test: Evaluator;
      const haystack = right.constant?.value;
      if (right.constant && Array.isArray(haystack)) {
        test = (s, m) => ownArrayIncludes(haystack, l(s, m));
      } else if (right.constant && typeof haystack === 'string') {
        test = (s, m) => {
          const needle = l(s, m);
          return typeof needle === 'string' && haystack.includes(needle);
        };
      } else if (right.ownArray) {
        test = (s, m) => {
          const needle = l(s, m);
          return ownArrayIncludes(r(s, m) as unknown[], needle);
        };
      } else {
        test = (s, m) => {
          const needle = l(s, m);
          return membership(needle, r(s, m));
        };
      }
      return folded({ run: negate ? (s, m) => !test(s, m) : test }, inputs);
    }

    default: {
      const apply = arithmetic(operator);
      return folded({ run: (s, m) => apply(l(s, m), r(s, m)) }, inputs);
    }
  }
}

function allOf(runs: readonly Evaluator[]): Evaluator {
  const [a, b, c] = runs as [Evaluator, Evaluator, Evaluator];
  switch (runs.length) {
    case 2:
      return (s, m) => (a(s, m) ? !!b(s, m) : false);
    case 3:
      return (s, m) => (a(s, m) ? (b(s, m) ? !!c(s, m) : false) : false);
    default:
      return (s, m) => {
        for (const run of runs) if (!run(s, m)) return false;
        return true;
      };
  }
}

function anyOf(runs: readonly Evaluator[]): Evaluator {
  const [a, b, c] = runs as [Evaluator, Evaluator, Evaluator];
  switch (runs.length) {
    case 2:
      return (s, m) => (a(s, m) ? true : !!b(s, m));
    case 3:
      return (s, m) => (a(s, m) ? true : b(s, m) ? true : !!c(s, m));
    default:
      return (s, m) => {
        for (const run of runs) if (run(s, m)) return true;
        return false;
      };
  }
}

/**
 * Reads `root.keys...` from the scope, going through the memo for any prefix that is read in more
 * than one place. Short paths get their own closures: they are nearly all of them.
 */
function pathReader(root: string, keys: readonly (string | number)[], memoSlots: ReadonlyMap<string, number>): Evaluator {
  const build = (length: number): Evaluator => {
    // The longest shorter prefix that is memoised, if any, is where this read starts from.
    let from = length - 1;
    while (from >= 0 && !memoSlots.has(formatPath(root, keys.slice(0, from)))) from--;
    const rest = keys.slice(from < 0 ? 0 : from, length);
    const plain = from < 0 ? readFromScope(root, rest) : readKeys(build(from), rest);
    const slot = memoSlots.get(formatPath(root, keys.slice(0, length)));
    return slot === undefined ? plain : memoised(slot, plain);
  };
  return build(keys.length);
}

function memoised(slot: number, read: Evaluator): Evaluator {
  return (scope, memo) => {
    const cache = memo as unknown[];
    let value = cache[slot];
    if (value === undefined) {
      value = read(scope, memo);
      cache[slot] = value;
    }
    return value;
  };
}

function readFromScope(root: string, keys: readonly (string | number)[]): Evaluator {
  const [first, second] = keys;
  if (first === undefined) return (scope) => readOwn(scope, root);
  if (second === undefined) return (scope) => readStatic(readOwn(scope, root), first);
  if (keys.length === 2) return (scope) => readStatic(readStatic(readOwn(scope, root), first), second);
  return (scope) => {
    let value = readOwn(scope, root);
    for (const key of keys) value = readStatic(value, key);
    return value;
  };
}

function readKeys(base: Evaluator, keys: readonly (string | number)[]): Evaluator {
  const [first] = keys;
  if (first === undefined) return base;
  if (keys.length === 1) return (scope, memo) => readStatic(base(scope, memo), first);
  return (scope, memo) => {
    let value = base(scope, memo);
    for (const key of keys) value = readStatic(value, key);
    return value;
  };
}
