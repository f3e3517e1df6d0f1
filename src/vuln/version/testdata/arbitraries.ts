/**
 * fast-check generators of versions for each scheme, built from the pieces of
 * the scheme's grammar with small alphabets, so that random versions often
 * share prefixes, tie, or differ only in a suffix: the cases where an order
 * can go wrong. Test-only (testdata is not built).
 */
import fc from 'fast-check';
import type { VersionSchemeName } from '../scheme.js';

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const opt = (a: fc.Arbitrary<string>, freq = 2) => fc.option(a, { nil: '', freq });
const join = (parts: fc.Arbitrary<string[]>, sep = '') => parts.map((p) => p.join(sep));
const seq = (...parts: fc.Arbitrary<string>[]) => fc.tuple(...parts).map((p) => p.join(''));

const num = pick('0', '1', '2', '9', '10', '01', '00', '123');
const smallNum = pick('0', '1', '2', '10');

const deb = seq(
  opt(pick('0:', '1:', '2:', '10:')),
  num,
  join(fc.array(pick('.', '+', '~', '~~', 'a', 'b', 'z', 'A', '0', '1', '10', '01', 'dfsg', '+b1', '~rc1'), { maxLength: 5 })),
  opt(seq(pick('-'), join(fc.array(pick('0', '1', '2', '10', 'a', '+', '.', '~', 'deb12u1', 'ubuntu1', '~bpo'), { minLength: 1, maxLength: 4 })))),
);

const apk = seq(
  num,
  join(fc.array(seq(pick('.'), num), { maxLength: 3 })),
  opt(pick('a', 'b', 'z')),
  join(
    fc.array(seq(pick('_alpha', '_beta', '_pre', '_rc', '_cvs', '_svn', '_git', '_hg', '_p'), opt(num)), { maxLength: 2 }),
  ),
  opt(pick('~abc', '~0f', '~ABC1')),
  opt(seq(pick('-r'), smallNum)),
);

const rpmPart = join(fc.array(pick('1', '0', '2', '10', '01', 'a', 'b', 'rc', 'el9', '.', '_', '+', '~', '^'), { minLength: 1, maxLength: 6 }));
const rpm = seq(opt(pick('0:', '1:', '2:', ':')), rpmPart, opt(seq(pick('-'), rpmPart)));

const semverIds = join(fc.array(pick('alpha', 'beta', 'rc', '0', '1', '2', '11', 'a-b', 'A', 'x7'), { minLength: 1, maxLength: 3 }), '.');
const semverCore = join(fc.tuple(smallNum.filter((n) => n !== '01'), pick('0', '1', '2', '10'), pick('0', '1', '2', '10')), '.');
const semver = seq(opt(pick('v')), semverCore, opt(seq(pick('-'), semverIds)), opt(seq(pick('+'), pick('build', '1', 'a.b'))));

