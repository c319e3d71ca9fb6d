import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type * as TsMorph from 'ts-morph';
import { loadTsMorph } from './ts-morph';

/**
 * Syntax errors of generated TypeScript, found with the TypeScript compiler. Loading the compiler
 * takes ~0.5 s of CPU: a generator that will write TypeScript calls prepareTypeScriptSyntaxCheck()
 * as it starts, so the compiler loads in a worker thread while the generator plans the change, and
 * the check itself is then a message to that worker. Without it (or should the worker fail), the
 * compiler is loaded here.
 */

/** The worker: loads the compiler, then answers { source, fileName } with the first syntax error (or null). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let ts;
try { ts = require(workerData.tsMorph).ts; } catch (error) { ts = error; }
parentPort.on('message', ({ source, fileName, port, signal }) => {
  let reply;
  try {
    if (ts instanceof Error) throw ts;
    reply = { error: (${firstSyntaxError.toString()})(ts, source, fileName) ?? null };
  } catch (error) {
    reply = { failure: String(error && error.message || error) };
  }
  port.postMessage(reply);
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

/** How long a check waits for the worker before checking in this thread instead. */
const WORKER_WAIT_MS = 60_000;

let worker: Worker | undefined;
/** How many checks the worker answered (the spec proves the worker path is taken). */
export const workerAnswers = { count: 0 };

/** Starts loading the compiler in a worker thread (once per process); it never keeps the process alive. */
export function prepareTypeScriptSyntaxCheck(): void {
  if (worker) return;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { tsMorph: require.resolve('ts-morph') } });
    worker.unref();
    worker.on('error', () => (worker = undefined));
  } catch {
    worker = undefined;
  }
}

/** Stops the worker (tests; a generator's process simply exits). */
export async function stopTypeScriptSyntaxCheck(): Promise<void> {
  const running = worker;
  worker = undefined;
  await running?.terminate();
}

/** `file:line:column - message` of the first syntax error in `source`, or undefined when it parses. */
export function typeScriptSyntaxError(source: string, fileName: string): string | undefined {
  const answer = worker && askWorker(worker, source, fileName);
  if (answer && 'error' in answer) {
    workerAnswers.count++;
    return answer.error ?? undefined;
  }
  return firstSyntaxError(loadTsMorph().ts, source, fileName);
}

type Answer = { error: string | null } | { failure: string };

/** Asks the worker and waits for its answer synchronously (callers are synchronous); undefined if it does not answer. */
function askWorker(running: Worker, source: string, fileName: string): Answer | undefined {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  running.postMessage({ source, fileName, port: port2, signal }, [port2 as MessagePort]);
  const answered = Atomics.wait(signal, 0, 0, WORKER_WAIT_MS) !== 'timed-out';
  const message = answered ? (receiveMessageOnPort(port1)?.message as Answer | undefined) : undefined;
  port1.close();
  return message;
}

/** Runs in the worker too (its source is sent there): no closures, only `ts`. */
function firstSyntaxError(ts: typeof TsMorph.ts, source: string, fileName: string): string | undefined {
  const { diagnostics = [] } = ts.transpileModule(source, { fileName, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS } });
  const error = diagnostics.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (!error) return undefined;
  const at = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : undefined;
  return `${fileName}${at ? `:${at.line + 1}:${at.character + 1}` : ''} - ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`;
}
