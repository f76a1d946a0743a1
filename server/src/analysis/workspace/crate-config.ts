// STUB — replaced by the crate discovery and build-mode implementation (catalog §A1, §A11).
import type { Notice } from '../model';
import type { CrateInfo } from './types';

/** True for files that feed crate discovery or build-mode detection. */
export function isCrateConfigFile(path: string): boolean {
  return /(^|\/)(Cargo\.toml|Cargo\.lock|package\.json|rust-toolchain(\.toml)?|wrangler\.toml|Makefile|justfile|config(\.toml)?)$/.test(path);
}

export function discoverCrates(_configFiles: ReadonlyMap<string, string>): { crates: CrateInfo[]; notices: Notice[] } {
  return { crates: [], notices: [] };
}
