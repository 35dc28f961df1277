// The condition parser: jsep plus the seed's Python-style words (`and`, `or`, `not`, `in`,
// `not in`), with the source position of every token kept for error messages.
//
// jsep's operator tables are global to the process, so the words are registered there
// (idempotently, re-asserted before every parse). Everything else (positions, the Python
// precedence of `not`) lives in a private subclass and so never changes how another library's
// jsep parses. Nothing here decides what is allowed: the AST is checked against the allow-list
// after every parse, whatever plugins other code has registered.
import jsep from 'jsep';

export type JsepNode = jsep.Expression;

/** jsep's own precedences: `||` 1, `&&` 2, `==` 6, `<` 7, `+` 9, `*` 10. */
const WORD_BINARY_OPERATORS: ReadonlyArray<readonly [string, number]> = [
  ['or', 1],
  ['and', 2],
  ['in', 7],
  ['not in', 7],
];
const WORD_UNARY_OPERATORS: readonly string[] = ['not'];
const WORD_OPERATORS_AT_END: readonly string[] = ['and', 'or', 'in'];

/** Operators at or below this precedence end the operand of `not` (`or`, `||`, `and`, `&&`, `??`). */
const NOT_OPERAND_FLOOR = 2;

/** The parts of jsep's parser class this module relies on (jsep 1.x). */
interface JsepParserInstance {
  index: number;
  readonly expr: string;
  parse(): JsepNode;
  gobbleSpaces(): void;
  gobbleToken(): JsepNode | false | undefined;
  gobbleBinaryOp(): string | false;
  gobbleIdentifier(): JsepNode;
  throwError(message: string): never;
}

interface JsepParserStatics {
  binary_ops: Record<string, number>;
  unary_ops: Record<string, unknown>;
  right_associative: Set<string>;
  literals?: Record<string, unknown>;
  additional_identifier_chars?: Set<string>;
  isIdentifierPart(code: number): boolean;
  addBinaryOp(name: string, precedence: number, rightToLeft?: boolean): unknown;
  addUnaryOp(name: string): unknown;
}

type JsepParserClass = (new (expr: string) => JsepParserInstance) & JsepParserStatics;

function jsepClass(): JsepParserClass {
  const candidate = (jsep as unknown as { Jsep?: unknown }).Jsep;
  if (typeof candidate !== 'function' || typeof (candidate.prototype as { gobbleToken?: unknown }).gobbleToken !== 'function') {
    throw new Error('llm-agent-router conditions need jsep 1.x (its Jsep parser class was not found)');
  }
  return candidate as JsepParserClass;
}

/**
 * Registers `and`, `or`, `in`, `not in` (binary) and `not` (unary) on jsep. Idempotent, and cheap
 * enough to run before every parse, so a library that removed or re-ranked one of these words
 * cannot change how conditions parse.
 */
export function ensureJsepSetup(): void {
  const Jsep = jsepClass();
  for (const [name, precedence] of WORD_BINARY_OPERATORS) {
    if (!Object.hasOwn(Jsep.binary_ops, name) || Jsep.binary_ops[name] !== precedence || Jsep.right_associative.has(name)) {
      Jsep.addBinaryOp(name, precedence, false);
    }
  }
  for (const name of WORD_UNARY_OPERATORS) {
    if (!Object.hasOwn(Jsep.unary_ops, name)) Jsep.addUnaryOp(name);
  }
}

/**
 * What jsep's process-wide grammar is now (operators and their precedence, literals, identifier
 * characters), as a string: a condition compiled under one grammar is not reused under another.
 */
export function jsepGrammarKey(): string {
  const Jsep = jsepClass();
  let key = '';
  for (const name in Jsep.binary_ops) key += `${name}\u0001${String(Jsep.binary_ops[name])}\u0002`;
  key += '\u0003';
  for (const name in Jsep.unary_ops) key += `${name}\u0002`;
  key += '\u0003';
  for (const name of Jsep.right_associative) key += `${name}\u0002`;
  key += '\u0003';
  for (const name in Jsep.literals) key += `${name}\u0002`;
  return `${key}\u0003${String(Jsep.additional_identifier_chars ? [...Jsep.additional_identifier_chars].join('') : '')}`;
}

/** A parsed condition and where its nodes are in the source. */
export interface ParsedSource {
  readonly ast: JsepNode;
  /** 0-based index of the first character of `node` (its leftmost token), or 0 if unknown. */
  locate(node: unknown): number;
  /** 0-based index of the operator of a binary node, falling back to `locate`. */
  locateOperator(node: unknown): number;
}

interface ConditionParserInstance extends JsepParserInstance {
  readonly starts: Map<unknown, number>;
  readonly operatorStarts: Map<unknown, number>;
}

let parserClass: (new (expr: string) => ConditionParserInstance) | undefined;

