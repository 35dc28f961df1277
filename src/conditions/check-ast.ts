// The allow-list. jsep's AST (whatever plugins produced it) is checked node by node and lowered to
// the small closed tree below; anything not listed here is a ConditionSyntaxError with the
// character index of the offending construct. Names are resolved here too: scope roots, bare
// context names, literals.
import { ConditionSyntaxError } from '../errors.js';
import { CONDITION_FUNCTIONS, FUNCTION_SPECS, isConditionFunction, type ConditionFunctionName } from './functions.js';
import type { ParsedSource } from './jsep-setup.js';
import type { ConditionLimits } from './limits.js';
import { FORBIDDEN_KEYS } from './safe-read.js';

/** Names that read the scope directly; every other bare name reads `context.<name>`. */
export const SCOPE_ROOTS: ReadonlySet<string> = new Set([
  'task',
  'context',
  'agent',
  'model',
  'data',
  'daily_cost',
  'budget',
  'cost_limit_reached',
]);

export type LiteralValue = string | number | boolean | null | undefined;
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type BinaryOperator = ComparisonOperator | ArithmeticOperator | 'in' | 'not in';

/** The checked, lowered condition tree. `at` is the source index used in messages. */
export type ConditionNode =
  | { readonly kind: 'literal'; readonly value: LiteralValue; readonly at: number }
  | { readonly kind: 'array'; readonly items: readonly ConditionNode[]; readonly at: number }
  | { readonly kind: 'root'; readonly name: string; readonly at: number }
  | { readonly kind: 'member'; readonly object: ConditionNode; readonly key: string | number; readonly at: number }
  | { readonly kind: 'computed'; readonly object: ConditionNode; readonly key: ConditionNode; readonly at: number }
  | { readonly kind: 'not'; readonly argument: ConditionNode; readonly at: number }
  | { readonly kind: 'negate'; readonly argument: ConditionNode; readonly at: number }
  | {
      readonly kind: 'binary';
      readonly operator: BinaryOperator;
      readonly left: ConditionNode;
      readonly right: ConditionNode;
      readonly at: number;
    }
  | { readonly kind: 'logical'; readonly operator: 'and' | 'or'; readonly operands: readonly ConditionNode[]; readonly at: number }
  | {
      readonly kind: 'conditional';
      readonly test: ConditionNode;
      readonly consequent: ConditionNode;
      readonly alternate: ConditionNode;
      readonly at: number;
    }
  | { readonly kind: 'call'; readonly name: ConditionFunctionName; readonly args: readonly ConditionNode[]; readonly at: number };

export interface CheckedCondition {
  readonly root: ConditionNode;
  /** Bare names read, as written (`task`, `budget_mode`), in order of first use. */
  readonly identifiers: readonly string[];
}

type RawNode = Record<string, unknown>;

const BINARY_OPERATORS: Readonly<Record<string, BinaryOperator>> = {
  '==': '==',
  '===': '==',
  '!=': '!=',
  '!==': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  in: 'in',
  'not in': 'not in',
};

const LOGICAL_OPERATORS: Readonly<Record<string, 'and' | 'or'>> = { '&&': 'and', and: 'and', '||': 'or', or: 'or' };

const LITERAL_NAMES: ReadonlyMap<string, LiteralValue> = new Map<string, LiteralValue>([
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
]);

/** Python spellings that would otherwise silently read `context.True`. */
const PYTHON_LITERALS: ReadonlyMap<string, string> = new Map([
  ['True', 'true'],
  ['False', 'false'],
  ['None', 'null'],
]);

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/** `IDENTIFIER.test(text)`, without the Unicode regular expression for the ASCII names nearly all are. */
function isIdentifier(text: string): boolean {
  const length = text.length;
  if (length === 0) return false;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    const letter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
    if (letter || (index > 0 && code >= 48 && code <= 57)) continue;
    return code >= 128 && IDENTIFIER.test(text);
  }
  return true;
}

function isNode(value: unknown): value is RawNode {
  return typeof value === 'object' && value !== null && typeof (value as RawNode).type === 'string';
}

function logicalGroup(node: unknown): 'and' | 'or' | undefined {
  if (!isNode(node) || (node.type !== 'BinaryExpression' && node.type !== 'LogicalExpression')) return undefined;
  const operator = node.operator;
  return typeof operator === 'string' && Object.hasOwn(LOGICAL_OPERATORS, operator) ? LOGICAL_OPERATORS[operator] : undefined;
}

