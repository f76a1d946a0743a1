// Rule documentation in the editor, offline: a hover on a finding's range shows the rule id, its summary
// and an excerpt of its page (What it does / Why is this bad / Example / Use instead), and every finding
// gets a "Show documentation for <rule-id>" code action. The pages are the ones shipped next to the
// bundle (host/rule-doc-files.ts: the .vsix and the npm package contain docs/rules/), so nothing is
// fetched. How the action opens a page depends on the client:
//   - VS Code (the extension passes `initializationOptions.showDocumentationCommand`): a client command
//     that opens the page as a rendered Markdown preview;
//   - any client supporting `window/showDocument` (LSP 3.16): a server command that asks the client to
//     show the page's file;
//   - otherwise no action (the diagnostic's codeDescription link still leads to the page online).

import {
  type CodeAction, CodeActionKind, type CodeActionParams, type Connection, type ExecuteCommandParams, type Hover, type HoverParams,
  type InitializeParams, MarkupKind, type ServerCapabilities,
} from 'vscode-languageserver';
import { type LintResult, parseRuleDocPage, resolveRelativeLinks, ruleDocExcerpt, ruleDocUrl, type TextRange } from '../analysis/index';
import { readRuleDoc, ruleDocFile } from '../host/rule-doc-files';
import type { Session } from './session';
import { DIAGNOSTIC_SOURCE, fileUri, lspRange } from './to-lsp';

/** The server-side command used with clients that support `window/showDocument`. */
export const SHOW_DOCUMENTATION_SERVER_COMMAND = 'wasm-safety.showDocumentation';
/** Prose of each hover section is cut after this many characters (code blocks stay whole). */
const HOVER_SECTION_CHARS = 900;

export interface DocumentationClientOptions {
  /** A client command taking `(ruleId, pageUri)` that shows a page (VS Code: `wasmSafety.showDocumentation`). */
  readonly showDocumentationCommand?: string;
}

export class RuleDocumentation {
  private readonly clientCommand: string | undefined;
  private readonly showDocumentSupported: boolean;
  private readonly cache = new Map<string, { key: string; result: LintResult }>();

  constructor(params: InitializeParams) {
    const options = (params.initializationOptions ?? {}) as DocumentationClientOptions;
    this.clientCommand = typeof options.showDocumentationCommand === 'string' ? options.showDocumentationCommand : undefined;
    this.showDocumentSupported = params.capabilities.window?.showDocument?.support === true;
  }

  /** Capabilities to merge into the initialize result (the server commands are listed by serverCommands()). */
  capabilities(): Partial<ServerCapabilities> {
    return { hoverProvider: true };
  }

  /** Server-side commands for executeCommandProvider: ours only for clients without the VS Code command. */
  serverCommands(): string[] {
    return !this.clientCommand && this.showDocumentSupported ? [SHOW_DOCUMENTATION_SERVER_COMMAND] : [];
  }

  /** One "Show documentation for <rule-id>" action per rule among the client's wasm-safety diagnostics. */
  codeActions(params: CodeActionParams): CodeAction[] {
    const only = params.context.only;
    if (only && !only.some((k) => CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
    const command = this.clientCommand ?? (this.showDocumentSupported ? SHOW_DOCUMENTATION_SERVER_COMMAND : undefined);
    if (!command) return [];
    const ruleIds = new Set<string>();
    for (const d of params.context.diagnostics) if (d.source === DIAGNOSTIC_SOURCE && typeof d.code === 'string') ruleIds.add(d.code);
    const actions: CodeAction[] = [];
    for (const ruleId of ruleIds) {
      const page = pageUri(ruleId);
      if (!page) continue;
      const title = `Show documentation for ${ruleId}`;
      actions.push({ title, kind: CodeActionKind.QuickFix, command: { title, command, arguments: [ruleId, page] } });
    }
    return actions;
  }

  /** `wasm-safety.showDocumentation`: asks the client to show the page (clients without the VS Code command). */
  async executeCommand(connection: Connection, params: ExecuteCommandParams): Promise<void> {
    if (params.command !== SHOW_DOCUMENTATION_SERVER_COMMAND) return;
    const [ruleId] = (params.arguments ?? []) as unknown[];
    const page = typeof ruleId === 'string' ? pageUri(ruleId) : undefined;
    if (page) await connection.window.showDocument({ uri: page, takeFocus: true });
  }

  /** The hover over the findings at the position: id, family, message, summary, then the page excerpt. */
  async hover(session: Session, params: HoverParams): Promise<Hover | null> {
    const open = session.documents.get(params.textDocument.uri);
    if (!open || session.workspace.languageOf(open.path) === undefined) return null;
    const version = open.document.version;
    const settings = await session.settingsFor(open.path);
    if (session.isShutDown || !settings.enable || session.documents.get(params.textDocument.uri) !== open || open.document.version !== version) return null;
    const key = `${version}|${session.revision}`;
    let cached = this.cache.get(open.path);
    if (cached?.key !== key) {
      cached = { key, result: session.linter.lintFile(session.workspace, open.path, { settings: settings.lint }) };
      this.cache.set(open.path, cached);
      if (this.cache.size > 16) this.cache.delete(this.cache.keys().next().value!);
    }
    const lines = open.document.lines;
    const offset = lines.offsetAt(params.position);
    const here = cached.result.findings.filter((f) => !f.suppression && f.range.start <= offset && offset <= f.range.end);
    if (here.length === 0) return null;
    const sections = here.map((f) => {
      const rule = session.rules.get(f.ruleId);
      const heading = `**wasm-safety** \`${f.ruleId}\`${rule ? ` · ${rule.family} · WBG-${rule.catalogId}` : ''}`;
      return [heading, escapeMarkdown(f.message), ruleDocMarkdown(f.ruleId, rule ? ruleDocUrl(rule) : undefined, rule?.summary)].filter(Boolean).join('\n\n');
    });
    const covered: TextRange = { start: Math.max(...here.map((f) => f.range.start)), end: Math.min(...here.map((f) => f.range.end)) };
    return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') }, range: lspRange(covered, lines) };
  }

  /** Drops the cached lint of a closed document. */
  forget(path: string): void {
    this.cache.delete(path);
  }
}

/** The `file:` URI of a rule's bundled page, when this installation has it. */
export function pageUri(ruleId: string): string | undefined {
  const file = ruleDocFile(ruleId);
  return file ? fileUri(file) : undefined;
}

/** Summary, the page excerpt (links resolved against the page's address) and a link to the whole page. */
export function ruleDocMarkdown(ruleId: string, onlineUrl: string | undefined, summary: string | undefined): string {
  const markdown = readRuleDoc(ruleId);
  const pageLink = onlineUrl ?? pageUri(ruleId);
  const parts: string[] = [];
  if (summary) parts.push(`*${escapeMarkdown(summary.charAt(0).toUpperCase() + summary.slice(1))}.*`);
  if (markdown) {
    const excerpt = ruleDocExcerpt(parseRuleDocPage(markdown), { maxSectionChars: HOVER_SECTION_CHARS });
    parts.push(pageLink ? resolveRelativeLinks(excerpt, pageLink) : excerpt);
  }
  if (pageLink) parts.push(`[Full documentation of ${ruleId}](${pageLink})`);
  return parts.join('\n\n');
}

/** Finding messages are plain text with `code` spans: keep the backticks, escape what would turn into Markdown. */
function escapeMarkdown(text: string): string {
  // Odd pieces of the split are inside backticks, where a backslash would show literally.
  return text.split('`').map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/([\\*_[\]<>#])/g, '\\$1'))).join('`');
}
