/**
 * Paths of the reference material beside the checkout (`../shared`). The real
 * captures hold members' personal data: tests read them, never print or copy them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is shared/testkit/src/data.ts or its dist twin). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** `../shared` beside the checkout, or MEETUPHYPE_REFERENCE_DIR when set. */
export function referenceDir(): string {
  // Test-only helper: the one place the test suite reads this variable.
  return process.env.MEETUPHYPE_REFERENCE_DIR ?? join(repoRoot, "..", "shared");
}

/** Absolute paths of the real RSVP captures (`*.jsonl`), sorted; throws when missing. */
export function captureFiles(): string[] {
  const dir = join(referenceDir(), "data", "meetup-rsvps");
  if (!existsSync(dir)) throw new Error(`the RSVP captures are missing: expected ${dir} (../shared beside the checkout)`);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort()
    .map((f) => join(dir, f));
}

/** The lines of a file, without the empty string after a final newline. */
export function readLines(path: string): string[] {
  const lines = readFileSync(path, "utf8").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
