// How messages, reports and fix titles quote source code: on one line. A chain broken over lines
// (`this.db\n    .execute(…)`) reads `this.db.execute(…)`; any other run of white space becomes one space.
// Messages go out as JSON, SARIF, GitHub annotations and Markdown tables, where a line break either
// breaks the format or shows as `%0A` and a run of indentation.

/** `text` on one line: line breaks before a `.` dropped, other white-space runs as one space, trimmed. */
export function oneLineCode(text: string): string {
  return text.replace(/\s*\n\s*\./g, '.').replace(/\s+/g, ' ').trim();
}

/** `text` on one line (`oneLineCode`), cut to at most `max` characters with a trailing `…`. */
export function shortCode(text: string, max: number): string {
  const oneLine = oneLineCode(text);
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}…` : oneLine;
}

/**
 * A finding's message as the engine publishes it: one line. Rules quote code through `oneLineCode`; this
 * catches any text that slipped through as it was written (a message with no line break is returned as it is).
 */
export function singleLineMessage(message: string): string {
  return /[\r\n]/.test(message) ? oneLineCode(message) : message;
}
