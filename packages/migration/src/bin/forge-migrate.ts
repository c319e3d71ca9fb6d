#!/usr/bin/env node
// `forge-migrate`: migrate, status, down and uninstall without Nx, for deploy images that carry the
// built application and its prisma folder but not the workspace. Same code as the Nx executors:
// the same project reading, database selection, ProjectTarget and runtime functions.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MigrateExecutorSchema } from '../executors/migrate/schema';
import type { DatabaseOptions, ProjectContext } from '../executors/shared/project';
import { consoleLogger } from '../runtime/logger';

const HELP = `Usage: forge-migrate <command> [options]

Runs @forge/migration's migrations where Nx is not: in a deploy image with the built application
and its Prisma folder. The same code as \`nx run <project>:migrate\` and the other targets.

Commands:
  migrate               Apply pending SQL migrations, each followed by its TypeScript data migration
  status                Applied, pending, failed and edited migrations, and drift (exit 1 when unhealthy)
  down                  Roll back the last applied migration(s): data migration down(), then down.sql
  resolve               Resolve a failed migration like prisma migrate resolve:
                        --rolled-back <name> records it rolled back, --applied <name> records it applied
  uninstall             Drop the _forge (bookkeeping) and _forge_backup (rollback backups) schemas;
                        lists what it would drop unless --yes

Options:
  --project-dir <dir>   The Prisma project: the folder holding prisma/ or prisma.config.ts (default: .)
  --database-url <url>  PostgreSQL URL without a password (command lines are visible to every
                        user and kept in shell history; the password can come from PGPASSWORD).
                        Default: DATABASE_URL, else prisma.config.ts's datasource, else the schema's
                        env("…"). One of them is required: no embedded database here.
  --database-url-env <name>  The environment variable holding the URL (password included)
  --lock-timeout <d>    lock_timeout of statements that set none (default 5s)
  --lock-retries <n>    Retries of a migration stopped by lock_timeout (default 4)
  --concurrent-index-wait <d>
                        How long CREATE INDEX CONCURRENTLY may wait for older transactions
                        (any table) before it is cancelled, naming them (default 10min)
  --to <folder>         migrate: stop after this migration folder
  --phase expand|contract  migrate: expand = up to the first contract migration (before a rollout); contract = the rest
  --count <n>           down: how many migrations to roll back (default 1)
  --rolled-back <name>  resolve: the failed migration whose changes are not in the database
  --applied <name>      resolve: the migration whose changes are already in the database
  --format json         status: JSON instead of a table
  --yes                 uninstall: really drop the schemas
  -h, --help            This help

Examples:
  DATABASE_URL=postgresql://app@db:5432/app forge-migrate migrate --project-dir packages/db
  forge-migrate status --format json
  forge-migrate down --count 2`;

/** Targets as this command names them, for the commands the runtime suggests. */
const SUBCOMMANDS: Record<string, string> = { migrate: 'migrate', 'migrate-status': 'status', 'migrate-down': 'down', 'migrate-resolve': 'resolve' };

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'project-dir': { type: 'string' },
      'database-url': { type: 'string' },
      'database-url-env': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'lock-retries': { type: 'string' },
      'concurrent-index-wait': { type: 'string' },
      to: { type: 'string' },
      phase: { type: 'string' },
      count: { type: 'string' },
      'rolled-back': { type: 'string' },
      applied: { type: 'string' },
      format: { type: 'string' },
      yes: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

// Each command loads its code when it runs: --help and usage errors answer at once.
/* eslint-disable @typescript-eslint/no-require-imports */
const COMMANDS: Record<string, (project: ProjectContext, values: Values) => Promise<boolean>> = {
  migrate: (project, values) => {
    const { migrateCommand } = require('../executors/migrate/command') as typeof import('../executors/migrate/command');
    return migrateCommand(project, { ...databaseOptions(values), to: values.to, phase: values.phase as MigrateExecutorSchema['phase'] });
  },
  status: (project, values) => {
    const { migrateStatusCommand } = require('../executors/migrate-status/command') as typeof import('../executors/migrate-status/command');
    if (values.format !== undefined && values.format !== 'json' && values.format !== 'table') throw new Error(`--format must be json or table (got ${JSON.stringify(values.format)}).`);
    return migrateStatusCommand(project, { ...databaseOptions(values), format: values.format });
  },
  down: (project, values) => {
    const { migrateDownCommand } = require('../executors/migrate-down/command') as typeof import('../executors/migrate-down/command');
    return migrateDownCommand(project, { ...databaseOptions(values), count: optionalNumber(values.count, '--count') });
  },
  resolve: (project, values) => {
    const { migrateResolveCommand } = require('../executors/migrate-resolve/command') as typeof import('../executors/migrate-resolve/command');
    return migrateResolveCommand(project, { ...databaseOptions(values), rolledBack: values['rolled-back'], applied: values.applied });
  },
  uninstall: uninstallCommand,
};

