/** Where runtime code reports progress; executors pass Nx's logger, tests a collector. */
export interface RuntimeLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: RuntimeLogger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
};

export const silentLogger: RuntimeLogger = { info: () => undefined, warn: () => undefined };
