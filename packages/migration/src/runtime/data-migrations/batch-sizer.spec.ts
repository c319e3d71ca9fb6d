import { BatchSizer, MIN_ADAPTIVE_BATCH_SIZE } from './batch-sizer';

describe('BatchSizer', () => {
  it('starts at the configured size and keeps it while batches stay within the budget', () => {
    const sizer = new BatchSizer(5000, 100);
    for (const ms of [10, 60, 99, 100]) sizer.record(ms);
    expect(sizer.size).toBe(5000);
  });

  it('shrinks a slow batch in proportion, down to a floor', () => {
    const sizer = new BatchSizer(5000, 100);
    sizer.record(400);
    expect(sizer.size).toBe(1250);
    sizer.record(100_000);
    expect(sizer.size).toBe(MIN_ADAPTIVE_BATCH_SIZE);
  });

  it('grows back by doubling when batches are well under the budget, never past the configured size', () => {
    const sizer = new BatchSizer(5000, 100);
    sizer.record(1000);
    expect(sizer.size).toBe(500);
    sizer.record(20);
    expect(sizer.size).toBe(1000);
    for (let i = 0; i < 10; i++) sizer.record(20);
    expect(sizer.size).toBe(5000);
  });

  it('never goes below a configured size smaller than the floor, and a budget of 0 keeps the size fixed', () => {
    const small = new BatchSizer(10, 100);
    small.record(10_000);
    expect(small.size).toBe(10);
    const fixed = new BatchSizer(500, 0);
    fixed.record(60_000);
    expect(fixed.size).toBe(500);
  });
});
