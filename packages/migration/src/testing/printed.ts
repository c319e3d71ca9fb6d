/**
 * What `fn` printed through Nx's logger (console.info, silenced by quiet-console; console.error) and console.log
 * (--format json), and what it returned; `logged` is console.log alone (the JSON).
 */
export async function printedBy<T>(fn: () => Promise<T>): Promise<{ result: T; printed: string; logged: string }> {
  const info = jest.spyOn(console, 'info');
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const from = info.mock.calls.length;
  try {
    const result = await fn();
    const printed = [...info.mock.calls.slice(from), ...log.mock.calls, ...error.mock.calls].map((c) => c.map(String).join(' ')).join('\n');
    const logged = log.mock.calls.map((c) => c.map(String).join(' ')).join('\n');
    return { result, printed, logged };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}