/** Child nodes of the node types the condition language knows; unknown types are rejected later. */
function childrenOf(node: RawNode): unknown[] {
  switch (node.type) {
    case 'BinaryExpression':
    case 'LogicalExpression':
      return [node.left, node.right];
    case 'UnaryExpression':
      return [node.argument];
    case 'MemberExpression':
      return [node.object, node.property];
    case 'CallExpression':
      return [node.callee, ...(Array.isArray(node.arguments) ? node.arguments : [])];
    case 'ConditionalExpression':
      return [node.test, node.consequent, node.alternate];
    case 'ArrayExpression':
      return Array.isArray(node.elements) ? node.elements : [];
    case 'Compound':
      return Array.isArray(node.body) ? node.body : [];
    case 'SequenceExpression':
      return Array.isArray(node.expressions) ? node.expressions : [];
    default:
      return [];
  }
}

function shown(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Checks the AST and lowers it. Throws ConditionSyntaxError. */
export function checkCondition(source: string, parsed: ParsedSource, limits: ConditionLimits): CheckedCondition {
  const fail = (at: number, reason: string): never => {
    throw new ConditionSyntaxError(source, at, reason);
  };

  // 1. Size and depth, iteratively (jsep builds long operator chains without recursing, so the
  //    tree may be deeper than the pre-scan saw). Chains of one logical operator count as one level:
  //    they are compiled as a flat list.
  {
    const nodes: unknown[] = [parsed.ast];
    const depths: number[] = [1];
    let count = 0;
    while (nodes.length > 0) {
      const node = nodes.pop();
      const depth = depths.pop() as number;
      if (!isNode(node)) continue;
      if (++count > limits.maxNodes) fail(parsed.locate(node), `condition has more than ${limits.maxNodes} nodes`);
      if (depth > limits.maxDepth) fail(parsed.locate(node), `condition is nested more than ${limits.maxDepth} levels deep`);
      if (node.type === 'ArrayExpression' && Array.isArray(node.elements) && node.elements.length > limits.maxArrayLength) {
        const extra: unknown = node.elements[limits.maxArrayLength];
        fail(isNode(extra) ? parsed.locate(extra) : parsed.locate(node), `array literal has more than ${limits.maxArrayLength} elements`);
      }
      const group = logicalGroup(node);
      for (const child of childrenOf(node)) {
        nodes.push(child);
        depths.push(group !== undefined && logicalGroup(child) === group ? depth : depth + 1);
      }
    }
  }

  const identifiers: string[] = [];
  const seen = new Set<string>();
  const noteIdentifier = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name);
      identifiers.push(name);
    }
  };

  const resolveName = (name: string, at: number): ConditionNode => {
    if (LITERAL_NAMES.has(name)) return { kind: 'literal', value: LITERAL_NAMES.get(name), at };
    if (name === 'this') fail(at, '`this` is not allowed');
    const python = PYTHON_LITERALS.get(name);
    if (python !== undefined) fail(at, `unknown name "${name}": write ${python}`);
    if (!isIdentifier(name)) fail(at, `invalid name "${shown(name)}"`);
    if (FORBIDDEN_KEYS.has(name)) fail(at, `name "${name}" is not allowed`);
    noteIdentifier(name);
    if (SCOPE_ROOTS.has(name)) return { kind: 'root', name, at };
    return { kind: 'member', object: { kind: 'root', name: 'context', at }, key: name, at };
  };

  const staticKey = (value: LiteralValue, at: number): string | number => {
    if (typeof value === 'string') {
      if (FORBIDDEN_KEYS.has(value)) fail(at, `property "${value}" is not allowed`);
      return value;
    }
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    return fail(at, 'a property key must be a string or a non-negative integer');
  };

  const lower = (node: unknown): ConditionNode => {
    if (!isNode(node)) return fail(0, 'malformed expression');
    const at = parsed.locate(node);
    switch (node.type) {
      case 'Literal': {
        const { value, raw } = node;
        if (typeof raw === 'string' && isIdentifier(raw)) {
          // A word jsep turned into a literal: `true`/`false`/`null`, or a name another library
          // registered with jsep.addLiteral, which must not change what conditions mean.
          return resolveName(raw, at);
        }
        if (typeof value === 'string' || (typeof value === 'number' && !Number.isNaN(value))) {
          return { kind: 'literal', value, at };
        }
        return fail(at, `unsupported literal ${typeof raw === 'string' ? shown(raw) : ''}`.trim());
      }
      case 'Identifier': {
        const { name } = node;
        if (typeof name !== 'string') return fail(at, 'malformed name');
        return resolveName(name, at);
      }
      case 'ThisExpression':
        return fail(at, '`this` is not allowed');
      case 'ArrayExpression': {
        const elements = Array.isArray(node.elements) ? (node.elements as unknown[]) : [];
        const items = elements.map((element) => {
          if (element === null || element === undefined) return fail(at, 'empty array element');
          return lower(element);
        });
        return { kind: 'array', items, at };
      }
      case 'MemberExpression': {
        const object = lower(node.object);
        const property = node.property;
        const propertyAt = isNode(property) ? parsed.locate(property) : at;
        if (node.computed !== true) {
          if (!isNode(property) || property.type !== 'Identifier' || typeof property.name !== 'string') {
            return fail(propertyAt, 'expected a property name');
          }
          const name = property.name;
          if (!isIdentifier(name)) fail(propertyAt, `invalid property name "${shown(name)}"`);
          return { kind: 'member', object, key: staticKey(name, propertyAt), at: propertyAt };
        }
        const key = lower(property);
        if (key.kind === 'literal') return { kind: 'member', object, key: staticKey(key.value, propertyAt), at: propertyAt };
        return { kind: 'computed', object, key, at: propertyAt };
      }
      case 'CallExpression': {
        const callee = node.callee;
        const calleeAt = isNode(callee) ? parsed.locate(callee) : at;
        if (!isNode(callee) || callee.type !== 'Identifier' || typeof callee.name !== 'string') {
          const what = isNode(callee) && callee.type === 'MemberExpression' ? 'method calls are not allowed' : 'only built-in functions can be called';
          return fail(calleeAt, `${what} (allowed: ${CONDITION_FUNCTIONS.join(', ')})`);
        }
        const name = callee.name;
        if (!isConditionFunction(name)) {
          return fail(calleeAt, `unknown function "${shown(name)}" (allowed: ${CONDITION_FUNCTIONS.join(', ')})`);
        }
        const args = Array.isArray(node.arguments) ? (node.arguments as unknown[]) : [];
        const spec = FUNCTION_SPECS[name];
        if (args.length < spec.minArgs || args.length > spec.maxArgs) {
          const expected =
            spec.maxArgs === Infinity ? `at least ${spec.minArgs}` : spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs}-${spec.maxArgs}`;
          fail(calleeAt, `${name}() takes ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length}`);
        }
        return { kind: 'call', name, args: args.map(lower), at: calleeAt };
      }
      case 'UnaryExpression': {
        const operator = node.operator;
        if (operator === '!' || operator === 'not') return { kind: 'not', argument: lower(node.argument), at };
        if (operator === '-') return { kind: 'negate', argument: lower(node.argument), at };
        return fail(at, `operator "${typeof operator === 'string' ? shown(operator) : '?'}" is not allowed`);
      }
      case 'BinaryExpression':
      case 'LogicalExpression': {
        const operator = node.operator;
        const operatorAt = parsed.locateOperator(node);
        if (typeof operator !== 'string') return fail(operatorAt, 'malformed operator');
        const group = logicalGroup(node);
        if (group !== undefined) {
          // Flatten `a and b and c` (however jsep nested it) without recursing along the chain.
          const operands: ConditionNode[] = [];
          const pending: unknown[] = [node];
          while (pending.length > 0) {
            const next = pending.pop();
            if (logicalGroup(next) === group) {
              const chain = next as RawNode;
              pending.push(chain.right, chain.left);
            } else {
              operands.push(lower(next));
            }
          }
          return { kind: 'logical', operator: group, operands, at: operatorAt };
        }
        if (!Object.hasOwn(BINARY_OPERATORS, operator)) return fail(operatorAt, `operator "${shown(operator)}" is not allowed`);
        return {
          kind: 'binary',
          operator: BINARY_OPERATORS[operator] as BinaryOperator,
          left: lower(node.left),
          right: lower(node.right),
          at: operatorAt,
        };
      }
      case 'ConditionalExpression':
        return {
          kind: 'conditional',
          test: lower(node.test),
          consequent: lower(node.consequent),
          alternate: lower(node.alternate),
          at,
        };
      case 'Compound': {
        const body = Array.isArray(node.body) ? (node.body as unknown[]) : [];
        if (body.length === 0) return fail(0, 'expected an expression');
        return fail(separatorBefore(source, parsed.locate(body[1])), 'only one expression is allowed (join conditions with `and` / `or`)');
      }
      case 'SequenceExpression': {
        const expressions = Array.isArray(node.expressions) ? (node.expressions as unknown[]) : [];
        return fail(separatorBefore(source, parsed.locate(expressions[1])), 'comma-separated expressions are not allowed');
      }
      default:
        return fail(at, `unsupported syntax (${shown(node.type as string)})`);
    }
  };

  return { root: lower(parsed.ast), identifiers };
}

/** The `;` or `,` just before `index` (across whitespace), else `index` itself. */
function separatorBefore(source: string, index: number): number {
  let at = index - 1;
  while (at >= 0 && /\s/.test(source.charAt(at))) at--;
  const char = source.charAt(at);
  return char === ';' || char === ',' ? at : index;
}