function conditionParserClass(): new (expr: string) => ConditionParserInstance {
  if (parserClass) return parserClass;
  const Jsep = jsepClass();

  const precedenceOf = (operator: string): number =>
    Object.hasOwn(Jsep.binary_ops, operator) ? (Jsep.binary_ops[operator] ?? 0) : 0;

  class ConditionParser extends Jsep implements ConditionParserInstance {
    readonly starts = new Map<unknown, number>();
    /** Right operand of a binary expression → index of the operator before it. */
    readonly operatorStarts = new Map<unknown, number>();
    private pendingOperator = -1;

    private wordAt(word: string, at: number): boolean {
      return this.expr.startsWith(word, at) && !Jsep.isIdentifierPart(this.expr.charCodeAt(at + word.length));
    }

    override gobbleToken(): JsepNode | false | undefined {
      const operatorStart = this.pendingOperator;
      this.pendingOperator = -1;
      this.gobbleSpaces();
      const start = this.index;
      const node = this.wordAt('not', start) ? this.gobbleNot() : super.gobbleToken();
      if (node) {
        if (!this.starts.has(node)) this.starts.set(node, start);
        if (operatorStart >= 0) this.operatorStarts.set(node, operatorStart);
      }
      return node;
    }

    override gobbleIdentifier(): JsepNode {
      const start = this.index;
      const node = super.gobbleIdentifier();
      this.starts.set(node, start);
      return node;
    }

    /** `and`, `or` or `in` as a whole word at `at`. */
    private wordOperatorAt(at: number): string | undefined {
      for (const word of WORD_OPERATORS_AT_END) {
        if (this.expr.charCodeAt(at) === word.charCodeAt(0) && this.wordAt(word, at)) return word;
      }
      return undefined;
    }

    override gobbleBinaryOp(): string | false {
      this.gobbleSpaces();
      const start = this.index;
      let operator: string | false;
      if (this.wordAt('not', start)) {
        // `x not in y`, with any whitespace between the two words.
        let at = start + 3;
        while (at < this.expr.length && /\s/.test(this.expr.charAt(at))) at++;
        if (at > start + 3 && this.wordAt('in', at)) {
          this.index = at + 2;
          operator = 'not in';
        } else {
          operator = false;
        }
      } else {
        // jsep only takes a word operator that has a character after it; `task.a and` at the end
        // of the text should still read as `and` missing its right side.
        const word = this.wordOperatorAt(start);
        if (word !== undefined) {
          this.index = start + word.length;
          operator = word;
        } else {
          operator = super.gobbleBinaryOp();
        }
      }
      this.pendingOperator = operator ? start : -1;
      return operator;
    }

    /**
     * `not` binds like Python's: looser than comparisons, tighter than `and` / `or`, so
     * `not task.type == 'x'` means `not (task.type == 'x')`. (`!` keeps JavaScript's binding.)
     */
    private gobbleNot(): JsepNode {
      this.index += 3;
      const first = this.gobbleToken();
      if (!first) this.throwError('Expected an expression after "not"');
      const operands: JsepNode[] = [first];
      const operators: { op: string; precedence: number }[] = [];
      const reduce = (): void => {
        const right = operands.pop();
        const left = operands.pop();
        const top = operators.pop();
        if (!right || !left || !top) this.throwError('Malformed expression after "not"');
        operands.push({ type: 'BinaryExpression', operator: top.op, left, right });
      };
      for (;;) {
        const before = this.index;
        const op = this.gobbleBinaryOp();
        if (!op) break;
        const precedence = precedenceOf(op);
        if (precedence <= NOT_OPERAND_FLOOR) {
          this.index = before;
          this.pendingOperator = -1;
          break;
        }
        const right = this.gobbleToken();
        if (!right) this.throwError(`Expected expression after ${op}`);
        const rightAssociative = Jsep.right_associative.has(op);
        while (operators.length > 0) {
          const top = operators[operators.length - 1];
          if (!top || (rightAssociative ? precedence >= top.precedence : precedence > top.precedence)) break;
          reduce();
        }
        operators.push({ op, precedence });
        operands.push(right);
      }
      while (operators.length > 0) reduce();
      const argument = operands[0];
      if (!argument) this.throwError('Expected an expression after "not"');
      return { type: 'UnaryExpression', operator: 'not', argument, prefix: true };
    }
  }

  parserClass = ConditionParser;
  return ConditionParser;
}

/** Leftmost child of a node, for nodes whose own start was not recorded. */
function leftmostChild(node: Record<string, unknown>): unknown {
  switch (node.type) {
    case 'BinaryExpression':
    case 'LogicalExpression':
      return node.left;
    case 'MemberExpression':
      return node.object;
    case 'CallExpression':
      return node.callee;
    case 'ConditionalExpression':
      return node.test;
    case 'Compound':
      return Array.isArray(node.body) ? node.body[0] : undefined;
    case 'SequenceExpression':
      return Array.isArray(node.expressions) ? node.expressions[0] : undefined;
    default:
      return undefined;
  }
}

/**
 * Parses `source` with jsep (after registering the word operators). Throws jsep's own errors
 * (with `index`); the caller turns them into `ConditionSyntaxError`.
 */
export function parseSource(source: string): ParsedSource {
  ensureJsepSetup();
  const Parser = conditionParserClass();
  const parser = new Parser(source);
  const ast = parser.parse();
  const { starts, operatorStarts } = parser;
  const locate = (node: unknown): number => {
    let current = node;
    for (let steps = 0; steps < 10_000 && typeof current === 'object' && current !== null; steps++) {
      const start = starts.get(current);
      if (start !== undefined) return start;
      current = leftmostChild(current as Record<string, unknown>);
    }
    return 0;
  };
  const locateOperator = (node: unknown): number => {
    if (typeof node === 'object' && node !== null) {
      const at = operatorStarts.get((node as { right?: unknown }).right);
      if (at !== undefined) return at;
    }
    return locate(node);
  };
  return { ast, locate, locateOperator };
}
