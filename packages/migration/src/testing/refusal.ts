import type { Tree } from '@nx/devkit';
import { snapshotTree } from './sample-tree';

/** Expects `run` to fail with `message` and to leave every file of `tree` as it was (a refusal writes nothing). */
export async function expectRefusedUntouched(tree: Tree, run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = snapshotTree(tree);
  await expect(run()).rejects.toThrow(message);
  expect(snapshotTree(tree)).toEqual(before);
}
