import type { Analyzer } from '../../analyzer.js';
import { rustBinaryAnalyzer } from './auditable.js';
import { cargoLockAnalyzer } from './cargo-lock.js';

/** Rust: cargo-auditable data in binaries, and Cargo.lock in source checkouts. */
export const rustAnalyzers: readonly Analyzer[] = [rustBinaryAnalyzer, cargoLockAnalyzer];
