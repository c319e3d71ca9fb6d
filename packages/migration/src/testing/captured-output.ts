/** What a command printed on any channel, and how it ended (its result or what it threw). */
export interface Captured<T> {
  output: string;
  result?: T;
  error?: Error;
}

/**
 * Runs `fn` with every console method and both process streams captured, so a test can prove
 * nothing secret is printed anywhere (Nx's logger, console.log JSON, direct stream writes).
 */
export async function capturedOutput<T>(fn: () => Promise<T>): Promise<Captured<T>> {
  const chunks: string[] = [];
  const keep = (...args: unknown[]) => void chunks.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => jest.spyOn(console, method).mockImplementation(keep)),
    ...[process.stdout, process.stderr].map((stream) =>
      jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => keep(String(chunk)) ?? true) as never),
    ),
  ];
  try {
    return { result: await fn(), output: chunks.join('\n') };
  } catch (error) {
    return { error: error as Error, output: chunks.join('\n') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}
