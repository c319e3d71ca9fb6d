// npm run test:matrix [-- --versions 14,18] [-- --report]: the round-trip specs of the ten change
// types (each proof under traffic, as migrate-validate runs it: FORGE_TRAFFIC=0 in the environment
// proves quietly) and the version facts, run on every PostgreSQL major the plugin supports (FORGE_PG_VERSION
// makes the specs' embedded server that major; a major other than the bundled 15 is installed on
// first use). Prints versions × change types, then each version fact × major, then every failure
// with its error; writes the same as Markdown to tmp/test-matrix/results.md. `--report` prints
// them again from the last run's Jest reports without running anything. Not part of `npm test`.
// Exits non-zero when anything failed.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(ROOT, 'packages/migration');
const OUT = join(ROOT, 'tmp/test-matrix');
const MAJORS = [14, 15, 16, 17, 18];

/** The specs that prove each change type round-trips (up → validate → down → diff empty → up) on the sample. */
const ROUND_TRIPS = {
  'add-column': ['src/generators/add-column/generator.int.spec.ts'],
  'remove-column': ['src/generators/remove-column/generator.int.spec.ts'],
  'modify-column': ['src/generators/modify-column/generator.int.spec.ts'],
  'add-index': ['src/testing/round-trip.int.spec.ts', 'src/integration/add-column-and-index.int.spec.ts'],
  'remove-index': ['src/generators/remove-index/generator.int.spec.ts'],
  'add-table': ['src/generators/add-table/generator.int.spec.ts'],
  'remove-table': ['src/generators/remove-table/generator.int.spec.ts'],
  'add-relation': ['src/generators/add-relation/generator.int.spec.ts'],
  'remove-relation': ['src/generators/remove-relation/generator.int.spec.ts'],
  rename: ['src/generators/rename/generator.int.spec.ts'],
};

/**
 * Facts that differ by version, each checked against the server: the recipe features
 * (versions/features.ts: what exists from which major), and the statement facts the analysis and
 * lint use (versions/statement-facts.ts: which lock, whether it rewrites or scans, per major).
 */
const FACTS = {
  'version facts': ['src/versions/features.int.spec.ts'],
  'lint facts': ['src/versions/statement-facts.int.spec.ts'],
};

const COLUMNS = { ...ROUND_TRIPS, ...FACTS };

function parseArgs(argv) {
  const at = argv.indexOf('--versions');
  if (at < 0) return MAJORS;
  const majors = String(argv[at + 1] ?? '').split(',').map(Number);
  if (!majors.length || majors.some((m) => !MAJORS.includes(m))) {
    console.error(`--versions takes a comma-separated list of ${MAJORS.join(', ')}`);
    process.exit(2);
  }
  return majors;
}

/** The last run's Jest report of one major, as runMajor resolves it. */
function lastRun(major) {
  const report = join(OUT, `pg${major}.json`);
  if (!existsSync(report)) return { major, seconds: 0, log: join(OUT, `pg${major}.log`), results: [] };
  const json = JSON.parse(readFileSync(report, 'utf8'));
  const ended = Math.max(...json.testResults.map((r) => r.endTime));
  return { major, seconds: (ended - json.startTime) / 1000, log: join(OUT, `pg${major}.log`), results: json.testResults };
}

