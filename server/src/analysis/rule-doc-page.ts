// A rule's documentation page (docs/rules/<id>.md) taken apart into its `## ` sections, and the
// excerpts the tools show from it: the editor hover and SARIF `help.markdown` show What it does / Why is
// this bad / Example / Use instead (the page's fixed shape, checked by rules-meta.test.ts), trimmed so a
// hover stays readable; the full page is one click away (codeDescription, helpUri, the docs action).
// Pure text processing: the hosts read the page (server/src/host/rule-doc-files.ts) and pass it in.

export interface RuleDocSection {
  /** The heading text after `## `, e.g. "Why is this bad". */
  readonly heading: string;
  readonly body: string;
}

export interface RuleDocPage {
  /** The `# ` title (the rule id). */
  readonly title: string;
  /** Everything between the title and the first `## ` (the metadata line and the one-paragraph summary). */
  readonly intro: string;
  readonly sections: readonly RuleDocSection[];
}

/** The sections an excerpt shows, in page order. */
export const EXCERPT_SECTIONS = ['What it does', 'Why is this bad', 'Example', 'Use instead'] as const;

export function parseRuleDocPage(markdown: string): RuleDocPage {
  const text = markdown.replace(/\r\n?/g, '\n');
  let title = '';
  let intro = '';
  const sections: RuleDocSection[] = [];
  let current: { heading: string; lines: string[] } | undefined;
  const introLines: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    // Headings inside code blocks (a `## ` in a Rust raw string, a shell comment) are code.
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && /^# /.test(line) && title === '' && !current) {
      title = line.slice(2).trim();
      continue;
    }
    if (!inFence && /^## /.test(line)) {
      if (current) sections.push({ heading: current.heading, body: current.lines.join('\n').trim() });
      current = { heading: line.slice(3).trim(), lines: [] };
      continue;
    }
    (current ? current.lines : introLines).push(line);
  }
  if (current) sections.push({ heading: current.heading, body: current.lines.join('\n').trim() });
  intro = introLines.join('\n').trim();
  return { title, intro, sections };
}

/** The section whose heading starts with `name` ("Example" matches "Example (panic=unwind)"). */
export function docSection(page: RuleDocPage, name: string): RuleDocSection | undefined {
  return page.sections.find((s) => s.heading === name || s.heading.startsWith(`${name} `) || s.heading.startsWith(`${name}:`));
}

export interface ExcerptOptions {
  /** Prose of one section is cut after this many characters (at a paragraph or line end); code blocks are kept whole. */
  readonly maxSectionChars?: number;
  /** Appended after a cut section, e.g. a link to the full page. */
  readonly moreLink?: string;
}

/**
 * Markdown of the excerpt sections (What it does, Why is this bad, Example, Use instead) as `###`
 * headings. Long prose is cut at a paragraph boundary; the first code block of Example and Use instead
 * is always shown whole, since it is the point of those sections.
 */
export function ruleDocExcerpt(page: RuleDocPage, options: ExcerptOptions = {}): string {
  const max = options.maxSectionChars ?? Number.POSITIVE_INFINITY;
  const parts: string[] = [];
  for (const name of EXCERPT_SECTIONS) {
    const section = docSection(page, name);
    if (!section) continue;
    const isCodeSection = name === 'Example' || name === 'Use instead';
    const body = isCodeSection ? codeSectionExcerpt(section.body, max) : trimProse(section.body, max);
    const cut = body.length < section.body.length;
    parts.push(`### ${section.heading}\n\n${body}${cut && options.moreLink ? `\n\n${options.moreLink}` : ''}`);
  }
  return parts.join('\n\n');
}

/** Prose before the first code block (trimmed to `max`), then the code block itself. */
function codeSectionExcerpt(body: string, max: number): string {
  const fence = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/m.exec(body);
  if (!fence) return trimProse(body, max);
  const before = body.slice(0, fence.index).trim();
  const lead = before.length > 0 ? `${trimProse(before, max)}\n\n` : '';
  const rest = body.slice(fence.index + fence[0].length).trim();
  // Whole when short (a sentence after the code), else the code block ends the excerpt.
  const tail = rest.length > 0 && rest.length <= Math.min(max, 400) && !/^(```|~~~)/m.test(rest) ? `\n\n${rest}` : '';
  return `${lead}${fence[0]}${tail}`;
}

/** `text` cut at the last paragraph (else line) end before `max` characters; never inside a code block. */
function trimProse(text: string, max: number): string {
  if (text.length <= max) return text;
  const paragraphs = splitOutsideFences(text);
  let out = '';
  for (const paragraph of paragraphs) {
    const next = out === '' ? paragraph : `${out}\n\n${paragraph}`;
    if (next.length > max) break;
    out = next;
  }
  if (out === '') {
    // The first paragraph alone is too long: cut it at a line end, else a word end.
    const first = paragraphs[0] ?? text;
    const lineCut = first.lastIndexOf('\n', max);
    const wordCut = first.lastIndexOf(' ', max);
    out = `${first.slice(0, lineCut > max / 2 ? lineCut : wordCut > 0 ? wordCut : max).trimEnd()} …`;
  } else {
    out += '\n\n…';
  }
  return out;
}

/** Paragraphs (blank-line separated), keeping each fenced code block in one piece. */
function splitOutsideFences(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let inFence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && line.trim() === '') {
      if (current.length > 0) out.push(current.join('\n'));
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) out.push(current.join('\n'));
  return out;
}

/** The page without its `# ` title (SARIF `help.markdown`: GitHub shows the rule name above it). */
export function pageWithoutTitle(page: RuleDocPage): string {
  const sections = page.sections.map((s) => `## ${s.heading}\n\n${s.body}`);
  return [page.intro, ...sections].filter((p) => p.length > 0).join('\n\n');
}

/**
 * Relative Markdown links (`[x](other-rule.md)`) resolved against `baseUrl`, the address of the page
 * itself: an excerpt shown elsewhere (a hover, GitHub's alert page) would otherwise link nowhere.
 * Absolute URLs and in-page anchors are left alone. Pure string work (no URL parsing of the base beyond
 * dropping its last segment), so it runs in any host.
 */
export function resolveRelativeLinks(markdown: string, baseUrl: string): string {
  const folder = baseUrl.slice(0, baseUrl.lastIndexOf('/') + 1);
  return markdown.replace(/\]\(([^)\s]+)\)/g, (whole, target: string) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) return whole;
    let base = folder;
    let rest = target.replace(/^\.\//, '');
    while (rest.startsWith('../')) {
      rest = rest.slice(3);
      base = base.replace(/[^/]+\/$/, '');
    }
    return `](${base}${rest})`;
  });
}
