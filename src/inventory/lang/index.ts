import type { Analyzer } from '../analyzer.js';
import { dotnetAnalyzers } from './dotnet/index.js';
import { goAnalyzers } from './go/index.js';
import { javaAnalyzers } from './java/index.js';
import { npmAnalyzers } from './npm/index.js';
import { phpAnalyzers } from './php/index.js';
import { pythonAnalyzers } from './python/index.js';
import { rubyAnalyzers } from './ruby/index.js';
import { rustAnalyzers } from './rust/index.js';

/** The language-package analyzers, in the order they run. */
export const langAnalyzers: readonly Analyzer[] = [
  ...npmAnalyzers,
  ...pythonAnalyzers,
  ...goAnalyzers,
  ...javaAnalyzers,
  ...rustAnalyzers,
  ...rubyAnalyzers,
  ...phpAnalyzers,
  ...dotnetAnalyzers,
];
