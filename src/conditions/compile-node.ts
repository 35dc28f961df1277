// Lowers a checked condition tree to closures, one per node: constants are folded, a short path
// tested against a constant becomes a clause and chains of clauses one closure (clauses.ts),
// other comparisons with a number constant and membership in a literal list are fused into a
// single closure. Everything here runs once, at compile time; only the closures it returns run
// per evaluation.
import type { ConditionNode } from './check-ast.js';
import { chainEvaluator, clauseEvaluator, makeClause, membershipTest, negated, TEST, type Clause, type TestCode } from './clauses.js';
import type { ClauseChain, Compiled, Evaluator } from './evaluator.js';
import { FUNCTION_SPECS } from './functions.js';
import { allOf, anyOf, arithmetic, compareWithNumber, fail, FLIPPED, orderingTest } from './operators.js';
import { memberReader, pathReader } from './path-reader.js';
import { staticPath } from './plan-path-reads.js';
import { describeType, membership, ownArrayIncludes, readComputed } from './safe-read.js';

/** `root` or `root.key` with a string key: a path a clause can read. */
function shortPath(compiled: Compiled): { root: string; key: string | undefined } | undefined {
  const path = compiled.path;
  if (path === undefined) return undefined;
  if (path.keys.length === 0) return { root: path.root, key: undefined };
  const [key] = path.keys;
  return path.keys.length === 1 && typeof key === 'string' ? { root: path.root, key } : undefined;
}

function clauseOf(compiled: Compiled, test: TestCode, constant: unknown = undefined): Clause | undefined {
  const path = shortPath(compiled);
  return path && makeClause(path.root, path.key, test, constant);
}

/** The clause a node tests, as an operand of `and` / `or` / `not` (where only truthiness counts). */
function asOperand(compiled: Compiled): Clause | undefined {
  return compiled.clause ?? clauseOf(compiled, TEST.truthy);
}

/** The condition as a chain of clauses, when it is one (a lone clause, or clauses joined by `and` / `or`). */
export function clauseChainOf(compiled: Compiled): ClauseChain | undefined {
  if (compiled.chain) return compiled.chain;
  const clause = asOperand(compiled);
  return clause && { operator: 'and', clauses: Object.freeze([clause]) };
}

function fromClause(clause: Clause): Compiled {
  return { run: clauseEvaluator(clause), clause };
}

function constantOf(value: unknown): Compiled {
  return { run: () => value, constant: { value } };
}

/** Folds a node whose inputs are all constants; a node that fails stays a runtime failure. */
function folded(compiled: Compiled, inputs: readonly Compiled[]): Compiled {
  if (!inputs.every((input) => input.constant !== undefined)) return compiled;
  try {
    const value = compiled.run(undefined);
    return { ...constantOf(Array.isArray(value) ? Object.freeze(value) : value), ownArray: compiled.ownArray === true };
  } catch {
    return compiled;
  }
}

