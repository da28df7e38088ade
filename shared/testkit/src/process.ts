/** Running the built `meetuphype` command as a user does, for end-to-end tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./data.js";

export const cliBin = join(repoRoot, "services", "cli", "bin", "meetuphype.js");

function assertBuilt(): void {
  if (!existsSync(join(repoRoot, "services", "cli", "dist", "main.js"))) {
    throw new Error("services/cli/dist is missing: run `npm run build` (npm test does it in pretest)");
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `meetuphype ...args` to completion, feeding `stdin` if given. */
export function runCli(args: readonly string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBin, ...args], { env: { ...process.env, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.stdin ?? "");
  });
}

/** Starts `meetuphype ...args` in the background; the caller stops it. */
export function startCli(
  args: readonly string[],
  env: Record<string, string> = {},
  o: { stdin?: boolean } = {},
): ChildProcess & { output: { stdout: string; stderr: string } } {
  assertBuilt();
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { ...process.env, ...env },
    stdio: [o.stdin === true ? "pipe" : "ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (output.stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (output.stderr += d));
  return Object.assign(child, { output });
}

/** Resolves with the exit code once `child` has exited. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

export { freePort } from "@meetuphype/infra";

/** A process's parent pid and state letter from /proc (Linux), or undefined when it is gone. */
function procStat(pid: number): { ppid: number; state: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
  const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(ppid), state: state ?? "" };
}

/** The pids of the processes whose parent is `pid` (Linux /proc). */
export function childPids(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => procStat(p)?.ppid === pid);
}

/** Whether `pid` still runs (a zombie waiting to be reaped does not). */
export function isRunning(pid: number): boolean {
  const s = procStat(pid);
  return s !== undefined && s.state !== "Z" && s.state !== "X";
}

/** Resolves when GET http://127.0.0.1:port/readyz answers 200 (polling, with a deadline). */
export async function waitForReady(port: number, timeoutMs = 60_000, what = `service on :${port}`): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (res.status === 200) return;
      last = `${res.status} ${await res.text()}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s: ${last}`);
}

/** Polls `probe` until it returns a value, or throws after `timeoutMs` with the last reason. */
export async function eventually<T>(what: string, probe: () => Promise<T | string> | T | string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await probe();
    if (typeof r !== "string") return r;
    last = r;
    await new Promise((res) => setTimeout(res, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s: ${last}`);
}

/** The resident set size of a process in bytes (Linux /proc), 0 when it is gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

/**
 * `meetuphype run` serving TrendingService on 127.0.0.1:`port`: a live synthetic ranking
 * (400 records/s, processing clock) that changes every 200 ms. `extra` flags go after.
 */
export function startServing(port: number, extra: readonly string[] = [], env: Record<string, string> = {}): ReturnType<typeof startCli> {
  const args = [
    "--grpc-port",
    String(port),
    "--grpc-host",
    "127.0.0.1",
    "--rate",
    "400",
    "--emit-interval-ms",
    "200",
    "--clock",
    "processing",
    "--http-port",
    "0",
  ];
  return startCli(["run", ...args, ...extra], env);
}
