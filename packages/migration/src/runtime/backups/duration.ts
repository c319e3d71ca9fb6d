import { inputError } from '../../errors';

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `24h`, `7d`, `90m`, `1.5d` → milliseconds; anything else is refused with the accepted forms. */
export function parseDuration(text: string | number, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$/i.exec(String(text));
  if (!match) throw inputError(`${option} must be a duration such as 24h, 7d or 90m (got "${text}").`);
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
}

/** 93_600_000 → `1 d 2 h`; the two largest units, for tables and messages. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / UNITS.d);
  rest -= days * UNITS.d;
  const hours = Math.floor(rest / UNITS.h);
  rest -= hours * UNITS.h;
  const minutes = Math.floor(rest / UNITS.m);
  if (days) return `${sign}${days} d${hours ? ` ${hours} h` : ''}`;
  if (hours) return `${sign}${hours} h${minutes ? ` ${minutes} min` : ''}`;
  return `${sign}${minutes} min`;
}
