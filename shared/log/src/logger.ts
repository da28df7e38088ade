/** A levelled, structured logger, passed in (never imported by logic). */
import { redactSecrets } from "./redact.js";

export const LogLevel = { Debug: "debug", Info: "info", Warn: "warn", Error: "error", Silent: "silent" } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Writes one line per entry: `<ISO time> level msg key=value ...`, to `write`. `now` is the clock. */
export function lineLogger(level: LogLevel, write: (line: string) => void, base: LogFields = {}, now: () => number = Date.now): Logger {
  const emit = (l: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields): void => {
    if (ORDER[l] < ORDER[level]) return;
    const all = { ...base, ...fields };
    const kv = Object.entries(all)
      .map(([k, v]) => `${k}=${v instanceof Error ? JSON.stringify(v.message) : typeof v === "string" ? JSON.stringify(v) : String(v)}`)
      .join(" ");
    // A broker URL with a password or token is logged without it.
    write(redactSecrets(`${new Date(now()).toISOString()} ${l} ${msg}${kv === "" ? "" : ` ${kv}`}`));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (f) => lineLogger(level, write, { ...base, ...f }, now),
  };
}

export const silentLogger: Logger = lineLogger("silent", () => undefined);

/** A logger that keeps its text lines in memory, for tests that check what was said. */
export function memoryLogger(level: LogLevel = LogLevel.Warn): { readonly logger: Logger; readonly lines: string[] } {
  const lines: string[] = [];
  return { logger: lineLogger(level, (l) => lines.push(l)), lines };
}