const pep440 = seq(
  opt(pick('v', 'V')),
  opt(pick('0!', '1!', '2!')),
  join(fc.array(num, { minLength: 1, maxLength: 4 }), '.'),
  opt(seq(pick('', '.', '-', '_'), pick('a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'RC'), opt(num))),
  opt(pick('.post1', '.post0', '-1', '.post', 'post2', '-r3', '.rev1')),
  opt(pick('.dev0', '.dev1', 'dev', '-dev2', '.dev')),
  opt(seq(pick('+'), join(fc.array(pick('abc', 'x', '1', '22', 'ubuntu', '01'), { minLength: 1, maxLength: 3 }), '.'))),
);

const mavenToken = pick(
  '1', '0', '00', '2', '10', 'a', 'b', 'm', 'alpha', 'beta', 'rc', 'cr', 'snapshot', 'ga', 'final', 'release', 'sp', 'x', 'abc', 'RC', 'Final',
);
/** Any string the Maven grammar allows: digits and qualifiers in every arrangement. */
export const mavenAny = seq(
  pick('1', '0', '2', '10', '00', 'a', 'RC'),
  join(fc.array(seq(pick('.', '-', ''), mavenToken), { maxLength: 6 })),
);
const mavenWord = pick('alpha', 'a', 'beta', 'b', 'milestone', 'M', 'rc', 'RC', 'CR', 'SNAPSHOT', 'Final', 'GA', 'RELEASE', 'sp', 'jre', 'android', 'xyz');
/**
 * Versions shaped as published on Maven Central: dotted numbers, then a
 * hyphen qualifier (`-beta-2`, `-rc.1`, `-jre`, `-SNAPSHOT`) or an attached
 * one (`rc3`), maybe a build number; or a dotted qualifier that ends the
 * version (`.Final`, `.RC1`). A release word (ga, final, release) only ends a
 * version. On these, ComparableVersion is a total order; across other shapes
 * it is not (see maven.test.ts).
 */
const mavenLabel = pick('alpha', 'a', 'beta', 'b', 'milestone', 'M', 'rc', 'RC', 'CR', 'SNAPSHOT', 'sp', 'jre', 'android', 'xyz');
const maven = seq(
  join(fc.array(pick('0', '1', '2', '10', '00', '01'), { minLength: 1, maxLength: 4 }), '.'),
  fc.oneof(
    seq(pick('-'), mavenWord, opt(seq(pick('', '-', '.'), pick('1', '2', '10')))),
    seq(pick('-'), mavenLabel, opt(seq(pick('', '-', '.'), pick('1', '2', '10'))), pick('-1', '-2', '-SNAPSHOT')),
    seq(mavenWord, pick('1', '2', '10'), opt(pick('-1', '-SNAPSHOT'))),
    seq(pick('.'), mavenWord, opt(pick('1', '2', '10'))),
    opt(pick('-1', '-2', '-SNAPSHOT')),
  ),
);

const goCore = fc.oneof(
  join(fc.tuple(smallNum, smallNum, smallNum), '.'),
  smallNum,
  join(fc.tuple(smallNum, smallNum), '.'),
);
const goPseudo = pick(
  '0.0.0-20191109021931-daa7c04131f5',
  '0.0.0-20200220183623-bac4c82f6975',
  '1.2.4-0.20191109021931-daa7c04131f5',
  '1.2.3-pre.0.20191109021931-daa7c04131f5',
);
const go = seq(
  opt(pick('v')),
  fc.oneof(
    { arbitrary: goCore, weight: 1 },
    { arbitrary: seq(join(fc.tuple(smallNum, smallNum, smallNum), '.'), opt(seq(pick('-'), semverIds)), opt(pick('+incompatible', '+meta'))), weight: 3 },
    { arbitrary: goPseudo, weight: 1 },
  ),
);

const gem = seq(
  pick('0', '1', '2', '10', '01'),
  join(fc.array(seq(pick('.'), pick('0', '1', '2', '10', 'a', 'b', 'pre', 'rc', 'A', 'a1', 'beta2')), { maxLength: 4 })),
  opt(seq(pick('-'), pick('1', 'beta', 'rc.1', 'a-b', '0.1'))),
);

const nuget = seq(
  join(fc.array(pick('0', '1', '2', '01', '10'), { minLength: 1, maxLength: 4 }), '.'),
  opt(seq(pick('-'), join(fc.array(pick('beta', 'BETA', 'rc', '1', '2', '10', '-1', 'a-b', 'x'), { minLength: 1, maxLength: 3 }), '.'))),
  opt(pick('+meta', '+AA.1')),
);

const packagist = fc.oneof(
  seq(
    opt(pick('v')),
    join(fc.array(pick('0', '1', '2', '10', '01'), { minLength: 1, maxLength: 4 }), '.'),
    opt(
      seq(
        pick('', '-', '.', '_'),
        pick('alpha', 'a', 'beta', 'b', 'RC', 'rc', 'patch', 'pl', 'p', 'stable'),
        opt(pick('1', '2', '10', '.1', '-1.2')),
      ),
    ),
    opt(pick('-dev', '.dev', 'dev')),
  ),
  seq(pick('2010', '2020'), pick('-01-02', '.01.02', '0102', '-12-31'), opt(pick('.5', '-203040')), opt(pick('-p1', '-beta1', '-dev'))),
  pick('1.x-dev', '1.0.x-dev', '2.x-dev', '1.2.*-dev'),
);

export const VERSION_ARBITRARIES: Readonly<Record<VersionSchemeName, fc.Arbitrary<string>>> = {
  deb,
  apk,
  rpm,
  semver,
  pep440,
  maven,
  go,
  gem,
  nuget,
  packagist,
};

/** Small edits of a string: the near-misses a parser meets in hostile input. */
export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), pick('insert', 'delete', 'replace'), fc.string({ maxLength: 3, unit: 'binary' }));
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([s, edits]) => {
    let out = s;
    for (const [at, kind, text] of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + 1);
      if (kind === 'insert') out = out.slice(0, i) + text + out.slice(i);
      else if (kind === 'delete') out = out.slice(0, i) + out.slice(i + 1);
      else out = out.slice(0, i) + text + out.slice(i + text.length);
    }
    return out;
  });
}
