import { retryOnLockTimeout } from './lock-retry';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('retryOnLockTimeout', () => {
  it('tries again after a deadlock (PostgreSQL undid the attempt), as after a lock timeout', async () => {
    const failures = [Object.assign(new Error('deadlock detected'), { code: '40P01' }), Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' })];
    const result = await retryOnLockTimeout(
      'step',
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'done';
      },
      { logger: quiet as never, baseDelayMs: 1 },
    );
    expect(result).toEqual({ value: 'done', retries: 2 });
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const failing = retryOnLockTimeout(
      'step',
      async () => {
        calls++;
        throw Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
      },
      { logger: quiet as never, baseDelayMs: 1 },
    );
    await expect(failing).rejects.toThrow('relation "x" does not exist');
    expect(calls).toBe(1);
  });
});
