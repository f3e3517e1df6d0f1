/**
 * Recursive-descent parser for the Falco condition language, following the
 * grammar libsinsp documents (or > and > not precedence, `not(`, field
 * arguments in brackets, list values in parentheses, transformers, `val()`).
 * Written from that grammar; no code is shared with libsinsp.
 *
 * Hostile input: the text is bounded in length and the recursion in depth;
 * both give a BulkheadError, never a stack overflow or a hang (every loop
 * consumes input).
 */
import { BulkheadError } from '../../core/errors.js';
import type {
  BinaryOp,
  Expr,
  FieldRef,
  FieldValueExpr,
  ListExpr,
  Operand,
  Pos,
  RightHand,
  TransformerExpr,
  TransformerName,
  ValueExpr,
} from './ast.js';

export interface ParseOptions {
  /** Maximum recursion depth (nested parentheses, `not`, transformers). Default 100, as libsinsp. */
  maxDepth?: number;
  /** Maximum condition length in characters. Default 256 KiB. */
  maxLength?: number;
}

export const DEFAULT_MAX_DEPTH = 100;
export const DEFAULT_MAX_CONDITION_LENGTH = 256 * 1024;

/** A syntax error inside a condition; `pos` is where in the condition text it was found. */
export class ConditionSyntaxError extends BulkheadError<'RULES_INVALID'> {
  readonly pos: Pos;
  readonly reason: string;
  constructor(reason: string, pos: Pos) {
    super('RULES_INVALID', `condition syntax error at line ${pos.line} column ${pos.col}: ${reason}`, {
      where: `condition:${pos.line}:${pos.col}`,
      hint: 'fix the condition; see the Falco condition syntax (and/or/not, field op value, lists in parentheses)',
    });
    this.name = 'ConditionSyntaxError';
    this.pos = { ...pos };
    this.reason = reason;
  }
}

const BLANK = new Set([' ', '\t', '\b', '\r', '\n', '\f', '\v']);
const NUM_OPS = ['<=', '<', '>=', '>'] as const;
const STR_OPS_SYMBOL = ['==', '=', '!='] as const;
// Word operators need a blank after them (libsinsp requires a space; any blank is accepted here).
const STR_OPS_WORD = ['glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith'] as const;
const LIST_OPS = ['intersects', 'in', 'pmatch'] as const;
const TRANSFORMER_NAMES: readonly TransformerName[] = ['tolower', 'toupper', 'b64', 'basename', 'len'];

