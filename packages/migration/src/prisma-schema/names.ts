import { inputError } from '../errors';
import { clipped } from '../suggest';
import { MAX_IDENTIFIER_BYTES } from '../sql/identifiers';

const PRISMA_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Model, field and enum names: what Prisma's grammar accepts. */
export function assertPrismaName(what: string, name: string): void {
  if (!PRISMA_NAME.test(name)) {
    throw inputError(
      `Invalid ${what} name ${clipped(name)}: Prisma names start with a letter and contain only ` +
        'letters, digits and underscores (for example "preferences" or "createdAt").',
    );
  }
  assertIdentifierLength(what, name);
}

/** Names that go to the database as they are (index names, `map:`): safe characters, at most 63 bytes. */
export function assertDatabaseName(what: string, name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw inputError(
      `Invalid ${what} ${clipped(name)}: use letters, digits, "_" and "$", starting with a letter or "_".`,
    );
  }
  assertIdentifierLength(what, name);
}

export function assertIdentifierLength(what: string, name: string, hint = 'choose a shorter name'): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_IDENTIFIER_BYTES) {
    throw inputError(
      `The ${what} ${clipped(name)} is ${bytes} bytes long; PostgreSQL truncates identifiers ` +
        `to ${MAX_IDENTIFIER_BYTES} bytes, which Prisma would then report as drift. Fix: ${hint}.`,
    );
  }
}

/** `migrate dev`'s folder-name rule: lower case, runs of other characters become one underscore. */
export function snakeCaseMigrationName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
