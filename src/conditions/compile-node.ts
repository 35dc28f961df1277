// Lowers a checked condition tree to closures, one per node: constants are folded, comparisons
// with a number constant and membership in a literal list are fused into a single closure, and
// literal paths are read through the memo plan. Everything here runs once, at compile time; only
// the closures it returns run per evaluation.
import type { ConditionNode } from './check-ast.js';
import type { Compiled, Evaluator } from './evaluator.js';
import { FUNCTION_SPECS } from './functions.js';
import { allOf, anyOf, arithmetic, compareWithNumber, fail, FLIPPED, orderingTest } from './operators.js';
import { pathReader } from './path-reader.js';
import { staticPath } from './plan-path-reads.js';
import { describeType, membership, ownArrayIncludes, readComputed, readStatic } from './safe-read.js';

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

/** The closure for `node`; `memoSlots` comes from `planPathReads` on the whole tree. */
export function compileNode(node: ConditionNode, memoSlots: ReadonlyMap<string, number>): Compiled {
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
