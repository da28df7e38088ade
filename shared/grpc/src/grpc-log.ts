/**
 * grpc-js writes some failures to stderr itself ("E No address added out of total 1
 * resolved" on a port clash), which our API reports again with the cause and the fix. Its
 * own log stays off unless the user asks for it with grpc-js's GRPC_VERBOSITY (or GRPC_TRACE).
 */
import { logVerbosity, setLogVerbosity } from "@grpc/grpc-js";

let decided = false;

/** Silences grpc-js's own log lines once per process, unless GRPC_VERBOSITY or GRPC_TRACE is set. */
export function quietGrpcLog(env: Readonly<Record<string, string | undefined>> = process.env): void {
  if (decided) return;
  decided = true;
  if (env.GRPC_VERBOSITY === undefined && env.GRPC_TRACE === undefined) setLogVerbosity(logVerbosity.NONE);
}
