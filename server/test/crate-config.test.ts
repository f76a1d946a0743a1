// Tests of crate discovery and per-crate build mode (catalog §A1, §A11): every source of the panic
// strategy, cargo's precedence between them, workspaces, wasm-bindgen version and `std` feature,
// broken manifests, and the same answers through a real Workspace and the fixture runner's virtual crates.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Grammars, Workspace } from '../src/analysis/index';
import type { Rule } from '../src/analysis/engine/rule';
import { splitCommands, stepsOfPackageScript, tokenize } from '../src/analysis/workspace/build-scripts';
import {
  compareVersions, discoverCrates, isCrateConfigFile, targetMatches, wasmBindgenVersionAtLeast,
} from '../src/analysis/workspace/crate-config';
import type { CrateInfo } from '../src/analysis/workspace/types';
import { loadGrammars } from '../src/host/wasm-files';
import { type BuildModeDirective, buildCaseWorkspace } from './support/fixture-runner';

const MANIFEST = `[package]
name = "my-crate"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
wasm-bindgen = "0.2.100"
`;

const UNWIND_CONFIG = `[build]
target = "wasm32-unknown-unknown"
rustflags = ["-C", "panic=unwind"]

[unstable]
build-std = ["std", "panic_unwind"]
`;

function discover(files: Record<string, string>): { crates: CrateInfo[]; notices: ReturnType<typeof discoverCrates>['notices'] } {
  return discoverCrates(new Map(Object.entries(files)));
}

function crateAt(files: Record<string, string>, root = '/w/crate'): CrateInfo {
  const { crates } = discover(files);
  const crate = crates.find((c) => c.root === root);
  assert.ok(crate, `a crate at ${root} (found: ${crates.map((c) => c.root).join(', ') || 'none'})`);
  return crate;
}

function packageJson(scripts: Record<string, string>): string {
  return JSON.stringify({ name: 'app', private: true, scripts }, null, 2);
}

describe('isCrateConfigFile', () => {
  it('accepts exactly the files that feed crate discovery', () => {
    for (const p of ['/w/Cargo.toml', '/w/Cargo.lock', '/w/.cargo/config.toml', '/w/.cargo/config', '/w/package.json',
      '/w/rust-toolchain', '/w/rust-toolchain.toml', '/w/wrangler.toml', 'C:\\w\\.cargo\\config.toml', 'Cargo.toml']) {
      assert.equal(isCrateConfigFile(p), true, p);
    }
    // JS/TS build scripts a package.json script may run with node (read for the cargo runs they spawn).
    for (const p of ['/w/scripts/compile.mjs', '/w/crate/scripts/build.ts', '/w/build.mjs', '/w/compile-wasm.js']) {
      assert.equal(isCrateConfigFile(p), true, p);
    }
    for (const p of ['/w/config.toml', '/w/src/config', '/w/Cargo.toml.orig', '/w/src/lib.rs', '/w/node_modules/x/package.json',
      '/w/tsconfig.json', '/w/Makefile', '/w/src/index.ts', '/w/node_modules/x/scripts/build.js', '/w/src/builder.ts']) {
      assert.equal(isCrateConfigFile(p), false, p);
    }
  });
});

