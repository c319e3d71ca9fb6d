/**
 * Bad input from the user: the message names the problem and the fix. Generators and executors
 * print it as is (no stack trace), and nothing has been written when it is thrown.
 */
export class ForgeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForgeInputError';
  }
}

export function inputError(message: string): ForgeInputError {
  return new ForgeInputError(message);
}