/** Runs every spec of the matrix on one major, Jest's JSON report kept; its output goes to a log. */
function runMajor(major) {
  const specs = [...new Set(Object.values(COLUMNS).flat())];
  const report = join(OUT, `pg${major}.json`);
  const log = join(OUT, `pg${major}.log`);
  // A generous per-test timeout: the matrix is about versions, not speed, and runs on busy machines.
  const jest = [join(ROOT, 'node_modules/jest/bin/jest.js'), '--json', `--outputFile=${report}`, '--testTimeout=600000', ...specs];
  const args = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', ...jest];
  const started = performance.now();
  return new Promise((resolve) => {
    // Traffic on unless the caller turned it off: the round trips prove every committed write on each major.
    const env = { FORGE_TRAFFIC: '1', ...process.env, FORGE_PG_VERSION: String(major) };
    const child = spawn(process.execPath, args, { cwd: PACKAGE, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = createWriteStream(log);
    child.stdout.pipe(file);
    child.stderr.pipe(file);
    child.on('close', () => {
      const seconds = (performance.now() - started) / 1000;
      resolve({ major, seconds, log, results: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')).testResults : [] });
    });
  });
}

/** Per column: tests passed of tests run, and the failures with their first error lines. */
function summarise(run) {
  const cells = {};
  const failures = [];
  for (const [column, specs] of Object.entries(COLUMNS)) {
    if (!specs.length) {
      cells[column] = '—';
      continue;
    }
    const files = specs.map((spec) => ({ spec, result: run.results.find((r) => r.name.endsWith(spec)) }));
    const tests = files.flatMap(({ spec, result }) => (result?.assertionResults ?? []).map((a) => ({ ...a, spec })));
    const passed = tests.filter((t) => t.status === 'passed').length;
    for (const t of tests.filter((t) => t.status === 'failed')) failures.push({ column, file: t.spec, test: t.fullName, error: firstLines(t.failureMessages.join('\n')) });
    // A file that did not load, or whose beforeAll failed, has no passing tests to show for it.
    for (const { spec, result } of files.filter(({ result }) => !result || (!result.assertionResults.length && result.message))) {
      failures.push({ column, file: spec, test: '(the whole file)', error: result ? firstLines(result.message) : `no result: see ${relative(ROOT, run.log)}` });
    }
    const ok = passed === tests.length && tests.length > 0 && !failures.some((f) => f.column === column);
    cells[column] = `${ok ? '✓' : '✗'} ${passed}/${tests.length}`;
  }
  return { cells, failures };
}

function firstLines(text, count = 4) {
  return String(text ?? '')
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() && !/^\s+at /.test(l))
    .slice(0, count)
    .join('\n');
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function markdownTable(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * Each fact of the version tables × major. The FACTS specs title each check `<fact id>: <what the
 * table says of that major>` (`AE rewrite`, `SUE scan`, `yes`, `none (42601)`); the cell is that,
 * after ✓ when the server agreed, ✗ when not; blank when it did not run.
 */
function factGrid(runs) {
  const ids = new Map();
  for (const run of runs) {
    for (const spec of Object.values(FACTS).flat()) {
      const result = run.results.find((r) => r.name.endsWith(spec));
      for (const a of result?.assertionResults ?? []) {
        const [, id, says] = /^([a-z0-9-]+): (.*)$/.exec(a.title) ?? [];
        if (!id) continue;
        if (!ids.has(id)) ids.set(id, {});
        ids.get(id)[run.major] = `${a.status === 'passed' ? '✓' : '✗'} ${says}`;
      }
    }
  }
  return [...ids].map(([id, cells]) => [id, ...runs.map((r) => cells[r.major] ?? '')]);
}

const argv = process.argv.slice(2);
const majors = parseArgs(argv);
const reportOnly = argv.includes('--report');
mkdirSync(OUT, { recursive: true });
const header = ['PostgreSQL', ...Object.keys(COLUMNS), 'time'];
const rows = [];
const failures = [];
const runs = [];
for (const major of majors) {
  if (!reportOnly) process.stdout.write(`PostgreSQL ${major}: running ${Object.values(COLUMNS).flat().length} spec files… `);
  const run = reportOnly ? lastRun(major) : await runMajor(major);
  runs.push(run);
  const summary = summarise(run);
  const failed = summary.failures.length;
  if (!reportOnly) console.log(`${failed ? `${failed} failure(s)` : 'all passed'} in ${Math.round(run.seconds)} s (log: ${relative(ROOT, run.log)})`);
  rows.push([String(major), ...Object.keys(COLUMNS).map((c) => summary.cells[c]), `${Math.round(run.seconds)} s`]);
  failures.push(...summary.failures.map((f) => ({ major, ...f })));
}

const factHeader = ['version fact', ...majors.map(String)];
const facts = factGrid(runs);
console.log(`\n${table(header, rows)}\n`);
console.log(`Cells: tests passed / run per change type (its round-trip specs${process.env.FORGE_TRAFFIC === '0' ? ', on a quiet database' : ', under traffic'}), "—": no spec yet.`);
console.log(`\n${table(factHeader, facts)}\n`);
console.log(
  'Cells: what the version tables say of that major (versions/features.ts: yes; versions/statement-facts.ts: the strongest lock on the table, ' +
    'AE = ACCESS EXCLUSIVE, SUE = SHARE UPDATE EXCLUSIVE, SRE = SHARE ROW EXCLUSIVE, and whether it rewrites or scans it; none (SQLSTATE): the major ' +
    'lacks it), ✓ when the server agreed.',
);
for (const f of failures) console.log(`\n✗ PostgreSQL ${f.major} · ${f.column} · ${f.file}\n  ${f.test}\n${f.error.replace(/^/gm, '    ')}`);
const markdown = [
  `# Test matrix (${new Date().toISOString().slice(0, 10)})`,
  '',
  markdownTable(header, rows),
  '',
  markdownTable(factHeader, facts),
  '',
  ...failures.map((f) => `- PostgreSQL ${f.major}, ${f.column} (\`${f.file}\`): ${f.test}\n\n  \`\`\`\n${f.error.replace(/^/gm, '  ')}\n  \`\`\``),
].join('\n');
writeFileSync(join(OUT, 'results.md'), `${markdown}\n`);
console.log(`\nMarkdown: ${relative(ROOT, join(OUT, 'results.md'))}`);
process.exit(failures.length ? 1 : 0);
