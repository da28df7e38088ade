/** The command line's edges: input streams, the dead-letter file, and output lines. */
import { createReadStream, createWriteStream, statSync, type WriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { deadLetterLine, type DeadLetterSink, type Rejection } from "@meetuphype/pipeline";
import { InputError } from "@meetuphype/config";

export interface OpenedInput {
  readonly stream: Readable;
  /** Size in bytes when known (a regular file). */
  readonly size: number | undefined;
  readonly label: string;
  /** The file's path; undefined for standard input. */
  readonly path?: string;
}

/** Opens a file, or standard input for "-". Fails with a message naming the file. */
export async function openInput(path: string, stdin: Readable): Promise<OpenedInput> {
  return path === "-" ? { stream: stdin, size: undefined, label: "standard input" } : openFile(path);
}

/** Opens a regular file. Fails with a message naming the file. */
export async function openFile(path: string): Promise<OpenedInput & { readonly path: string }> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new Error("not a regular file");
    size = st.size;
  } catch (err) {
    throw new InputError(`cannot read input ${path}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (err) => reject(new InputError(`cannot read input ${path}: ${err.message}`, err)));
  });
  return { stream, size, label: path, path };
}

/** Appends each rejection as one JSON line to a file. */
export class FileDeadLetter implements DeadLetterSink {
  private readonly out: WriteStream;
  private failed: Error | undefined;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: "a" });
    this.out.on("error", (err) => (this.failed = err));
  }

  async write(rejections: readonly Rejection[]): Promise<void> {
    if (this.failed !== undefined) throw new InputError(`cannot write the dead-letter file: ${this.failed.message}`, this.failed);
    const ok = this.out.write(rejections.map((r) => `${deadLetterLine(r)}\n`).join(""));
    if (!ok) await new Promise<void>((resolve) => this.out.once("drain", resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** Writes to standard output and waits for it to drain (so piping into `head` or a file keeps memory flat). */
export async function writeOut(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", resolve));
}
