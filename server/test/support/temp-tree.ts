// Temporary project folders for tests that run a check on disk: each holds a `.git` marker, so the
// project-root detection of a check (host/disk-workspace.ts `projectRootOf`) stops there and never
// reaches the machine's temp folder or this repository.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Creates the files (paths relative to the folder) in a new temp folder with a `.git` marker; returns its real path. */
export function makeTempTree(prefix: string, files: Readonly<Record<string, string | Uint8Array>>, created: string[]): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  created.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

/** Removes the folders `makeTempTree` created (for an `after` hook). */
export function removeTempTrees(created: string[]): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
