import { randomInt } from 'node:crypto';

/** A seeded random source whose seed a failing test names, so the run can be replayed. */
export interface ReplayableRandom {
  seed: number;
  /** The variable that replays a run: `<envVar>=<seed> npx jest …`. */
  replay: string;
  /** An integer in [min, max], drawn from the seed. */
  int(min: number, max: number): number;
}

/**
 * Random by default (each CI run tries another point), fixed when `envVar` is set. mulberry32:
 * tiny and good enough to pick test parameters; what matters is that a seed gives the same draws.
 */
export function replayableRandom(envVar: string): ReplayableRandom {
  const given = process.env[envVar];
  const seed = given !== undefined && given !== '' ? Number(given) >>> 0 : randomInt(2 ** 31);
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { seed, replay: `${envVar}=${seed}`, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}
