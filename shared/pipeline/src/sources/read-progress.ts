/**
 * The line that shows how far a long input has been read (`run` and `produce` on a file or the
 * synthetic source): on standard error, at most once a second, and only after the first second.
 */
import type { Clock } from "@meetuphype/actors";

const MiB = 1024 * 1024;

export class ReadProgress {
  private readonly started: number;
  private last: number;
  private shown = false;

  constructor(
    private readonly clock: Clock,
    private readonly write: (s: string) => void,
    private readonly label: string,
    private readonly totalBytes: number | undefined,
    private readonly tty: boolean,
  ) {
    this.started = clock.now();
    this.last = this.started;
  }

  /** Reports progress if a second has passed since the last report. */
  update(bytes: number, lines: number): void {
    const now = this.clock.now();
    if (now - this.last < 1000) return;
    this.last = now;
    this.shown = true;
    const secs = (now - this.started) / 1000;
    const pct =
      this.totalBytes !== undefined && this.totalBytes > 0 ? ` (${Math.min(100, (100 * bytes) / this.totalBytes).toFixed(0)}%)` : "";
    const of = this.totalBytes !== undefined ? ` of ${(this.totalBytes / MiB).toFixed(1)} MiB` : "";
    const text = `${this.label}: ${(bytes / MiB).toFixed(1)} MiB${of}${pct}, ${lines} lines, ${Math.round(lines / secs)} lines/s`;
    this.write(this.tty ? `\r${text}\x1b[K` : `${text}\n`);
  }

  /** Ends the progress line (if one was shown). */
  finish(lines: number): void {
    if (!this.shown) return;
    const secs = (this.clock.now() - this.started) / 1000;
    this.write(`${this.tty ? "\r" : ""}${this.label}: done, ${lines} lines in ${secs.toFixed(1)} s\x1b[K\n`);
  }
}
