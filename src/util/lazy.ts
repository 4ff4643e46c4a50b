// Libraries loaded on first use. Every warden command starts a fresh process, and loading
// @grpc/grpc-js, proto files, yaml or cli-table3 up front cost more than `snapshot status`
// spends reading 100 MB: a command pays only for the libraries it touches. CommonJS builds are
// loaded with a synchronous require so call sites stay synchronous (types come from
// `import type`).
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** `() => require(id)`, memoised. */
export function lazyRequire<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(id) as T);
}
