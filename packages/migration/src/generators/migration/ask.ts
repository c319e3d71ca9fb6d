import { inputError } from '../../errors';
import type { Answer, Question } from './change-questions';

/** Nx's own rule for asking: `nx g` ran interactive (no --no-interactive), on a terminal, outside CI. */
export function promptsEnabled(): boolean {
  return process.env.NX_INTERACTIVE === 'true' && !!process.stdout.isTTY && process.env.CI !== 'true';
}

/** Asks one question in the terminal with the prompt library Nx itself uses for x-prompt. */
export async function askInTerminal(question: Question): Promise<Answer> {
  // ESM only: loaded when a question is asked, never on non-interactive runs.
  const clack = await import('@clack/prompts');
  let answer: string | boolean | symbol;
  if (question.kind === 'select') {
    answer = await clack.select({ message: question.message, options: question.choices.map((c) => ({ value: c.value, label: c.label ?? c.value })) });
  } else if (question.kind === 'confirm') {
    answer = await clack.confirm({ message: question.message, initialValue: question.initial });
  } else {
    const validate = question.validate;
    answer = await clack.text({
      message: question.message,
      validate: (value) => (!value?.trim() ? (question.optional ? undefined : 'An answer is needed.') : validate?.(value.trim())),
    });
  }
  if (clack.isCancel(answer)) throw inputError('Cancelled: nothing was generated.');
  return typeof answer === 'string' ? answer.trim() : answer;
}
