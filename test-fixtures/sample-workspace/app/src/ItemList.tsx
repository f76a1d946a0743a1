// Renders the stored items; reads go through the store glue and classify any failure.

import { get_item, item_count } from '../../store/pkg/store.js';
import { classifyWasmError, recoverWasm } from './wasm-errors';

export function renderItem(id: number, value: string | undefined): void {
  const row = document.querySelector(`[data-item="${id}"]`);
  if (row) row.textContent = value ?? '';
}

function readItem(id: number): string | undefined {
  try {
    return get_item(id);
  } catch (e) {
    switch (classifyWasmError(e)) {
      case 'panic':
      case 'foreign':
        console.warn('could not read item', id, e);
        return undefined;
      case 'abort':
      case 'terminated':
        recoverWasm();
        throw e;
      default:
        throw e;
    }
  }
}

export function ItemList({ ids }: { ids: readonly number[] }) {
  return (
    <section>
      <h2>{item_count()} items</h2>
      <ul>
        {ids.map((id) => (
          <li key={id} data-item={id}>
            {readItem(id) ?? '(missing)'}
          </li>
        ))}
      </ul>
    </section>
  );
}