/** The closure for `node`. */
export function compileNode(node: ConditionNode): Compiled {
  const compile = compileNode;

  switch (node.kind) {
    case 'literal':
      return constantOf(node.value);

    case 'root':
      return { run: pathReader(node.name, []), path: { root: node.name, keys: [] } };

    case 'member': {
      const path = staticPath(node);
      if (path) return { run: pathReader(path.root, path.keys), path };
      // A member of something computed: `(a ? task : data).x`, `[1, 2][0]`, `lower(s).x`.
      const object = compile(node.object);
      const readObject = object.run;
      const key = node.key;
      return folded({ run: memberReader(readObject, key) }, [object]);
    }

    case 'computed': {
      const object = compile(node.object);
      const key = compile(node.key);
      const readObject = object.run;
      const readKey = key.run;
      return folded({ run: (scope) => readComputed(readObject(scope), readKey(scope)) }, [object, key]);
    }

    case 'array': {
      const items = node.items.map(compile);
      const runs = items.map((item) => item.run);
      const count = runs.length;
      const compiled: Compiled = {
        run: (scope) => {
          const values = new Array<unknown>(count);
          for (let index = 0; index < count; index++) values[index] = (runs[index] as Evaluator)(scope);
          return values;
        },
        ownArray: true,
      };
      return folded(compiled, items);
    }

    case 'not': {
      const argument = compile(node.argument);
      const clause = asOperand(argument);
      if (clause) return fromClause(negated(clause));
      const read = argument.run;
      return folded({ run: (scope) => !read(scope) }, [argument]);
    }

    case 'negate': {
      const argument = compile(node.argument);
      const read = argument.run;
      return folded(
        {
          run: (scope) => {
            const value = read(scope);
            return typeof value === 'number' ? -value : value === undefined ? undefined : fail(`unary '-' expects a number, got ${describeType(value)}`);
          },
        },
        [argument],
      );
    }

    case 'logical': {
      const operands = node.operands.map(compile);
      const clauses = operands.map(asOperand);
      if (clauses.every((clause) => clause !== undefined)) {
        const chain = { operator: node.operator, clauses: Object.freeze(clauses as Clause[]) };
        return { run: chainEvaluator(node.operator, chain.clauses), chain };
      }
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
          run: (scope) => (t(scope) ? c(scope) : a(scope)),
          ownArray: consequent.ownArray === true && alternate.ownArray === true,
        },
        [test, consequent, alternate],
      );
    }

    case 'call': {
      const args = node.args.map(compile);
      const runs = args.map((arg) => arg.run);
      if (node.name === 'has') {
        const clause = clauseOf(args[0] as Compiled, TEST.present);
        if (clause) return fromClause(clause);
        const read = runs[0] as Evaluator;
        return folded(
          {
            run: (scope) => {
              const value = read(scope);
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
          run: (scope) => {
            const values = new Array<unknown>(count);
            for (let index = 0; index < count; index++) values[index] = (runs[index] as Evaluator)(scope);
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

const ORDERING_TESTS = { '<': TEST.less, '<=': TEST.lessOrEqual, '>': TEST.greater, '>=': TEST.greaterOrEqual } as const;

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
      const clause = right.constant ? clauseOf(left, TEST.equal, right.constant.value) : left.constant ? clauseOf(right, TEST.equal, left.constant.value) : undefined;
      if (clause) return fromClause(equal ? clause : negated(clause));
      if (right.constant) {
        const constant = right.constant.value;
        return folded({ run: equal ? (s) => l(s) === constant : (s) => l(s) !== constant }, inputs);
      }
      if (left.constant) {
        const constant = left.constant.value;
        return folded({ run: equal ? (s) => constant === r(s) : (s) => constant !== r(s) }, inputs);
      }
      return { run: equal ? (s) => l(s) === r(s) : (s) => l(s) !== r(s) };
    }

    case '<':
    case '<=':
    case '>':
    case '>=': {
      const clause =
        right.constant && typeof right.constant.value === 'number'
          ? clauseOf(left, ORDERING_TESTS[operator], right.constant.value)
          : left.constant && typeof left.constant.value === 'number'
            ? clauseOf(right, ORDERING_TESTS[FLIPPED[operator]], left.constant.value)
            : undefined;
      if (clause) return fromClause(clause);
      if (right.constant && typeof right.constant.value === 'number' && !left.constant) {
        return { run: compareWithNumber(operator, l, right.constant.value) };
      }
      if (left.constant && typeof left.constant.value === 'number' && !right.constant) {
        return { run: compareWithNumber(FLIPPED[operator], r, left.constant.value) };
      }
      const test = orderingTest(operator);
      return folded({ run: (s) => test(l(s), r(s)) }, inputs);
    }

    case 'in':
    case 'not in': {
      const negate = operator === 'not in';
      let test: Evaluator;
      const haystack = right.constant?.value;
      if (right.constant && Array.isArray(haystack)) {
        const { test: code, constant } = membershipTest(haystack);
        const clause = clauseOf(left, code, constant);
        if (clause) return fromClause(negate ? negated(clause) : clause);
        test = (s) => ownArrayIncludes(haystack, l(s));
      } else if (right.constant && typeof haystack === 'string') {
        test = (s) => {
          const needle = l(s);
          return typeof needle === 'string' && haystack.includes(needle);
        };
      } else if (right.ownArray) {
        test = (s) => {
          const needle = l(s);
          return ownArrayIncludes(r(s) as unknown[], needle);
        };
      } else {
        test = (s) => {
          const needle = l(s);
          return membership(needle, r(s));
        };
      }
      return folded({ run: negate ? (s) => !test(s) : test }, inputs);
    }

    default: {
      const apply = arithmetic(operator);
      return folded({ run: (s) => apply(l(s), r(s)) }, inputs);
    }
  }
}