const RE_IDENT = /[a-zA-Z][a-zA-Z0-9_]*/y;
const RE_FIELD = /[a-zA-Z][a-zA-Z0-9_]*(?:\.[a-zA-Z][a-zA-Z0-9_]*)+/y;
const RE_FIELD_ARG_BARE = /[^\][\s"']+/y;
const RE_HEX = /0[xX][0-9a-zA-Z]+/y;
const RE_NUM = /[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?/y;
const RE_BARE = /[^()"'\s=,]+/y;
const RE_NOT_BLANK = /not\s+/y;

class Parser {
  private i = 0;
  private line = 1;
  private col = 1;
  private depth = 0;
  private lastToken = '';

  constructor(
    private readonly s: string,
    private readonly maxDepth: number,
  ) {}

  /** The whole input read as one quoted string, or undefined. */
  wholeQuoted(): string | undefined {
    const v = this.quoted();
    return v !== undefined && this.i === this.s.length ? v : undefined;
  }

  parse(): Expr {
    if (this.s.trim().length === 0) this.fail('the condition is empty');
    const e = this.parseOr();
    this.blank();
    if (this.i !== this.s.length) {
      this.fail(this.lastToken ? `unexpected text after '${this.lastToken}', expecting 'and', 'or' or the end` : 'unexpected text');
    }
    return e;
  }

  private pos(): Pos {
    return { idx: this.i, line: this.line, col: this.col };
  }

  private fail(reason: string, at?: Pos): never {
    throw new ConditionSyntaxError(reason, at ?? this.pos());
  }

  private enter(): void {
    this.depth++;
    if (this.depth > this.maxDepth) this.fail(`the condition nests deeper than ${this.maxDepth} levels`);
  }

  private leave(): void {
    this.depth--;
  }

  private advance(n: number): void {
    for (let k = 0; k < n; k++) {
      const c = this.s[this.i];
      this.i++;
      if (c === '\n' || c === '\r') {
        this.line++;
        this.col = 1;
      } else {
        this.col++;
      }
    }
  }

  private blank(): boolean {
    let found = false;
    while (this.i < this.s.length && BLANK.has(this.s[this.i]!)) {
      this.advance(1);
      found = true;
    }
    return found;
  }

  private peekStr(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }

  private str(t: string): boolean {
    if (!this.peekStr(t)) return false;
    this.lastToken = t;
    this.advance(t.length);
    return true;
  }

  private rgx(re: RegExp): boolean {
    re.lastIndex = this.i;
    const m = re.exec(this.s);
    if (!m || m.index !== this.i || m[0].length === 0) return false;
    this.lastToken = m[0];
    this.advance(m[0].length);
    return true;
  }

  private parseOr(): Expr {
    this.enter();
    const p = this.pos();
    this.blank();
    const children: Expr[] = [this.parseAnd()];
    this.blank();
    while (this.keyword('or')) {
      children.push(this.afterKeyword('or'));
      this.blank();
    }
    this.leave();
    return children.length > 1 ? { kind: 'or', children, pos: p } : children[0]!;
  }

  private parseAnd(): Expr {
    this.enter();
    const p = this.pos();
    this.blank();
    const children: Expr[] = [this.parseNot()];
    this.blank();
    while (this.keyword('and')) {
      children.push(this.afterKeyword('and'));
      this.blank();
    }
    this.leave();
    return children.length > 1 ? { kind: 'and', children, pos: p } : children[0]!;
  }

  /** `and`/`or` must be followed by a blank or `(`. */
  private keyword(k: 'and' | 'or'): boolean {
    return this.str(k);
  }

  private afterKeyword(k: 'and' | 'or'): Expr {
    if (this.blank()) return k === 'or' ? this.parseAnd() : this.parseNot();
    if (this.str('(')) return this.parseEmbeddedRemainder();
    return this.fail(`expected a blank or '(' after '${k}'`);
  }

  private parseNot(): Expr {
    this.enter();
    const p = this.pos();
    this.blank();
    let negate = false;
    let guard = 0;
    while (this.rgx(RE_NOT_BLANK)) {
      negate = !negate;
      if (++guard > this.maxDepth) this.fail(`more than ${this.maxDepth} 'not' in a row`);
    }
    let child: Expr;
    if (this.str('not(')) {
      negate = !negate;
      child = this.parseEmbeddedRemainder();
    } else {
      child = this.parseCheck();
    }
    this.leave();
    return negate ? { kind: 'not', child, pos: p } : child;
  }

  private parseEmbeddedRemainder(): Expr {
    this.enter();
    this.blank();
    const child = this.parseOr();
    this.blank();
    if (!this.str(')')) this.fail("expected a ')'");
    this.leave();
    return child;
  }

  private parseCheck(): Expr {
    this.enter();
    const p = this.pos();
    this.blank();
    let out: Expr;
    if (this.str('(')) {
      out = this.parseEmbeddedRemainder();
    } else if (this.rgx(RE_FIELD)) {
      const left = this.parseFieldRemainder(this.lastToken, p);
      out = this.parseCondition(left, p);
    } else {
      const t = this.transformerStart();
      if (t) {
        const left = this.parseTransformerRemainder(t, p);
        out = this.parseCondition(left, p);
      } else if (this.rgx(RE_IDENT)) {
        out = { kind: 'identifier', name: this.lastToken, pos: p };
      } else {
        out = this.fail("expected '(', a field check or a macro name");
      }
    }
    this.leave();
    return out;
  }

  private transformerStart(): TransformerName | undefined {
    for (const t of TRANSFORMER_NAMES) {
      if (this.str(t + '(')) return t;
    }
    return undefined;
  }

  private parseFieldRemainder(name: string, p: Pos): FieldRef {
    const field: FieldRef = { kind: 'field', name, pos: p };
    if (this.str('[')) {
      const q = this.quoted();
      if (q !== undefined) field.arg = q;
      else if (this.rgx(RE_FIELD_ARG_BARE)) field.arg = this.lastToken;
      else this.fail('expected a field argument (a quoted or bare string) after "["');
      if (!this.str(']')) this.fail("expected a ']' closing the field argument");
    }
    return field;
  }

  private parseTransformerRemainder(name: TransformerName, p: Pos): TransformerExpr {
    this.enter();
    this.blank();
    const argPos = this.pos();
    let arg: FieldRef | TransformerExpr | undefined;
    const inner = this.transformerStart();
    if (inner) arg = this.parseTransformerRemainder(inner, argPos);
    else if (this.rgx(RE_FIELD)) arg = this.parseFieldRemainder(this.lastToken, argPos);
    if (!arg) this.fail(`expected a field or a transformer inside '${name}('`);
    this.blank();
    if (!this.str(')')) this.fail(`expected a ')' closing '${name}('`);
    this.leave();
    return { kind: 'transformer', name, arg, pos: p };
  }

  private parseCondition(left: Operand, p: Pos): Expr {
    this.enter();
    this.blank();
    let out: Expr;
    if (this.str('exists')) {
      out = { kind: 'unary', left, op: 'exists', pos: p };
    } else {
      const opPos = this.pos();
      let op: BinaryOp | undefined;
      let right: RightHand;
      if ((op = this.oneOf(NUM_OPS))) {
        right = this.numValue();
      } else if ((op = this.oneOf(STR_OPS_SYMBOL) ?? this.wordOp())) {
        right = this.strValue();
      } else if ((op = this.oneOf(LIST_OPS))) {
        right = this.listValue();
      } else {
        this.fail(
          "expected an operator: one of 'exists', '=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'in', 'intersects', 'pmatch'",
          opPos,
        );
      }
      out = { kind: 'binary', left, op, right, pos: p };
    }
    this.leave();
    return out;
  }

  private oneOf<T extends string>(ops: readonly T[]): T | undefined {
    for (const o of ops) if (this.str(o)) return o;
    return undefined;
  }

  private wordOp(): BinaryOp | undefined {
    for (const o of STR_OPS_WORD) {
      const after = this.s[this.i + o.length];
      if (this.peekStr(o) && after !== undefined && BLANK.has(after)) {
        this.str(o);
        return o;
      }
    }
    return undefined;
  }

  private numValue(): RightHand {
    this.blank();
    const p = this.pos();
    const t = this.transformerOrVal();
    if (t) return t;
    if (this.rgx(RE_HEX) || this.rgx(RE_NUM)) return { kind: 'value', value: this.lastToken, pos: p };
    return this.fail('expected a number, or a field in a transformer or val()');
  }

  private strValue(): RightHand {
    this.blank();
    const p = this.pos();
    const t = this.transformerOrVal();
    if (t) return t;
    const v = this.plainString();
    if (v !== undefined) return { kind: 'value', value: v, pos: p };
    return this.fail('expected a string value, or a field in a transformer or val()');
  }

  private plainString(): string | undefined {
    const q = this.quoted();
    if (q !== undefined) return q;
    if (this.rgx(RE_BARE)) return this.lastToken;
    return undefined;
  }

  private listValue(): RightHand {
    this.blank();
    const p = this.pos();
    if (this.str('(')) {
      const items: string[] = [];
      this.blank();
      const first = this.plainString();
      if (first !== undefined) {
        items.push(first);
        this.blank();
        while (this.str(',')) {
          this.blank();
          const next = this.plainString();
          if (next === undefined) this.fail('expected a list item after ","');
          items.push(next);
          this.blank();
        }
      }
      if (!this.str(')')) this.fail("expected ',' or a ')' closing the list");
      const list: ListExpr = { kind: 'list', items, pos: p };
      return list;
    }
    const t = this.transformerOrVal();
    if (t) return t;
    if (this.rgx(RE_IDENT)) {
      const v: ValueExpr = { kind: 'value', value: this.lastToken, pos: p };
      return v;
    }
    return this.fail('expected a list in parentheses, a list name, or a field in a transformer or val()');
  }

  private transformerOrVal(): TransformerExpr | FieldValueExpr | undefined {
    const p = this.pos();
    if (this.str('val(')) {
      this.enter();
      this.blank();
      const fp = this.pos();
      if (!this.rgx(RE_FIELD)) this.fail("expected a field inside 'val('");
      const field = this.parseFieldRemainder(this.lastToken, fp);
      this.blank();
      if (!this.str(')')) this.fail("expected a ')' closing 'val('");
      this.leave();
      return { kind: 'fieldvalue', field, pos: p };
    }
    const t = this.transformerStart();
    if (t) return this.parseTransformerRemainder(t, p);
    return undefined;
  }

  /** A quoted string with libsinsp's escapes; undefined when the cursor is not on a quote. */
  private quoted(): string | undefined {
    const delim = this.s[this.i];
    if (delim !== '"' && delim !== "'") return undefined;
    const start = this.pos();
    let j = this.i + 1;
    let out = '';
    while (j < this.s.length) {
      const c = this.s[j]!;
      if (c === delim) {
        this.lastToken = this.s.slice(this.i, j + 1);
        this.advance(j + 1 - this.i);
        return out;
      }
      if (c === '\\') {
        const n = this.s[j + 1];
        if (n === undefined) break;
        switch (n) {
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          // libsinsp reads "\ " as a single backslash (kept for rules written that way).
          case ' ':
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case '"':
          case "'":
            if (n !== delim) this.fail(`invalid \\${n} escape in a ${delim}-quoted string`, this.posAt(j));
            out += n;
            break;
          default:
            this.fail(`unsupported escape sequence \\${n} in a quoted string`, this.posAt(j));
        }
        j += 2;
        continue;
      }
      out += c;
      j++;
    }
    return this.fail(`unterminated ${delim}-quoted string`, start);
  }

  /** Position of offset j (j >= cursor), without moving the cursor. */
  private posAt(j: number): Pos {
    let line = this.line;
    let col = this.col;
    for (let k = this.i; k < j; k++) {
      const c = this.s[k];
      if (c === '\n' || c === '\r') {
        line++;
        col = 1;
      } else col++;
    }
    return { idx: j, line, col };
  }
}

/**
 * A list item as written in YAML (`'"(systemd)"'`, `'"10.0.0.0/8"'`): Falco
 * reads items with condition syntax, so a quoted item is unquoted with the
 * condition's escapes. Anything else is returned unchanged.
 */
export function unquoteListItem(item: string): string {
  if (item.length < 2) return item;
  const q = item[0];
  if ((q !== '"' && q !== "'") || item[item.length - 1] !== q) return item;
  try {
    return new Parser(item, 1).wholeQuoted() ?? item;
  } catch {
    return item;
  }
}

/**
 * Parse a Falco condition into an AST. Throws BulkheadError: RULES_INVALID
 * (a ConditionSyntaxError with the line and column) on a syntax error or too
 * deep nesting, LIMIT_EXCEEDED when the text is longer than allowed.
 */
export function parseCondition(text: string, options: ParseOptions = {}): Expr {
  const maxLength = options.maxLength ?? DEFAULT_MAX_CONDITION_LENGTH;
  if (typeof text !== 'string') {
    throw new BulkheadError('RULES_INVALID', 'the condition is not a string', { hint: 'write the condition as YAML text' });
  }
  if (text.length > maxLength) {
    throw new BulkheadError('LIMIT_EXCEEDED', `the condition is ${text.length} characters long, more than the ${maxLength} allowed`, {
      where: 'condition',
      hint: 'split the condition into macros',
    });
  }
  return new Parser(text, options.maxDepth ?? DEFAULT_MAX_DEPTH).parse();
}
