// What the demo prints: headers, the useful part of each nx command's output, report.md excerpts,
// and the figures the summary table needs, read from the commands' own output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const indent = (lines, prefix = '    ') => lines.map((line) => `${prefix}${line}`).join('\n');

export function section(title) {
  console.log(`\n${bold(`━━ ${title} `.padEnd(100, '━'))}`);
}

/** One step: the command or action, and how long it took. */
export function step(text, ms) {
  console.log(`\n  ${bold(`▶ ${text}`)}${ms === undefined ? '' : `  (${formatSeconds(ms)})`}`);
}

export function detail(lines) {
  if (lines.length) console.log(indent(lines));
}

export const formatSeconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * An executor's own lines, without Nx's frame: the "> nx run" echo, the database line (shown once, at
 * the start), blank lines, and everything from Nx's "Successfully ran target" footer on.
 */
export function executorLines(output) {
  const lines = [];
  for (const line of output.split('\n')) {
    if (/^\s*NX\s+Successfully ran target/.test(line)) break;
    if (!line.trim() || line.startsWith('> nx run') || line.startsWith('Database: ')) continue;
    lines.push(line.trimEnd());
  }
  return lines;
}

/** The generator's compact safety summary and the files it wrote (it also prints the whole SQL, left out here). */
export function generatorLines(output) {
  const lines = output.split('\n').map((line) => line.trimEnd());
  const start = lines.findIndex((line) => line.startsWith('Safety ('));
  const safety = start < 0 ? [] : lines.slice(start).filter((line, i) => i === 0 || line.startsWith('  '));
  return { safety, files: lines.filter((line) => /^(CREATE|UPDATE) /.test(line)) };
}

/** Migration folders a generator created, in order (from its CREATE lines). */
export function createdMigrations(files) {
  return files.map((line) => /^CREATE (.+)\/migration\.sql$/.exec(line)?.[1]).filter(Boolean);
}

/** A few lines of a migration's report.md: what it does, how long it should take, its impact row, its rollback. */
export function reportExcerpt(root, migrationDir) {
  const report = readFileSync(join(root, migrationDir, 'report.md'), 'utf8').split('\n');
  const title = report.find((line, i) => i > 0 && line.trim() && !line.startsWith('#'));
  const estimates = report.filter((line) => /^\*\*Estimated (rollback )?duration/.test(line)).map((line) => line.replace(/\*\*/g, ''));
  // The impact table's row for the size (none when it is unknown), read against what the recipe blocks.
  const row = report.find((line) => line.includes('← this migration'))?.split('|').map((cell) => cell.replace(/\*\*/g, '').trim());
  const recipe = report.find((line) => line.startsWith('This migration '));
  const approach = /\*\*(.+?)\*\*/.exec(recipe ?? '')?.[1];
  return [
    `${migrationDir.split('/').at(-1)}/report.md:`,
    `  ${title}`,
    ...estimates.map((line) => `  ${line}`),
    ...(approach ? [`  Impact: ${row ? `${row[1]} rows` : 'size unknown'} → ${approach}${recipe.includes('is online') ? ' (writes go on: no window)' : ''}`] : []),
  ];
}

/** Sum of the "(N ms)" an executor prints per migration (✓ applied, ↩ rolled back), data migrations included. */
export function reportedMs(lines, marker) {
  return lines.filter((line) => line.startsWith(marker)).reduce((sum, line) => sum + Number(/\((\d+) ms\)$/.exec(line)?.[1] ?? 0), 0);
}
