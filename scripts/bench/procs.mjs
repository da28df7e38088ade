// Helpers for the benchmarks: child processes with peak-memory sampling.
import { spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";

export function peakKiB(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const CLK_TCK = 100; // Linux's USER_HZ (getconf CLK_TCK) on every architecture Node runs on

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14 and 15 of stat)
  } catch {
    return 0;
  }
}

/** Starts a long-running child; tracks its peak RSS until stopped. */
export function startTracked(name, cmd, args, env) {
  const logDir = process.env.BENCH_LOG_DIR;
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", logDir === undefined ? "ignore" : "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr = (stderr + d).slice(-4000)));
  // BENCH_LOG_DIR=<dir>: each child's standard output and error go to <dir>/<name>.log.
  if (logDir !== undefined) {
    const log = createWriteStream(join(logDir, `${name}.log`));
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, peakKiB(child.pid))), 100);
  return {
    name,
    child,
    get peakMiB() {
      return Math.max(peak, peakKiB(child.pid)) / 1024;
    },
    get stderr() {
      return stderr;
    },
    get cpuSeconds() {
      return cpuSeconds(child.pid);
    },
    /** Sends SIGTERM and waits; resolves with how long the exit took (ms). */
    async stop() {
      peak = Math.max(peak, peakKiB(child.pid));
      clearInterval(timer);
      if (child.exitCode !== null) return 0;
      const started = performance.now();
      child.kill("SIGTERM");
      await once(child, "exit");
      return performance.now() - started;
    },
  };
}

/** Runs a command to completion; returns wall ms, peak RSS (polled VmHWM) and its standard output. */
export async function measure(cmd, args) {
  const started = performance.now();
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let peak = 0;
  const poll = setInterval(() => (peak = Math.max(peak, peakKiB(child.pid))), 50);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
  const [code] = await once(child, "exit");
  clearInterval(poll);
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${code}`);
  return { ms: performance.now() - started, peakMiB: peak / 1024, out };
}
