// Compiled-once tree-sitter queries. A QueryCache owns its Query objects and deletes them on dispose;
// rules ask for a query by (language, source) and never compile one themselves.

import { Query } from 'web-tree-sitter';
import type { LanguageId } from '../model';
import type { Grammars } from './grammars';

export class QueryCache {
  private readonly cache = new Map<string, Query>();

  constructor(private readonly grammars: Grammars) {}

  get(language: LanguageId, source: string): Query {
    const key = `${language}\u0000${source}`;
    let query = this.cache.get(key);
    if (!query) {
      query = new Query(this.grammars.language(language), source);
      this.cache.set(key, query);
    }
    return query;
  }

  dispose(): void {
    for (const query of this.cache.values()) query.delete();
    this.cache.clear();
  }
}
