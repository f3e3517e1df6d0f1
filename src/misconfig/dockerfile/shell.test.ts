import { describe, expect, it } from 'vitest';
import { invocations, parseOptions, parseShell } from './shell.js';

const commands = (script: string) => parseShell(script).commands.map((c) => [c.words.map((w) => w.value), c.op, c.depth]);
const programs = (script: string) => invocations(parseShell(script), script).map((i) => [i.name, i.args.map((a) => a.value), i.wrappers]);

describe('parseShell', () => {
  it('splits simple commands on operators and newlines, removing quotes', () => {
    expect(commands(`apt-get update && apt-get install -y "curl" 'git'; echo a\\ b || true | cat & wait\nls`)).toEqual([
      [['apt-get', 'update'], '&&', 0],
      [['apt-get', 'install', '-y', 'curl', 'git'], ';', 0],
      [['echo', 'a b'], '||', 0],
      [['true'], '|', 0],
      [['cat'], '&', 0],
      [['wait'], ';', 0],
      [['ls'], '', 0],
    ]);
  });

  it('keeps $(…), ${…}, backticks and process substitution inside one word', () => {
    const [cmd] = parseShell('echo "$(uname -m | tr a b)" ${X:-a b} `date; x` <(curl -s u) x$((1+2))').commands;
    expect(cmd!.words.map((w) => [w.value, w.expands])).toEqual([
      ['echo', false],
      ['$(uname -m | tr a b)', true],
      ['${X:-a b}', true],
      ['`date; x`', true],
      ['<(curl -s u)', true],
      ['x$((1+2))', true],
    ]);
  });

  it('marks quoted and escaped dollars as literal in the template', () => {
    const [cmd] = parseShell(`echo '$HOME' \\$PATH "$USER"`).commands;
    expect(cmd!.words.map((w) => w.template)).toEqual(['echo', '\u0000HOME', '\u0000PATH', '$USER']);
    expect(cmd!.words.map((w) => w.value)).toEqual(['echo', '$HOME', '$PATH', '$USER']);
  });

  it('tracks subshell depth and gives a closing parenthesis operator to the command inside', () => {
    expect(commands('(cd /tmp && make) | tee log')).toEqual([
      [['cd', '/tmp'], '&&', 1],
      [['make'], '|', 1],
      [['tee', 'log'], '', 0],
    ]);
  });

  it('separates redirections from words and reads here-document bodies', () => {
    const s = parseShell('cat <<-EOF > /etc/motd 2>&1\n\thello sudo\n\tEOF\necho done >>/log');
    expect(s.commands.map((c) => c.words.map((w) => w.value))).toEqual([['cat'], ['echo', 'done']]);
    expect(s.commands[0]!.redirects.map((r) => [r.op, r.fd, r.target?.value, r.heredocBody])).toEqual([
      ['<<-', undefined, 'EOF', '\thello sudo\n'],
      ['>', undefined, '/etc/motd', undefined],
      ['>&', '2', '1', undefined],
    ]);
    expect(s.commands[1]!.redirects[0]).toMatchObject({ op: '>>', target: { value: '/log' } });
  });

  it('skips comments and joins backslash-newline', () => {
    expect(commands('# comment\napt-get \\\n  install x # trailing\n')).toEqual([[['apt-get', 'install', 'x'], ';', 0]]);
  });

  it('survives unbalanced quotes and parentheses', () => {
    expect(commands(`echo "open`)).toEqual([[['echo', 'open'], '', 0]]);
    expect(commands(`echo $(open`)).toEqual([[['echo', '$(open'], '', 0]]);
    expect(commands(`a ) ) b`)).toEqual([
      [['a'], ';', 0],
      [['b'], '', 0],
    ]);
  });
});

describe('invocations', () => {
  it('strips assignments, reserved words and wrappers', () => {
    expect(programs('DEBIAN_FRONTEND=noninteractive apt-get install -y x')).toEqual([['apt-get', ['install', '-y', 'x'], []]]);
    expect(programs('if [ -f a ]; then sudo -E -u app /usr/bin/pip install x; fi')).toEqual([
      ['[', ['-f', 'a', ']'], []],
      ['pip', ['install', 'x'], ['sudo']],
    ]);
    expect(programs('env -i A=1 nice -n 5 timeout 10 curl u')).toEqual([['curl', ['u'], ['env', 'nice', 'timeout']]]);
    expect(programs('A=1')).toEqual([]);
    expect(programs('"A=1" x')).toEqual([['A=1', ['x'], []]]);
  });
});

describe('parseOptions', () => {
  it('splits short clusters, long options with values, and operands', () => {
    const words = parseShell('-qy -o Dpkg::Options::=--force-confold --target-release=bookworm-backports install -- -x curl').commands[0]!.words;
    const p = parseOptions(words, new Set(['-o', '-t', '--target-release']));
    expect(p.options).toEqual([
      { name: '-q' },
      { name: '-y' },
      { name: '-o', value: 'Dpkg::Options::=--force-confold' },
      { name: '--target-release', value: 'bookworm-backports' },
    ]);
    expect(p.operands.map((w) => w.value)).toEqual(['install', '-x', 'curl']);
  });
});
