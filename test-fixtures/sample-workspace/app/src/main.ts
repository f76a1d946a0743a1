// Page entry: loads the store module and connects it to the item list.

import init, { get_item, remove_item, set_item } from '../../store/pkg/store.js';
import { renderItem } from './ItemList';
import { isRecoverableWasmError, recoverWasm } from './wasm-errors';

declare global {
  // The listener the store calls through `#[wasm_bindgen(js_namespace = app)] fn on_change`.
  var app: { on_change(id: number): void };
}

globalThis.app = {
  on_change(id: number) {
    renderItem(id, get_item(id));
  },
};

/** Saves an item; returns false when it could not be saved. */
export function saveItem(id: number, value: string): boolean {
  try {
    set_item(id, value);
    return true;
  } catch (e) {
    console.warn('could not save item', id, e);
    return false;
  }
}

/** Deletes an item; recoverable failures are logged, a trapped instance is recovered and rethrown. */
export function deleteItem(id: number): boolean {
  try {
    return remove_item(id);
  } catch (e) {
    if (!isRecoverableWasmError(e)) {
      recoverWasm();
      throw e;
    }
    console.warn('could not delete item', id, e);
    return false;
  }
}

export async function start(): Promise<void> {
  await init();
  const form = document.querySelector<HTMLFormElement>('#new-item');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    saveItem(Number(data.get('id')), String(data.get('value') ?? ''));
  });
}