function shared(): typeof import('../executors/shared/project') {
  return require('../executors/shared/project') as typeof import('../executors/shared/project');
}
/* eslint-enable @typescript-eslint/no-require-imports */

export async function main(argv: string[]): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (error) {
    console.error(`${(error as Error).message}\nRun forge-migrate --help for the options.`);
    return 2;
  }
  const [name, ...extra] = positionals;
  if (values.help || !name) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command || extra.length) {
    console.error(`${command ? `Unexpected argument ${JSON.stringify(extra[0])}` : `Unknown command ${JSON.stringify(name)}`}. Commands: ${Object.keys(COMMANDS).join(', ')}. Run forge-migrate --help.`);
    return 2;
  }
  try {
    const project = readProjectAt(resolve(values['project-dir'] ?? '.'));
    requireConfiguredDatabase(project, values);
    return (await command(project, values)) ? 0 : 1;
  } catch (error) {
    console.error(shared().failureMessage(error, shared().urlsOf({ databaseUrl: values['database-url'], databaseUrlEnv: values['database-url-env'] })));
    return 1;
  }
}

/** The project folder as its own workspace root: the image needs no Nx workspace around it. */
function readProjectAt(dir: string): ProjectContext {
  if (!existsSync(dir)) throw new Error(`--project-dir ${dir} does not exist.`);
  const projectName = packageName(dir) ?? basename(dir);
  return shared().readProject({
    workspaceRoot: dir,
    projectRoot: '',
    projectName,
    logger: consoleLogger,
    command: (target, options) =>
      SUBCOMMANDS[target]
        ? `forge-migrate ${SUBCOMMANDS[target]}${shared().commandOptions(options, kebabCase)}`
        : `nx run ${projectName}:${target}${shared().commandOptions(options)} (in the Nx workspace)`,
  });
}

/** This command's option names: `rolledBack` → `rolled-back`. */
function kebabCase(option: string): string {
  return option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function packageName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** A deploy must say where it deploys: silently migrating a local embedded database would look like success. */
function requireConfiguredDatabase(project: ProjectContext, values: Values): void {
  const configFile = project.layout.configFile ? join(project.workspaceRoot, project.layout.configFile) : null;
  const { configuredDatabaseUrl } = require('../runtime/database-selection') as typeof import('../runtime/database-selection'); // eslint-disable-line @typescript-eslint/no-require-imports
  if (configuredDatabaseUrl({ ...databaseOptions(values), configFile, schemaFiles: project.schemaFiles })) return;
  throw new Error(
    'No database given: set DATABASE_URL (or the variable your schema or prisma.config.ts reads), or pass --database-url-env NAME or --database-url. ' +
      'forge-migrate never falls back to an embedded database; in the Nx workspace, nx run <project>:migrate does.',
  );
}

function databaseOptions(values: Values): DatabaseOptions {
  return {
    databaseUrl: values['database-url'],
    databaseUrlEnv: values['database-url-env'],
    optionNames: { url: '--database-url', env: '--database-url-env' },
    lockTimeout: values['lock-timeout'],
    lockRetries: optionalNumber(values['lock-retries'], '--lock-retries'),
    concurrentIndexWait: values['concurrent-index-wait'],
  };
}

function optionalNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${option} must be a whole number (got ${JSON.stringify(value)}).`);
  return n;
}

async function uninstallCommand(project: ProjectContext, values: Values): Promise<boolean> {
  const { planUninstall, uninstall } = require('../runtime/uninstall') as typeof import('../runtime/uninstall'); // eslint-disable-line @typescript-eslint/no-require-imports
  return shared().withProjectTarget(project, databaseOptions(values), 'workspace', async (target) => {
    const plan = values.yes ? await uninstall(target.url, project.logger) : await planUninstall(target.url);
    const tables = plan.tables.map((t) => `  ${t.table} (${t.rows} rows)`).join('\n');
    if (!plan.schemas.length) {
      project.logger.info('Nothing to remove: this database has no _forge or _forge_backup schema.');
    } else if (!values.yes) {
      project.logger.info(`Would drop ${plan.schemas.join(' and ')} with:\n${tables || '  (no tables)'}\n_forge_backup holds the data rollbacks restore. Nothing was changed; run again with --yes to drop them.`);
      if (plan.blockers.length) project.logger.warn(`It would refuse now: a change is half-way (${plan.blockers.join('; ')}).`);
    } else {
      project.logger.info(`Dropped ${plan.schemas.join(' and ')} (${plan.tables.length} table(s)). Prisma's _prisma_migrations and your tables are untouched.`);
    }
    return true;
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
