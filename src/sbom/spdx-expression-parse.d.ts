/** Types for `spdx-expression-parse` (CommonJS, ships none): the parser's AST. */
declare module 'spdx-expression-parse' {
  export interface LicenseLeaf {
    license: string;
    plus?: true;
    exception?: string;
  }
  export interface Conjunction {
    conjunction: 'and' | 'or';
    left: LicenseNode;
    right: LicenseNode;
  }
  export type LicenseNode = LicenseLeaf | Conjunction;
  /** Throws on anything that is not a valid SPDX license expression. */
  function parse(source: string): LicenseNode;
  export default parse;
}
