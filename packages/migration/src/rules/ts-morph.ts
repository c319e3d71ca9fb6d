import type * as TsMorph from 'ts-morph';

/** ts-morph (and the TypeScript compiler it bundles) costs ~0.5 s to import: load it only when needed. */
export function loadTsMorph(): typeof TsMorph {
  return require('ts-morph') as typeof TsMorph;
}