describe('crate discovery', () => {
  it('finds a package manifest: name, lib name, wasm-bindgen requirement, default abort', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': MANIFEST });
    assert.equal(crate.name, 'my-crate');
    assert.equal(crate.libName, 'my_crate');
    assert.equal(crate.manifestPath, '/w/crate/Cargo.toml');
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.buildModeReason, 'default `panic=abort` for wasm32-unknown-unknown');
    assert.equal(crate.configPath, '/w/crate/Cargo.toml');
    assert.equal(crate.usesWasmBindgen, true);
    assert.equal(crate.wasmBindgenStd, true);
    assert.equal(crate.wasmBindgenVersion, '0.2.100');
    assert.equal(crate.wasmBindgenVersionSource, 'Cargo.toml');
    assert.equal(crate.overflowChecks, false);
    assert.equal(crate.buildEvidence?.profile, 'release');
  });

  it('uses `[lib] name` for the lib name', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': MANIFEST.replace('[lib]\n', '[lib]\nname = "core_lib"\n') });
    assert.equal(crate.libName, 'core_lib');
  });

  it('a crate without wasm-bindgen', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': '[package]\nname = "plain"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n' });
    assert.equal(crate.usesWasmBindgen, false);
    assert.equal(crate.wasmBindgenVersion, undefined);
    assert.equal(crate.wasmBindgenStd, true);
    assert.equal(crate.buildMode, 'abort');
  });

  it('sees wasm-bindgen in wasm32 target dependencies, and ignores non-wasm targets', () => {
    const wasmOnly = crateAt({
      '/w/crate/Cargo.toml': '[package]\nname = "c"\n\n[target.\'cfg(target_arch = "wasm32")\'.dependencies]\nwasm-bindgen = "0.2.127"\n',
    });
    assert.equal(wasmOnly.usesWasmBindgen, true);
    assert.equal(wasmOnly.wasmBindgenVersion, '0.2.127');
    const nativeOnly = crateAt({
      '/w/crate/Cargo.toml': '[package]\nname = "c"\n\n[target.\'cfg(not(target_arch = "wasm32"))\'.dependencies]\nwasm-bindgen = "0.2.127"\n',
    });
    assert.equal(nativeOnly.usesWasmBindgen, false);
  });

  it('sees a renamed wasm-bindgen dependency', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': '[package]\nname = "c"\n\n[dependencies]\nwb = { package = "wasm-bindgen", version = "0.2.120" }\n' });
    assert.equal(crate.usesWasmBindgen, true);
    assert.equal(crate.wasmBindgenVersion, '0.2.120');
  });

  it('`default-features = false` turns std off, unless js-sys (default features) or a default feature turns it back on', () => {
    const noStd = '[package]\nname = "c"\n\n[dependencies]\nwasm-bindgen = { version = "0.2.127", default-features = false }\n';
    assert.equal(crateAt({ '/w/crate/Cargo.toml': noStd }).wasmBindgenStd, false);
    assert.equal(crateAt({ '/w/crate/Cargo.toml': `${noStd}js-sys = "0.3"\n` }).wasmBindgenStd, true);
    assert.equal(crateAt({ '/w/crate/Cargo.toml': `${noStd}js-sys = { version = "0.3", default-features = false }\n` }).wasmBindgenStd, false);
    assert.equal(crateAt({ '/w/crate/Cargo.toml': `${noStd}\n[features]\ndefault = ["std"]\nstd = ["wasm-bindgen/std"]\n` }).wasmBindgenStd, true);
    assert.equal(crateAt({ '/w/crate/Cargo.toml': noStd.replace('default-features = false', 'default-features = false, features = ["std"]') }).wasmBindgenStd, true);
  });

  it('reads the locked version from the nearest Cargo.lock', () => {
    const lock = (extra = ''): string => `version = 3

[[package]]
name = "my-crate"
version = "0.1.0"
dependencies = [
 "wasm-bindgen 0.2.93",
]

[[package]]
name = "wasm-bindgen"
version = "0.2.93"
source = "registry+https://github.com/rust-lang/crates.io-index"
${extra}`;
    const single = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/Cargo.lock': lock() });
    assert.equal(single.wasmBindgenVersion, '0.2.93');
    assert.equal(single.wasmBindgenVersionSource, 'Cargo.lock');
    const two = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/Cargo.lock': lock('\n[[package]]\nname = "wasm-bindgen"\nversion = "0.2.127"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'),
    });
    assert.equal(two.wasmBindgenVersion, '0.2.93', 'the version the crate depends on, not the newest');
  });

  it('a Cargo.toml that does not parse: the crate exists, abort, and a notice names the file and line', () => {
    const { crates, notices } = discover({ '/w/broken-crate/Cargo.toml': '[package]\nname = "x\nversion = "0.1.0"\n' });
    assert.equal(crates.length, 1);
    assert.equal(crates[0].name, 'broken-crate');
    assert.equal(crates[0].libName, 'broken_crate');
    assert.equal(crates[0].buildMode, 'abort');
    assert.equal(notices.length, 1);
    assert.equal(notices[0].level, 'warning');
    assert.equal(notices[0].path, '/w/broken-crate/Cargo.toml');
    assert.match(notices[0].message, /\/w\/broken-crate\/Cargo\.toml does not parse \(line 2\)/);
  });

  it('broken config files become notices, never exceptions', () => {
    const { crates, notices } = discover({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/.cargo/config.toml': '[build\nrustflags = 1',
      '/w/crate/package.json': '{ "scripts": ',
      '/w/crate/Cargo.lock': '[[package]]\nname = ',
    });
    assert.equal(crates[0].buildMode, 'abort');
    assert.deepEqual(notices.map((n) => n.path).sort(), ['/w/crate/.cargo/config.toml', '/w/crate/package.json']);
  });
});

