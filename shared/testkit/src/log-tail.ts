/**
 * The end of a process's log for a failing test's message. A service that retries writes
 * the same warning many times (one per subject, per attempt); sixty such lines would hide
 * everything else, so a run of lines that differ only in their time and numbers is folded
 * into its first line and a count.
 */

/** A line with its timestamp and every number taken out: lines of one shape say the same thing. */
export const lineShape = (line: string): string => line.replace(/^\S*\d{4}-\d\d-\d\dT\S+\s*/, "").replace(/\d+/g, "#");

/** Folds each run of consecutive lines of one shape into its first line and "(… N more like it)". */
export function foldRepeats(lines: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const shape = lineShape(lines[i] ?? "");
    let j = i + 1;
    while (j < lines.length && lineShape(lines[j] ?? "") === shape) j++;
    out.push(lines[i] ?? "");
    if (j - i > 1) out.push(`  (… ${j - i - 1} more like it, the last at ${stamp(lines[j - 1] ?? "")})`);
    i = j;
  }
  return out;
}

const stamp = (line: string): string => /\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(line)?.[0] ?? "?";

/** The last `n` lines of a log once repeats are folded. */
export function logTail(text: string, n: number): string {
  const lines = text.split("\n");
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return foldRepeats(lines).slice(-n).join("\n");
}
