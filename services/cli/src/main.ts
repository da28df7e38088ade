/** Entry point of the `meetuphype` command: wires the process to the command line. */
import { systemClock } from "@meetuphype/actors";
import { cli } from "./cli.js";

const controller = new AbortController();
let signals = 0;
const onSignal = (sig: NodeJS.Signals): void => {
  signals++;
  if (signals > 1) {
    process.stderr.write(`meetuphype: second ${sig}, exiting now\n`);
    process.exit(130);
  }
  controller.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

const code = await cli(process.argv.slice(2), {
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: process.stderr.isTTY === true,
  clock: systemClock,
  signal: controller.signal,
});
process.exitCode = code;
// gRPC channels and stdin may keep the loop alive after the command is done.
setTimeout(() => process.exit(code), 200).unref();