describe('workspaces', () => {
  const root = `[workspace]
members = ["crates/*"]

[workspace.dependencies]
wasm-bindgen = { version = "0.2.127", default-features = false }

[profile.release]
overflow-checks = true
`;
  const member = `[package]
name = "member-a"
version = "0.1.0"

[dependencies]
wasm-bindgen = { workspace = true }

[profile.release]
panic = "unwind"
overflow-checks = false
`;

  it('members inherit workspace dependencies and root profiles; the workspace manifest is not a crate', () => {
    const { crates } = discover({ '/w/Cargo.toml': root, '/w/crates/a/Cargo.toml': member });
    assert.deepEqual(crates.map((c) => c.root), ['/w/crates/a']);
    const crate = crates[0];
    assert.equal(crate.workspaceRoot, '/w');
    assert.equal(crate.usesWasmBindgen, true);
    assert.equal(crate.wasmBindgenVersion, '0.2.127');
    assert.equal(crate.wasmBindgenStd, false);
    assert.equal(crate.overflowChecks, true, 'root [profile.release] applies; the member\'s is ignored');
    assert.equal(crate.buildEvidence?.profilePanic, undefined, 'member [profile] panic is ignored by cargo');
  });

  it('a member is locked by the workspace\'s Cargo.lock, not by a stale one beside it (cargo ignores that)', () => {
    const lock = (version: string): string =>
      `version = 3\n\n[[package]]\nname = "member-a"\nversion = "0.1.0"\ndependencies = [\n "wasm-bindgen",\n]\n\n[[package]]\nname = "wasm-bindgen"\nversion = "${version}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`;
    const files = { '/w/Cargo.toml': root, '/w/crates/a/Cargo.toml': member, '/w/crates/a/Cargo.lock': lock('0.2.68') };
    const withRootLock = crateAt({ ...files, '/w/Cargo.lock': lock('0.2.126') }, '/w/crates/a');
    assert.equal(withRootLock.wasmBindgenVersion, '0.2.126');
    assert.equal(withRootLock.wasmBindgenVersionSource, 'Cargo.lock');
    const noRootLock = crateAt(files, '/w/crates/a');
    assert.equal(noRootLock.wasmBindgenVersion, '0.2.127', 'no workspace lock: the requirement, not the member\'s stale lock');
    assert.equal(noRootLock.wasmBindgenVersionSource, 'Cargo.toml');
  });

  it('an excluded directory is its own root', () => {
    const crate = crateAt({
      '/w/Cargo.toml': root.replace('members = ["crates/*"]', 'members = ["crates/*"]\nexclude = ["crates/a"]'),
      '/w/crates/a/Cargo.toml': member.replace('{ workspace = true }', '"0.2.100"'),
    }, '/w/crates/a');
    assert.equal(crate.workspaceRoot, undefined);
    assert.equal(crate.overflowChecks, false);
  });

  it('a profile panic = "unwind" at the root plus build-std is unwind', () => {
    const crate = crateAt({
      '/w/Cargo.toml': '[workspace]\nmembers = ["crate"]\n\n[profile.release]\npanic = "unwind"\n',
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/.cargo/config.toml': '[unstable]\nbuild-std = ["std", "panic_unwind"]\n',
    });
    assert.equal(crate.buildMode, 'unwind');
    assert.equal(crate.buildModeReason, '`panic = "unwind"` in [profile.release] of ../Cargo.toml and `build-std = ["std", "panic_unwind"]` in ../.cargo/config.toml');
    assert.equal(crate.configPath, '/w/Cargo.toml');
  });
});

