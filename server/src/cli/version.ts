// The tool's version for `--version` and SARIF `semanticVersion`. A bundler may inline it at build
// time by defining `__WASM_SAFETY_VERSION__`; otherwise it is read from the package.json above the
// running file, which works both from out/server/src/cli/ (development) and from dist/ (bundle, vsix).

import * as fs from 'node:fs';
import * as path from 'node:path';

declare const __WASM_SAFETY_VERSION__: string | undefined;

const PACKAGE_NAME = 'wasm-safety';

export function toolVersion(): string {
  if (typeof __WASM_SAFETY_VERSION__ === 'string' && __WASM_SAFETY_VERSION__.length > 0) return __WASM_SAFETY_VERSION__;
  for (let dir = __dirname, i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'package.json');
    try {
      const manifest = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return '0.0.0';
}
