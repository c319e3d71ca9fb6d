import { setFlagsFromString } from 'node:v8';

let applied = false;

/**
 * Compile Prisma's WebAssembly modules with V8's baseline compiler only. By default V8 also
 * re-compiles the 5 MB schema engine with its optimizing compiler in background threads, and a
 * process cannot exit before that finishes: ~0.3 s added to every `nx g` on 2 cores, for work
 * that takes milliseconds. Baseline code runs these short calls just as fast.
 */
export function useBaselineWasmCompiler(): void {
  if (applied || process.env.FORGE_WASM_TIER_UP === '1') return;
  applied = true;
  setFlagsFromString('--liftoff-only');
}