describe('build mode: cargo config files', () => {
  it('rustflags and build-std in .cargo/config.toml make unwind', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/.cargo/config.toml': UNWIND_CONFIG });
    assert.equal(crate.buildMode, 'unwind');
    assert.equal(crate.buildModeReason, '`-Cpanic=unwind` and `build-std = ["std", "panic_unwind"]` in .cargo/config.toml');
    assert.equal(crate.configPath, '/w/crate/.cargo/config.toml');
  });

  it('accepts `-Cpanic=unwind` as a string, in [target.wasm32-unknown-unknown] and [target.\'cfg(…)\']', () => {
    for (const config of [
      '[build]\nrustflags = "-Cpanic=unwind -Ctarget-feature=+exception-handling"\n',
      '[target.wasm32-unknown-unknown]\nrustflags = ["-C", "panic=unwind"]\n',
      '[target.\'cfg(target_arch = "wasm32")\']\nrustflags = ["-Cpanic=unwind"]\n',
      '[target.\'cfg(all(target_family = "wasm", target_os = "unknown"))\']\nrustflags = "-C panic=unwind"\n',
    ]) {
      const crate = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/.cargo/config.toml': `${config}\n[unstable]\nbuild-std = ["std", "panic_unwind"]\n` });
      assert.equal(crate.buildMode, 'unwind', config);
    }
  });

  it('target rustflags replace build rustflags', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/.cargo/config.toml': `${UNWIND_CONFIG}\n[target.wasm32-unknown-unknown]\nrustflags = ["-C", "target-feature=+simd128"]\n`,
    });
    assert.equal(crate.buildMode, 'abort');
  });

  it('a non-wasm target cfg does not apply', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/.cargo/config.toml': '[target.\'cfg(unix)\']\nrustflags = ["-Cpanic=unwind"]\n\n[unstable]\nbuild-std = ["std", "panic_unwind"]\n',
    });
    assert.equal(crate.buildMode, 'abort');
  });

  it('reads config files of ancestor directories, nearer flags last', () => {
    const fromAncestor = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/.cargo/config.toml': '[build]\nrustflags = ["-Cpanic=unwind"]\n',
      '/w/crate/.cargo/config.toml': '[unstable]\nbuild-std = ["std", "panic_unwind"]\n',
    });
    assert.equal(fromAncestor.buildMode, 'unwind');
    assert.equal(fromAncestor.buildModeReason, '`-Cpanic=unwind` in ../.cargo/config.toml and `build-std = ["std", "panic_unwind"]` in .cargo/config.toml');
    assert.equal(fromAncestor.configPath, '/w/.cargo/config.toml');
    const overridden = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/.cargo/config.toml': UNWIND_CONFIG,
      '/w/crate/.cargo/config.toml': '[build]\nrustflags = ["-Cpanic=abort"]\n',
    });
    assert.equal(overridden.buildMode, 'abort', 'arrays join, the nearer `-Cpanic=abort` comes last and wins');
    assert.equal(overridden.buildModeReason, '`-Cpanic=abort` in .cargo/config.toml');
  });

  it('reads `.cargo/config` without extension', () => {
    assert.equal(crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/.cargo/config': UNWIND_CONFIG }).buildMode, 'unwind');
  });

  it('`-Cpanic=unwind` without build-std is abort, with the evidence recorded', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/.cargo/config.toml': '[build]\nrustflags = ["-C", "panic=unwind"]\n' });
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.buildEvidence?.requestedPanic, 'unwind');
    assert.match(crate.buildModeReason, /^`-Cpanic=unwind` in \.cargo\/config\.toml has no effect without `-Zbuild-std=std,panic_unwind`/);
  });

  it('`[profile.release] panic = "unwind"` alone is abort, but recorded', () => {
    const crate = crateAt({ '/w/crate/Cargo.toml': `${MANIFEST}\n[profile.release]\npanic = "unwind"\n` });
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.buildEvidence?.profilePanic?.value, 'unwind');
    assert.equal(crate.buildEvidence?.profilePanic?.where, '[profile.release] of Cargo.toml');
    assert.match(crate.buildModeReason, /`panic = "unwind"` in \[profile\.release\] of Cargo\.toml has no effect without/);
  });

  it('rustflags override the profile', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': `${MANIFEST}\n[profile.release]\npanic = "unwind"\n`,
      '/w/crate/.cargo/config.toml': '[build]\nrustflags = ["-C", "panic=abort"]\n[unstable]\nbuild-std = ["std", "panic_unwind"]\n',
    });
    assert.equal(crate.buildMode, 'abort');
  });

  it('unwind with wasm-bindgen `default-features = false` is abort (no std: panics are not caught)', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': '[package]\nname = "c"\n\n[dependencies]\nwasm-bindgen = { version = "0.2.127", default-features = false }\n',
      '/w/crate/.cargo/config.toml': UNWIND_CONFIG,
    });
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.wasmBindgenStd, false);
    assert.equal(crate.buildEvidence?.requestedPanic, 'unwind');
    assert.match(crate.buildModeReason, /`default-features = false` on wasm-bindgen in Cargo\.toml drops its `std` feature/);
  });
});

