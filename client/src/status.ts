// The language status item ("{} wasm-safety" next to the language mode in the status bar): shows
// whether the server is starting, ready or stopped, and opens the output channel when clicked.

import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { DOCUMENT_SELECTOR } from './server-launch';

export const SHOW_OUTPUT_COMMAND = 'wasmSafety.showOutputChannel';

export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private stoppingOnPurpose = false;

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('wasmSafety.serverStatus', DOCUMENT_SELECTOR);
    this.item.name = 'wasm-safety server';
    this.item.command = { title: 'Show output', command: SHOW_OUTPUT_COMMAND, tooltip: 'Open the wasm-safety output channel' };
    this.show(State.Stopped);
  }

  /** Call before a deliberate stop (restart, deactivate) so it is not shown as a failure. */
  expectStop(expected: boolean): void {
    this.stoppingOnPurpose = expected;
  }

  show(state: State): void {
    switch (state) {
      case State.Starting:
        this.set('$(sync~spin) wasm-safety', 'starting…', vscode.LanguageStatusSeverity.Information, true);
        break;
      case State.Running:
        this.stoppingOnPurpose = false;
        this.set('$(check) wasm-safety', 'server running', vscode.LanguageStatusSeverity.Information, false);
        break;
      case State.Stopped:
        if (this.stoppingOnPurpose) this.set('wasm-safety', 'server stopped', vscode.LanguageStatusSeverity.Information, false);
        else this.set('$(error) wasm-safety', 'server stopped — see the output channel', vscode.LanguageStatusSeverity.Error, false);
        break;
    }
  }

  showFailure(message: string): void {
    this.set('$(error) wasm-safety', message, vscode.LanguageStatusSeverity.Error, false);
  }

  private set(text: string, detail: string, severity: vscode.LanguageStatusSeverity, busy: boolean): void {
    this.item.text = text;
    this.item.detail = detail;
    this.item.severity = severity;
    this.item.busy = busy;
  }

  dispose(): void {
    this.item.dispose();
  }
}
