import { describe, expect, it } from 'vitest';
import { exprToString, type Expr } from './ast.js';
import { ConditionSyntaxError, parseCondition, unquoteListItem } from './parser.js';

/** Compact S-expression view of an AST for assertions. */
function sx(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.kind} ${e.children.map(sx).join(' ')})`;
    case 'not':
      return `(not ${sx(e.child)})`;
    case 'identifier':
      return e.name;
    case 'const':
      return String(e.value);
    case 'unary':
      return `(exists ${exprToString({ ...e, op: 'exists' }).replace(/ exists$/, '')})`;
    case 'binary': {
      const r = e.right;
      const right = r.kind === 'value' ? JSON.stringify(r.value) : r.kind === 'list' ? `[${r.items.map((x) => JSON.stringify(x)).join(',')}]` : exprToString({ ...e }).split(` ${e.op} `)[1];
      const left = exprToString({ ...e }).split(` ${e.op} `)[0];
      return `(${e.op} ${left} ${right})`;
    }
  }
}

const p = (s: string) => sx(parseCondition(s));

describe('parseCondition: precedence and structure', () => {
  it('binds and tighter than or, and not tightest', () => {
    expect(p('a or b and c')).toBe('(or a (and b c))');
    expect(p('a and b or c')).toBe('(or (and a b) c)');
    expect(p('not a and b')).toBe('(and (not a) b)');
    expect(p('not (a and b)')).toBe('(not (and a b))');
    expect(p('not not a')).toBe('a');
    expect(p('not not not a')).toBe('(not a)');
  });

  it('accepts not( and and( / or( without a blank', () => {
    expect(p('not(a)')).toBe('(not a)');
    expect(p('a and(b or c)')).toBe('(and a (or b c))');
    expect(p('a or(b)')).toBe('(or a b)');
  });

  it('keeps n-ary chains flat', () => {
    expect(p('a and b and c and d')).toBe('(and a b c d)');
    expect(p('(a)')).toBe('a');
  });

  it('parses every comparison operator', () => {
    expect(p('proc.name = bash')).toBe('(= proc.name "bash")');
    expect(p('proc.name == bash')).toBe('(== proc.name "bash")');
    expect(p('proc.name != bash')).toBe('(!= proc.name "bash")');
    expect(p('proc.pid < 10')).toBe('(< proc.pid "10")');
    expect(p('proc.pid <= 0x1F')).toBe('(<= proc.pid "0x1F")');
    expect(p('proc.pid > -1')).toBe('(> proc.pid "-1")');
    expect(p('proc.pid >= 1.5e+3')).toBe('(>= proc.pid "1.5e+3")');
    for (const op of ['contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob']) {
      expect(p(`fd.name ${op} x`)).toBe(`(${op} fd.name "x")`);
    }
    expect(p('fd.name in (a, b)')).toBe('(in fd.name ["a","b"])');
    expect(p('ka.user.groups intersects (x)')).toBe('(intersects ka.user.groups ["x"])');
    expect(p('fd.name pmatch (/etc, /usr)')).toBe('(pmatch fd.name ["/etc","/usr"])');
    expect(p('proc.pname exists')).toBe('(exists proc.pname)');
  });

  it('reads bare values the way Falco does (=, <, > as values; brackets inside words)', () => {
    expect(p('evt.dir=<')).toBe('(= evt.dir "<")');
    expect(p('evt.dir = > and x')).toBe('(and (= evt.dir ">") x)');
    expect(p('fd.num=-1')).toBe('(= fd.num "-1")');
    expect(p('proc.pname in (runc:[0:PARENT], runc:[1:CHILD])')).toBe('(in proc.pname ["runc:[0:PARENT]","runc:[1:CHILD]"])');
    expect(p('(proc.args endswith \\)')).toBe('(endswith proc.args "\\\\")');
  });

  it('parses list forms: empty, quoted items, a list name', () => {
    expect(p('proc.name in ()')).toBe('(in proc.name [])');
    expect(p(`proc.cmdline in ("sh -c x", 'y z')`)).toBe('(in proc.cmdline ["sh -c x","y z"])');
    expect(p('proc.name in shell_binaries')).toBe('(in proc.name "shell_binaries")');
  });

  it('parses field arguments', () => {
    const e = parseCondition('proc.aname[2] = x and evt.arg[0] contains y and jevt.value[/a/b] exists and container.mount.dest[/proc*] != "N/A"');
    if (e.kind !== 'and') throw new Error('and expected');
    const args = e.children.map((c) => (c.kind === 'binary' || c.kind === 'unary') && c.left.kind === 'field' ? [c.left.name, c.left.arg] : []);
    expect(args).toEqual([
      ['proc.aname', '2'],
      ['evt.arg', '0'],
      ['jevt.value', '/a/b'],
      ['container.mount.dest', '/proc*'],
    ]);
    const dotted = parseCondition('evt.arg.uid = 0');
    expect(dotted.kind === 'binary' && dotted.left.kind === 'field' && dotted.left.name).toBe('evt.arg.uid');
    const quoted = parseCondition('k8s.pod.label["app name"] = web');
    expect(quoted.kind === 'binary' && quoted.left.kind === 'field' && quoted.left.arg).toBe('app name');
  });

  it('parses transformers and val()', () => {
    const e = parseCondition('tolower(proc.name) = bash');
    expect(e.kind === 'binary' && e.left.kind === 'transformer' && e.left.name).toBe('tolower');
    const nested = parseCondition('toupper(basename(proc.exe)) in (SH)');
    expect(nested.kind === 'binary' && nested.left.kind === 'transformer' && nested.left.arg.kind === 'transformer' && nested.left.arg.name).toBe('basename');
    const v = parseCondition('proc.name = val(proc.pname)');
    expect(v.kind === 'binary' && v.right.kind).toBe('fieldvalue');
    const l = parseCondition('len(proc.args) > 100');
    expect(l.kind === 'binary' && l.left.kind === 'transformer' && l.left.name).toBe('len');
    const b = parseCondition('b64(evt.arg.data) contains curl');
    expect(b.kind === 'binary' && b.left.kind === 'transformer' && b.left.name).toBe('b64');
  });

  it('unescapes quoted strings like libsinsp', () => {
    const v = (s: string) => {
      const e = parseCondition(`proc.name = ${s}`);
      return e.kind === 'binary' && e.right.kind === 'value' ? e.right.value : undefined;
    };
    expect(v('"a\\"b"')).toBe('a"b');
    expect(v("'a\\'b'")).toBe("a'b");
    expect(v('"a\\nb\\tc"')).toBe('a\nb\tc');
    expect(v('"a\\\\b"')).toBe('a\\b');
    expect(v('"\\ "')).toBe('\\');
    expect(v('""')).toBe('');
    expect(() => v("'it''s'")).toThrow(ConditionSyntaxError);
  });

  it('round-trips through exprToString', () => {
    const src = 'not (proc.name in ("a b", c) or fd.name startswith "/x y") and (tolower(proc.exe) = val(proc.name) or proc.aname[3] exists)';
    const once = parseCondition(src);
    const again = parseCondition(exprToString(once));
    expect(sx(again)).toBe(sx(once));
  });

  it('unquotes YAML list items written with condition quotes', () => {
    expect(unquoteListItem('"(systemd)"')).toBe('(systemd)');
    expect(unquoteListItem('"10.0.0.0/8"')).toBe('10.0.0.0/8');
    expect(unquoteListItem(`"sh -c node -e \\"require('nan')\\""`)).toBe(`sh -c node -e "require('nan')"`);
    expect(unquoteListItem('plain')).toBe('plain');
    expect(unquoteListItem('"half')).toBe('"half');
  });
});

describe('parseCondition: errors', () => {
  const err = (s: string): ConditionSyntaxError => {
    try {
      parseCondition(s);
    } catch (e) {
      if (e instanceof ConditionSyntaxError) return e;
      throw e;
    }
    throw new Error(`no error for ${s}`);
  };

  it('reports line and column', () => {
    const e = err('proc.name = bash and\n  fd.name ~ x');
    expect(e.code).toBe('RULES_INVALID');
    expect(e.pos.line).toBe(2);
    expect(e.pos.col).toBe(11);
    expect(e.message).toContain('line 2 column 11');
    expect(e.hint).toBeTruthy();
  });

  it('rejects incomplete or malformed conditions', () => {
    expect(err('').reason).toMatch(/empty/);
    expect(err('proc.name =').reason).toMatch(/string value/);
    expect(err('(a and b').reason).toMatch(/'\)'/);
    expect(err('a b').reason).toMatch(/unexpected text/);
    expect(err('proc.name in (a,)').reason).toMatch(/list item/);
    expect(err('proc.name = "abc').reason).toMatch(/unterminated/);
    expect(err('proc.name = "a\\qb"').reason).toMatch(/escape/);
    expect(err("proc.name = 'a\\\"b'").reason).toMatch(/escape/);
    expect(err('proc.pid < abc').reason).toMatch(/number/);
    expect(err('a andb').reason).toMatch(/blank or '\('/);
    expect(err('proc.aname[2 = x').reason).toMatch(/\]/);
    expect(err('tolower(bash) = x').reason).toMatch(/field or a transformer/);
    expect(err('proc.name startswith').reason).toMatch(/operator/);
  });

  it('bounds nesting depth without overflowing the stack', () => {
    const deep = '('.repeat(5000) + 'a' + ')'.repeat(5000);
    expect(err(deep).reason).toMatch(/deeper than 100/);
    const nots = 'not '.repeat(10000) + 'a';
    expect(err(nots).reason).toMatch(/not/);
    expect(parseCondition('(((a)))', { maxDepth: 100 }).kind).toBe('identifier');
  });

  it('bounds input length', () => {
    expect(() => parseCondition('a or '.repeat(100000) + 'a', { maxLength: 1000 })).toThrow(expect.objectContaining({ code: 'LIMIT_EXCEEDED' }));
  });
});
