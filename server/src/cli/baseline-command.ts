// `wasm-safety baseline create|prune [paths]`: runs the same check as `wasm-safety check` (same config
// files, same per-file settings), collects every finding's baseline key, and writes the baseline file(s)
// — for `create` the findings of the checked files replace their entries, for `prune` entries that no
// longer match are removed. Writes through the injected streams; returns the exit code.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES, DEFAULT_BASELINE_FILE_NAME, inTargets } from '../analysis/index';
import { writeBaselineFile } from '../host/config-files';
import { toWorkspacePath } from '../host/disk-workspace';
import type { ParsedCommand } from './args';
import { runCheck } from './check';
import { CheckConfiguration, type CollectedBaseline, createdBaselines, prunedBaselines } from './check-config';
import { displayPath } from './report';
import { type CliEnvironment, EXIT_OK, EXIT_USAGE_OR_INTERNAL, noticeLine } from './run';

export async function runBaselineCommand(command: Extract<ParsedCommand, { kind: 'baseline' }>, environment: CliEnvironment): Promise<number> {
  const { cwd, stdout, stderr } = environment;
  if (command.config !== undefined && !fs.existsSync(path.resolve(cwd, command.config))) {
    stderr.write(`wasm-safety: config file ${command.config} does not exist\n`);
    return EXIT_USAGE_OR_INTERNAL;
  }
  const configuration = new CheckConfiguration({
    cwd, rules: ALL_RULES, configFile: command.config, baselineFile: command.baseline, baselineMode: 'collect',
  });
  const report = await runCheck({ paths: command.paths, cwd, toolVersion: environment.version, configuration });
  for (const notice of report.notices) if (notice.level !== 'info') stderr.write(noticeLine(notice));
  if (!report.executionSuccessful) {
    stderr.write('wasm-safety: the check failed; the baseline was not written\n');
    return EXIT_USAGE_OR_INTERNAL;
  }

  const targets = command.paths.map((p) => {
    const absolute = path.resolve(cwd, p);
    return { path: toWorkspacePath(absolute), isDirectory: fs.statSync(absolute).isDirectory() };
  });
  const inScope = inTargets(targets);
  const collected = new Map<string, CollectedBaseline>(configuration.collected);
  if (collected.size === 0 && command.action === 'create') {
    // No finding and no config file: an empty baseline at the default location still records "nothing accepted".
    const file = command.baseline !== undefined ? path.resolve(cwd, command.baseline) : path.resolve(cwd, DEFAULT_BASELINE_FILE_NAME);
    collected.set(toWorkspacePath(file), { file: { path: toWorkspacePath(file), baseline: { version: 1, entries: [] }, exists: false, problems: [] }, keys: [] });
  }

  try {
    if (command.action === 'create') {
      for (const [file, baseline] of createdBaselines(collected, inScope)) {
        writeBaselineFile(file, baseline);
        const findings = baseline.entries.reduce((n, e) => n + e.count, 0);
        stdout.write(`wasm-safety: wrote ${displayPath(cwd, file)}: ${plural(findings, 'finding')} in ${plural(baseline.entries.length, 'entry', 'entries')}\n`);
      }
    } else {
      if (collected.size === 0) stdout.write('wasm-safety: no baseline file found; nothing to prune\n');
      for (const [file, { baseline, removed, existed }] of prunedBaselines(collected, inScope)) {
        if (!existed) {
          stdout.write(`wasm-safety: ${displayPath(cwd, file)} does not exist; nothing to prune\n`);
          continue;
        }
        if (removed > 0) writeBaselineFile(file, baseline);
        const left = baseline.entries.reduce((n, e) => n + e.count, 0);
        stdout.write(`wasm-safety: ${displayPath(cwd, file)}: removed ${plural(removed, 'stale finding')}, ${plural(left, 'finding')} left\n`);
      }
    }
  } catch (e) {
    stderr.write(`wasm-safety: cannot write the baseline: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return EXIT_USAGE_OR_INTERNAL;
  }
  return EXIT_OK;
}

function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
