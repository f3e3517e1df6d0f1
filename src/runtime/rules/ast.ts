/**
 * The condition AST: what `parseCondition` returns and what the loader,
 * the event-type analysis and the compiler walk. Positions are 0-based
 * offsets plus 1-based line/column inside the condition text.
 */

export interface Pos {
  idx: number;
  line: number;
  col: number;
}

export type BinaryOp =
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'contains'
  | 'icontains'
  | 'bcontains'
  | 'startswith'
  | 'bstartswith'
  | 'endswith'
  | 'glob'
  | 'iglob'
  | 'in'
  | 'intersects'
  | 'pmatch';

export const LIST_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['in', 'intersects', 'pmatch']);
export const NUM_OPS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['<', '<=', '>', '>=']);

export type TransformerName = 'tolower' | 'toupper' | 'b64' | 'basename' | 'len';
export const TRANSFORMERS: readonly TransformerName[] = ['tolower', 'toupper', 'b64', 'basename', 'len'];

export interface FieldRef {
  kind: 'field';
  /** Field name as written, e.g. `proc.aname` or `evt.arg.uid`. */
  name: string;
  /** The `[...]` argument, unescaped, when present. */
  arg?: string;
  pos: Pos;
}

export interface TransformerExpr {
  kind: 'transformer';
  name: TransformerName;
  arg: FieldRef | TransformerExpr;
  pos: Pos;
}

/** `val(field)` on the right-hand side: compare against another field of the same event. */
export interface FieldValueExpr {
  kind: 'fieldvalue';
  field: FieldRef;
  pos: Pos;
}

export type Operand = FieldRef | TransformerExpr;

export interface ValueExpr {
  kind: 'value';
  value: string;
  pos: Pos;
}

export interface ListExpr {
  kind: 'list';
  items: string[];
  pos: Pos;
}

export type RightHand = ValueExpr | ListExpr | TransformerExpr | FieldValueExpr;

export interface UnaryCheck {
  kind: 'unary';
  left: Operand;
  op: 'exists';
  pos: Pos;
}

export interface BinaryCheck {
  kind: 'binary';
  left: Operand;
  op: BinaryOp;
  right: RightHand;
  pos: Pos;
}

export interface AndExpr {
  kind: 'and';
  children: Expr[];
  pos: Pos;
}

export interface OrExpr {
  kind: 'or';
  children: Expr[];
  pos: Pos;
}

export interface NotExpr {
  kind: 'not';
  child: Expr;
  pos: Pos;
}

/** A bare identifier in a condition: a macro reference. */
export interface IdentifierExpr {
  kind: 'identifier';
  name: string;
  pos: Pos;
}

/** Constant produced by folding (never by the parser). */
export interface ConstExpr {
  kind: 'const';
  value: boolean;
  pos: Pos;
}

export type Expr = AndExpr | OrExpr | NotExpr | IdentifierExpr | UnaryCheck | BinaryCheck | ConstExpr;

/** Quote a string for condition text when it is not a safe bare word. */
export function quoteValue(v: string): string {
  if (v.length > 0 && /^[^()"'\s=,\\]+$/.test(v)) return v;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
}

function operandText(o: Operand | FieldValueExpr): string {
  if (o.kind === 'field') return o.arg === undefined ? o.name : `${o.name}[${/^[^\]["'\s]+$/.test(o.arg) ? o.arg : quoteValue(o.arg)}]`;
  if (o.kind === 'fieldvalue') return `val(${operandText(o.field)})`;
  return `${o.name}(${operandText(o.arg)})`;
}

/** Condition text for an AST; parsing it gives back an equal AST (positions aside). */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'and':
      return '(' + e.children.map(exprToString).join(' and ') + ')';
    case 'or':
      return '(' + e.children.map(exprToString).join(' or ') + ')';
    case 'not':
      return 'not ' + exprToString(e.child);
    case 'identifier':
      return e.name;
    case 'const':
      return e.value ? '<true>' : '<false>';
    case 'unary':
      return `${operandText(e.left)} exists`;
    case 'binary': {
      const r = e.right;
      let right: string;
      if (r.kind === 'value') right = quoteValue(r.value);
      else if (r.kind === 'list') right = '(' + r.items.map(quoteValue).join(', ') + ')';
      else right = operandText(r);
      return `${operandText(e.left)} ${e.op} ${right}`;
    }
  }
}
