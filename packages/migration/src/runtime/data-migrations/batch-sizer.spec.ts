import { BatchSizer, FIRST_ADAPTIVE_BATCH_SIZE, MIN_ADAPTIVE_BATCH_SIZE } from './batch-sizer';

describe('BatchSizer', () => {
  it('starts small, doubles up to the configured size while batches are fast, then keeps it within the budget', () => {
    const sizer = new BatchSizer(5000, 100);
    expect(sizer.size).toBe(FIRST_ADAPTIVE_BATCH_SIZE);
    const sizes: number[] = [];
    for (const ms of [10, 10, 10, 10, 60, 99, 100]) {
      sizer.record(ms);
      sizes.push(sizer.size);
    }
    expect(sizes).toEqual([1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('shrinks a slow batch in proportion, down to a floor', () => {
    const sizer = new BatchSizer(5000, 100);
    sizer.record(400);
    expect(sizer.size).toBe(125);
    sizer.record(100_000);
    expect(sizer.size).toBe(MIN_ADAPTIVE_BATCH_SIZE);
  });

  it('grows back by doubling when batches are well under the budget, never past the configured size', () => {
    const sizer = new BatchSizer(5000, 100);
    sizer.record(200);
    expect(sizer.size).toBe(250);
    sizer.record(20);
    expect(sizer.size).toBe(500);
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
