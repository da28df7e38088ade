/**
 * `meetuphype run --input F --once --json`, run as a user runs it, agrees
 * exactly with the trending model on the real captures and on generated input.
 */
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type TrendingParams } from "@meetuphype/core";
import { SyntheticSource } from "@meetuphype/pipeline";
import { captureFiles, rankingDifferences, readLines, referenceRanking, runCli, type ModelResult } from "@meetuphype/testkit";

interface OnceOutput {
  asOfMs: number;
  topics: { rank: number; key: string; name: string; score: number }[];
  stats: { lines: number; accepted: number; rejected: Record<string, number>; ignoredVersions: number };
}

const PARAM_SETS: [string, Partial<TrendingParams>, string[]][] = [
  ["defaults", {}, []],
  ["decay 0", { decay: 0 }, ["--decay", "0"]],
  ["decay 2", { decay: 2 }, ["--decay", "2"]],
  ["window 2 days", { windowDays: 2 }, ["--window-days", "2"]],
  ["idle 30 min", { idleMinutes: 30 }, ["--idle-minutes", "30"]],
  ["event names, top 50", { includeEventNames: true, topN: 50 }, ["--include-event-names", "--top-n", "50"]],
];

function expectAgreement(out: OnceOutput, model: ModelResult): void {
  expect(rankingDifferences(out.topics, model)).toEqual([]);
  expect(out.asOfMs).toBe(model.asOfMs);
  expect(out.stats.lines).toBe(model.lines);
  expect(out.stats.accepted).toBe(model.accepted);
  expect(out.stats.rejected).toEqual(model.rejected);
}

async function runOnce(args: string[], stdin?: string): Promise<OnceOutput> {
  const res = await runCli(["run", "--once", "--json", "--no-progress", ...args], stdin === undefined ? {} : { stdin });
  if (res.code !== 0) throw new Error(`exit ${res.code}: ${res.stderr}`);
  return JSON.parse(res.stdout) as OnceOutput;
}

describe("run --once --json on the real captures", () => {
  const files = captureFiles();

  it("finds the captures", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files.map((f) => [basename(f), f]))("%s with default parameters", async (_name, file) => {
    expectAgreement(await runOnce(["--input", file]), referenceRanking(readLines(file), DEFAULT_PARAMS));
  });

  const big = files.filter((f) => readLines(f).length >= 1000);
  it.each(big.flatMap((f) => PARAM_SETS.slice(1).map(([label, p, flags]) => [`${basename(f)}, ${label}`, f, p, flags] as const)))(
    "%s",
    async (_name, file, p, flags) => {
      const params = { ...DEFAULT_PARAMS, ...p };
      const out = await runOnce(["--input", file, ...flags]);
      expectAgreement(out, referenceRanking(readLines(file), params));
      expect(out.topics.length).toBeGreaterThan(0);
    },
  );
});

describe("run --once --json on generated input from standard input", () => {
  const src = new SyntheticSource({ seed: 11, rate: 5, malformedRate: 0.01 });
  const lines = Array.from({ length: 20_000 }, () => src.next());
  const text = `${lines.join("\n")}\n`;

  it.each(PARAM_SETS)("%s", async (_label, p, flags) => {
    const params = { ...DEFAULT_PARAMS, ...p };
    const out = await runOnce(["--input", "-", ...flags], text);
    const model = referenceRanking(lines, params);
    expectAgreement(out, model);
    expect(out.stats.ignoredVersions).toBe(model.ignoredVersions);
    expect(out.topics.length).toBe(params.topN);
  });
});