describe('build mode: scripts', () => {
  it('RUSTFLAGS in a package.json script overrides the config file rustflags', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/.cargo/config.toml': UNWIND_CONFIG,
      '/w/crate/package.json': packageJson({ build: 'RUSTFLAGS="-C target-feature=+simd128" wasm-pack build --target web' }),
    });
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.configPath, '/w/crate/package.json');
    assert.equal(crate.buildModeReason, '`RUSTFLAGS` in package.json script `build` replaces the rustflags of .cargo/config.toml, dropping `-Cpanic=unwind`');
    assert.equal(crate.buildEvidence?.discardedRustflags?.path, '/w/crate/.cargo/config.toml');
  });

  it('RUSTFLAGS and -Zbuild-std in a script make unwind; the nearest package.json above the crate counts', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/package.json': packageJson({ 'build:wasm': "cd crate && RUSTFLAGS='-C panic=unwind' wasm-pack build --target web -- -Z build-std=std,panic_unwind" }),
    });
    assert.equal(crate.buildMode, 'unwind');
    assert.equal(crate.buildModeReason, '`-Cpanic=unwind` in ../package.json script `build:wasm` (RUSTFLAGS) and `-Zbuild-std=std,panic_unwind` in ../package.json script `build:wasm`');
    assert.equal(crate.configPath, '/w/package.json');
  });

  it('a JS build script run with node that spawns cargo for wasm32 with -C panic=unwind and build-std (automerge)', () => {
    const compile = `// Builds with panic=unwind.
import { spawnSync } from "node:child_process"
const toolchain = process.env.WASM_TOOLCHAIN ?? "nightly"
const args = [\`+\${toolchain}\`, "build", "--target", "wasm32-unknown-unknown", "--profile", process.env.PROFILE ?? "dev", "-Zbuild-std=std,panic_unwind"]
const env = { ...process.env }
const extra = "-C panic=unwind -C llvm-args=-wasm-use-legacy-eh"
env.RUSTFLAGS = env.RUSTFLAGS ? \`\${env.RUSTFLAGS} \${extra}\` : extra
process.exit(spawnSync("cargo", args, { stdio: "inherit", env }).status ?? 1)
`;
    const files = {
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/package.json': packageJson({ build: 'npm run compile && npm run bindgen', compile: 'node ./scripts/compile.mjs', bindgen: 'wasm-bindgen --target web --out-dir web ../target/wasm32-unknown-unknown/release/app.wasm' }),
      '/w/crate/scripts/compile.mjs': compile,
      // Files that only look like config files by name are not read as such.
      '/w/crate/scripts/wrangler.mjs': 'export default { main: "x" }\n',
    };
    const crate = crateAt(files);
    assert.equal(crate.buildMode, 'unwind');
    assert.equal(crate.buildModeReason, '`-Cpanic=unwind` in scripts/compile.mjs (run by package.json script `build`) (RUSTFLAGS) and `-Zbuild-std=std,panic_unwind` in scripts/compile.mjs (run by package.json script `build`)');
    assert.deepEqual(discover(files).notices, []);
    // The same script for a native target, or one that does not name cargo, changes nothing.
    assert.equal(crateAt({ ...files, '/w/crate/scripts/compile.mjs': compile.replace(/wasm32-unknown-unknown/g, 'x86_64-unknown-linux-gnu') }).buildMode, 'abort');
    assert.equal(crateAt({ ...files, '/w/crate/scripts/compile.mjs': compile.replace(/"cargo"/g, '"make"') }).buildMode, 'abort');
  });

  it('CARGO_ENCODED_RUSTFLAGS wins over RUSTFLAGS', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/package.json': packageJson({
        build: 'CARGO_ENCODED_RUSTFLAGS=-Cpanic=abort RUSTFLAGS=-Cpanic=unwind cargo +nightly build --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_unwind',
      }),
    });
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.buildEvidence?.toolchain, 'nightly');
  });

  it('`wasm-pack build --panic-unwind` and `worker-build --panic-unwind` imply the rest', () => {
    const wasmPack = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/package.json': packageJson({ build: 'wasm-pack build --target web --panic-unwind' }) });
    assert.equal(wasmPack.buildMode, 'unwind');
    assert.equal(wasmPack.buildModeReason, '`wasm-pack build --panic-unwind` in package.json script `build`');
    assert.equal(wasmPack.configPath, '/w/crate/package.json');
    const worker = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/wrangler.toml': 'name = "w"\n[build]\ncommand = "cargo install -q worker-build && worker-build --release --panic-unwind"\n' });
    assert.equal(worker.buildMode, 'unwind');
  });

  it('follows npm run chains with cross-env', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/package.json': packageJson({
        build: 'npm run build:wasm && vite build',
        'build:wasm': 'cross-env RUSTFLAGS="-Cpanic=unwind" npm run wasm',
        wasm: 'wasm-pack build --release . -- -Zbuild-std=std,panic_unwind',
      }),
    });
    assert.equal(crate.buildMode, 'unwind');
  });

  it('a script building another crate does not apply', () => {
    const { crates } = discover({
      '/w/crates/a/Cargo.toml': MANIFEST.replace('my-crate', 'a'),
      '/w/crates/b/Cargo.toml': MANIFEST.replace('my-crate', 'b'),
      '/w/package.json': packageJson({ build: 'wasm-pack build crates/a --panic-unwind && wasm-pack build crates/b' }),
    });
    assert.deepEqual(crates.map((c) => [c.name, c.buildMode]), [['a', 'unwind'], ['b', 'abort']]);
  });

  it('prefers the `build` script over dev scripts', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/package.json': packageJson({ dev: 'wasm-pack build --dev --panic-unwind', build: 'wasm-pack build' }),
    });
    assert.equal(crate.buildMode, 'abort');
    assert.equal(crate.overflowChecks, false);
  });

  it('abort+handler: `wasm-bindgen --force-enable-abort-handler` on the crate\'s wasm', () => {
    const crate = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/package.json': packageJson({
        build: 'cargo build --release --target wasm32-unknown-unknown && wasm-bindgen --force-enable-abort-handler --target web --out-dir pkg target/wasm32-unknown-unknown/release/my_crate.wasm',
      }),
    });
    assert.equal(crate.buildMode, 'abort+handler');
    assert.equal(crate.buildModeReason, '`--force-enable-abort-handler` passed to wasm-bindgen in package.json script `build`');
    const otherWasm = crateAt({
      '/w/crate/Cargo.toml': MANIFEST,
      '/w/crate/package.json': packageJson({ build: 'wasm-bindgen --force-enable-abort-handler --out-dir pkg target/wasm32-unknown-unknown/release/other.wasm' }),
    });
    assert.equal(otherWasm.buildMode, 'abort', 'the flag is on another crate\'s wasm');
  });

  it('abort+handler: worker-build passes the flag unless --no-panic-recovery (and only to wasm-bindgen ≥ 0.2.125)', () => {
    const wrangler = (cmd: string): string => `name = "w"\nmain = "build/worker/shim.mjs"\n\n[build]\ncommand = "${cmd}"\n`;
    const worker = crateAt({ '/w/crate/Cargo.toml': MANIFEST.replace('0.2.100', '0.2.127'), '/w/crate/wrangler.toml': wrangler('cargo install -q worker-build && worker-build --release') });
    assert.equal(worker.buildMode, 'abort+handler');
    assert.equal(worker.buildModeReason, '`worker-build` in wrangler.toml `[build] command` passes `--force-enable-abort-handler` to wasm-bindgen');
    assert.equal(worker.configPath, '/w/crate/wrangler.toml');
    assert.ok(worker.buildEvidence?.resetStateFunction);
    const viaPackage = crateAt({ '/w/crate/Cargo.toml': MANIFEST.replace('0.2.100', '0.2.127'), '/w/crate/package.json': packageJson({ build: 'worker-build --release' }) });
    assert.equal(viaPackage.buildMode, 'abort+handler');
    const optedOut = crateAt({ '/w/crate/Cargo.toml': MANIFEST.replace('0.2.100', '0.2.127'), '/w/crate/wrangler.toml': wrangler('worker-build --release --no-panic-recovery') });
    assert.equal(optedOut.buildMode, 'abort');
    const old = crateAt({ '/w/crate/Cargo.toml': MANIFEST.replace('0.2.100', '=0.2.95'), '/w/crate/wrangler.toml': wrangler('worker-build --release') });
    assert.equal(old.buildMode, 'abort');
  });

  it('overflow checks follow the profile: release by default, dev with --dev, explicit settings win', () => {
    assert.equal(crateAt({ '/w/crate/Cargo.toml': MANIFEST }).overflowChecks, false);
    assert.equal(crateAt({ '/w/crate/Cargo.toml': `${MANIFEST}\n[profile.release]\noverflow-checks = true\n` }).overflowChecks, true);
    const dev = crateAt({ '/w/crate/Cargo.toml': MANIFEST, '/w/crate/package.json': packageJson({ build: 'wasm-pack build --dev' }) });
    assert.equal(dev.overflowChecks, true);
    assert.equal(dev.buildEvidence?.profile, 'dev');
    const devOff = crateAt({ '/w/crate/Cargo.toml': `${MANIFEST}\n[profile.dev]\noverflow-checks = false\n`, '/w/crate/package.json': packageJson({ build: 'wasm-pack build --dev' }) });
    assert.equal(devOff.overflowChecks, false);
    const custom = crateAt({
      '/w/crate/Cargo.toml': `${MANIFEST}\n[profile.ci]\ninherits = "dev"\n`,
      '/w/crate/package.json': packageJson({ build: 'cargo build --profile ci --target wasm32-unknown-unknown' }),
    });
    assert.equal(custom.overflowChecks, true, 'custom profile inherits the dev default');
  });
});

