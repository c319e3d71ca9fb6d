import type { RuntimeLogger } from '../runtime/logger';

/** A runtime logger that keeps what it is told, for specs to read back. */
export function collectingLogger(): RuntimeLogger & { infos: string[]; warns: string[] } {
  const infos: string[] = [];
  const warns: string[] = [];
  return { infos, warns, info: (m) => infos.push(m), warn: (m) => warns.push(m) };
}
