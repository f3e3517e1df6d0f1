import type { Analyzer } from '../../analyzer.js';
import { gemfileLockAnalyzer } from './gemfile-lock.js';
import { gemspecAnalyzer } from './gemspec.js';

/** Ruby: installed gem specifications, and Bundler lock files in source checkouts. */
export const rubyAnalyzers: readonly Analyzer[] = [gemspecAnalyzer, gemfileLockAnalyzer];
