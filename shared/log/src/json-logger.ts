/**
 * LOG_FORMAT=json: the same entries as the line logger, one JSON object a line
 * (pino), for log collectors: `time` (ISO), `level` (a word), `msg`, and the
 * fields; an `err` field is an Error's message (and code).
 */
import { pino, type Logger as Pino } from "pino";
import { lineLogger, type LogFields, type Logger, type LogLevel } from "./logger.js";
import { redactSecrets } from "./redact.js";

export const LogFormat = { Text: "text", Json: "json" } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

function plain(fields: LogFields | undefined): Record<string, unknown> {
  if (fields === undefined) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = v instanceof Error ? { message: v.message, ...("code" in v ? { code: (v as { code: unknown }).code } : {}) } : v;
  return out;
}

function wrap(p: Pino): Logger {
  return {
    debug: (m, f) => p.debug(plain(f), m),
    info: (m, f) => p.info(plain(f), m),
    warn: (m, f) => p.warn(plain(f), m),
    error: (m, f) => p.error(plain(f), m),
    child: (f) => wrap(p.child(plain(f))),
  };
}

/** A logger writing JSON lines (without the newline) to `write`. */
export function jsonLogger(level: LogLevel, write: (line: string) => void): Logger {
  const p = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // A broker URL with a password or token is logged without it (the JSON stays valid: only userinfo changes).
    { write: (s: string) => write(redactSecrets(s.endsWith("\n") ? s.slice(0, -1) : s)) },
  );
  return wrap(p);
}

/** The logger every command creates: text lines (the default) or JSON lines. */
export function createLogger(level: LogLevel, format: LogFormat, write: (line: string) => void): Logger {
  return format === LogFormat.Json ? jsonLogger(level, write) : lineLogger(level, write);
}

/**
 * A service command's logger: the LOG_LEVEL and LOG_FORMAT its config checked, lines to
 * `stderr`, with `fields` (the service's name) on every entry.
 */
export function commandLogger(
  cfg: { readonly logLevel: LogLevel; readonly logFormat: LogFormat },
  stderr: { write(s: string): unknown },
  fields?: LogFields,
): Logger {
  const logger = createLogger(cfg.logLevel, cfg.logFormat, (l) => stderr.write(`${l}\n`));
  return fields === undefined ? logger : logger.child(fields);
}
