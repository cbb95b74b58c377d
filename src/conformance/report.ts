// Text formatting of conformance results for the `rustos conformance` CLI: one line per case
// (with the mismatch description indented below failures) and a final `N passed, M failed` line.
import { describeStatus, type CaseResult } from './runner.js';

/** `PASS name [variant]  native: exit 0  emulated: exit 0`, plus indented diff lines on failure. */
export function formatResult(r: CaseResult): string {
  const head = `${r.pass ? 'PASS' : 'FAIL'} ${r.name} [${r.variant}]  native: ${describeStatus(r.native)}  emulated: ${describeStatus(r.emulated)}`;
  if (r.pass || !r.diff) return head;
  const body = r.diff
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `${head}\n${body}`;
}

/** Exactly `N passed, M failed`. */
export function formatSummary(results: readonly CaseResult[]): string {
  const passed = results.filter((r) => r.pass).length;
  return `${passed} passed, ${results.length - passed} failed`;
}