describe('build scripts', () => {
  it('splits and tokenises like a shell', () => {
    assert.deepEqual(splitCommands('a && b || c; d | e & f\ng'), ['a ', ' b ', ' c', ' d ', ' e ', ' f', 'g']);
    assert.deepEqual(splitCommands('echo "a && b" && c 2>&1'), ['echo "a && b" ', ' c 2>&1']);
    assert.deepEqual(tokenize(`RUSTFLAGS='-C panic=unwind' x "\${HOME:-/h}/y" $(nope) "$@" >out.log`, new Map()), ['RUSTFLAGS=-C panic=unwind', 'x', '/h/y', '']);
  });

  it('reads `export` and cd across commands', () => {
    const steps = stepsOfPackageScript('build', {
      scripts: { build: 'export RUSTFLAGS="-Cpanic=unwind"; cd rust && wasm-pack build ../other --dev' },
      packageDir: '/w',
    });
    assert.equal(steps.length, 1);
    assert.equal(steps[0].env.get('RUSTFLAGS'), '-Cpanic=unwind');
    assert.equal(steps[0].targetDir, '/w/other');
    assert.equal(steps[0].profile, 'dev');
  });
});

describe('versions and cfg', () => {
  it('compares versions by the lowest version a requirement allows', () => {
    assert.equal(compareVersions('0.2.93', '0.2.127'), -1);
    assert.equal(compareVersions('=0.2.127', '0.2.127'), 0);
    assert.equal(compareVersions('^0.2', '0.2.1'), -1);
    assert.equal(compareVersions('*', '0.2.1'), undefined);
    assert.equal(wasmBindgenVersionAtLeast({ wasmBindgenVersion: '0.2.127' }, '0.2.127'), true);
    assert.equal(wasmBindgenVersionAtLeast({ wasmBindgenVersion: '0.2.126' }, '0.2.127'), false);
    assert.equal(wasmBindgenVersionAtLeast({ wasmBindgenVersion: '0.3.0' }, '0.2.127'), true);
    assert.equal(wasmBindgenVersionAtLeast({ wasmBindgenVersion: undefined }, '0.2.127'), true, 'unknown counts as new enough');
    assert.equal(wasmBindgenVersionAtLeast(undefined, '0.2.127'), true);
  });

  it('evaluates target cfgs for wasm32-unknown-unknown', () => {
    assert.equal(targetMatches('cfg(target_arch = "wasm32")'), true);
    assert.equal(targetMatches('cfg(all(target_arch = "wasm32", not(target_os = "wasi")))'), true);
    assert.equal(targetMatches('cfg(any(unix, windows))'), false);
    assert.equal(targetMatches('cfg(target_feature = "atomics")'), undefined);
    assert.equal(targetMatches('wasm32-unknown-unknown'), true);
    assert.equal(targetMatches('x86_64-unknown-linux-gnu'), false);
  });
});

