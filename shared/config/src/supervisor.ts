/**
 * A service started by a supervisor (`meetuphype cluster`) with an IPC channel stops when that
 * channel closes: the supervisor is gone, whatever killed it (SIGKILL included), so nothing
 * would ever stop the service or restart it in its place. Without a channel (started by a
 * person, a shell script or Kubernetes) nothing changes.
 */

/** Calls `onGone` once when the supervisor's channel closes; the channel never keeps the process alive. */
export function watchSupervisor(onGone: () => void, proc: NodeJS.Process = process): void {
  if (proc.channel === undefined || proc.channel === null) return;
  proc.channel.unref();
  proc.once("disconnect", onGone);
}
