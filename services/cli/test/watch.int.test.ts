/**
 * `meetuphype watch` against a server that is not up yet, goes away and comes
 * back: it reconnects with backoff, says so on standard error, and gives up
 * only after `--retries` failures in a row (or, with --once, after --timeout-ms).
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually, exited, freePort, runCli, startCli, startServing } from "@meetuphype/testkit";

const started: ReturnType<typeof startCli>[] = [];
function track(c: ReturnType<typeof startCli>): ReturnType<typeof startCli> {
  started.push(c);
  return c;
}
const start = (args: readonly string[]) => track(startCli(args));
const serve = (port: number) => track(startServing(port));

afterEach(async () => {
  for (const c of started.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await exited(c);
  }
});

const snapshots = (out: string): number => out.split("\n").filter((l) => l.startsWith("{")).length;

describe("meetuphype watch", () => {
  it("gives up after --retries failures in a row, naming the address and the fix", async () => {
    const res = await runCli(["watch", "--addr", `127.0.0.1:${await freePort()}`, "--retries", "2"]);
    expect(res.code).toBe(1);
    expect(res.stderr.match(/reconnecting in \d+\.\d s/g)).toHaveLength(2);
    expect(res.stderr).toMatch(/cannot watch 127\.0\.0\.1:\d+: .* \(3 attempts\)\. .*Set --addr/);
  });

  it("--once gives up after --timeout-ms when nothing answers, saying what to check", async () => {
    const t0 = Date.now();
    const res = await runCli(["watch", "--addr", `127.0.0.1:${await freePort()}`, "--once", "--timeout-ms", "1500"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no ranking from 127\.0\.0\.1:\d+ within 1\.5 s.*--timeout-ms/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("waits for a server that is not up yet, and reconnects when it goes away and comes back", async () => {
    const port = await freePort();
    const watch = start(["watch", "--addr", `127.0.0.1:${port}`, "--json"]);
    await eventually("watch retrying", () => (/reconnecting in/.test(watch.output.stderr) ? true : "no retry line yet"), 15_000);
    expect(snapshots(watch.output.stdout)).toBe(0);

    const first = serve(port);
    await eventually("a snapshot through watch", () => (snapshots(watch.output.stdout) > 0 ? true : "none yet"), 30_000);
    const snap = JSON.parse(watch.output.stdout.split("\n")[0] ?? "") as Record<string, unknown>;
    expect(snap).toMatchObject({ stale: false, catchingUp: false, pendingMessages: 0 });
    expect(Array.isArray(snap.topics)).toBe(true);

    first.kill("SIGTERM");
    expect(await exited(first)).toBe(0);
    const retriesBefore = (watch.output.stderr.match(/reconnecting in/g) ?? []).length;
    await eventually(
      "watch noticing the server went away",
      () => ((watch.output.stderr.match(/reconnecting in/g) ?? []).length > retriesBefore ? true : watch.output.stderr),
      20_000,
    );
    const seen = snapshots(watch.output.stdout);

    serve(port);
    await eventually("snapshots again after the restart", () => (snapshots(watch.output.stdout) > seen ? true : "none yet"), 30_000);
    expect(watch.exitCode).toBeNull();
    watch.kill("SIGTERM");
    expect(await exited(watch)).toBe(0);
  });
});