describe('through the Workspace', () => {
  let grammars: Grammars;
  before(async () => {
    grammars = await loadGrammars();
  });

  it('crateOf reports the build mode and follows config changes', () => {
    const workspace = new Workspace(grammars, { roots: ['/w'] });
    try {
      workspace.setFile('/w/crate/Cargo.toml', MANIFEST);
      workspace.setFile('/w/crate/src/lib.rs', 'use wasm_bindgen::prelude::*;\n#[wasm_bindgen]\npub fn f() {}\n');
      assert.equal(workspace.crateOf('/w/crate/src/lib.rs')?.buildMode, 'abort');
      workspace.setFile('/w/crate/.cargo/config.toml', UNWIND_CONFIG);
      assert.equal(workspace.crateOf('/w/crate/src/lib.rs')?.buildMode, 'unwind');
      workspace.setFile('/w/crate/package.json', packageJson({ build: 'RUSTFLAGS=-Ctarget-feature=+simd128 wasm-pack build' }));
      assert.equal(workspace.crateOf('/w/crate/src/lib.rs')?.buildMode, 'abort');
      workspace.removeFile('/w/crate/package.json');
      assert.equal(workspace.crateOf('/w/crate/src/lib.rs')?.buildMode, 'unwind');
      workspace.setFile('/w/crate/Cargo.toml', '[package\nname = "x"');
      assert.equal(workspace.crateOf('/w/crate/src/lib.rs')?.buildMode, 'abort');
      assert.equal(workspace.notices().length, 1);
    } finally {
      workspace.dispose();
    }
  });

  it('the fixture runner\'s virtual crates are abort / unwind / abort+handler', () => {
    const rule = { id: 'crate-config-probe', side: 'rust' } as unknown as Rule;
    const modes: BuildModeDirective[] = ['abort', 'unwind', 'abort+handler'];
    modes.forEach((buildMode, index) => {
      const section = { title: buildMode, buildMode, text: 'pub fn f() {}\n', expectations: [], fileLine: 1 };
      const { workspace, casePath } = buildCaseWorkspace(grammars, rule, '/fixtures/crate-config-probe.rs', section, index);
      try {
        const crate = workspace.crateOf(casePath);
        assert.equal(crate?.buildMode, buildMode, `@build-mode: ${buildMode} → ${crate?.buildModeReason}`);
        assert.equal(crate?.libName, 'fixture_case');
        assert.deepEqual(workspace.notices(), []);
      } finally {
        workspace.dispose();
      }
    });
  });
});
