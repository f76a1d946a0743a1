// The server's log: the connection's console (the client's output channel), with repeated messages
// suppressed so a rule that throws, or a notice about a file, is logged once rather than on every
// keystroke. Also the guards that turn an exception in a handler into a log line (notifications,
// timers) or an LSP error response (requests), so no exception ever ends the server process.

import { ErrorCodes, type RemoteConsole, ResponseError } from 'vscode-languageserver';
import type { InternalError, Notice } from '../analysis/index';

/** Remembered messages; past this many the memory is reset (a log line repeats rather than memory grows). */
const MAX_REMEMBERED = 2000;

export class ServerLog {
  private readonly seen = new Set<string>();

  constructor(private readonly console: RemoteConsole) {}

  error(message: string): void {
    this.console.error(message);
  }

  warn(message: string): void {
    this.console.warn(message);
  }

  info(message: string): void {
    this.console.info(message);
  }

  /** Logs `message` unless the same key was logged before. */
  once(level: 'error' | 'warn' | 'info', key: string, message: string): void {
    if (this.seen.has(key)) return;
    if (this.seen.size >= MAX_REMEMBERED) this.seen.clear();
    this.seen.add(key);
    this[level](message);
  }

  internalErrors(errors: readonly InternalError[]): void {
    for (const e of errors) {
      const rule = e.ruleId ? ` [${e.ruleId}]` : '';
      this.once('error', `internal:${e.path}:${e.ruleId ?? ''}:${e.message}`, `internal error${rule} in ${e.path}: ${e.message}${e.stack ? `\n${e.stack}` : ''}`);
    }
  }

  notices(notices: readonly Notice[]): void {
    for (const n of notices) this.once(n.level === 'warning' ? 'warn' : 'info', `notice:${n.path}:${n.message}`, `${n.path}: ${n.message}`);
  }

  /** Logs an exception caught at a handler boundary. */
  exception(where: string, e: unknown): void {
    this.error(`${where} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  /** Wraps a notification handler or timer callback: an exception (or rejected promise) is logged. */
  guard<A extends unknown[]>(where: string, handler: (...args: A) => void | Promise<void>): (...args: A) => void {
    return (...args: A) => {
      try {
        const result = handler(...args);
        if (result instanceof Promise) result.catch((e: unknown) => this.exception(where, e));
      } catch (e) {
        this.exception(where, e);
      }
    };
  }

  /** Wraps a request handler: an exception is logged and answered with an LSP InternalError response. */
  guardRequest<A extends unknown[], R>(where: string, handler: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      try {
        return await handler(...args);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        this.exception(where, e);
        throw new ResponseError(ErrorCodes.InternalError, `wasm-safety: ${where} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  }
}
