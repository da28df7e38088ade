/**
 * `--print-config`: the effective configuration of a command, one option a line
 * with where its value came from, secrets masked — what an operator compares
 * with what they meant to set.
 */
import { REDACTED, redactSecrets } from "@meetuphype/log";
import { parseOptions, type OptionSpec } from "./options.js";

/** A value with its secrets masked: secret options whole, and the password in `scheme://user:password@host` URLs. Pure. */
export function maskSecrets(spec: OptionSpec, value: string | number | boolean | undefined): string {
  if (value === undefined) return "(unset)";
  if (spec.secret === true) return REDACTED;
  return redactSecrets(String(value));
}

/** The lines `--print-config` prints for `specs` parsed from `argv` and `env` (help and print-config themselves left out). */
export function effectiveConfig(
  specs: readonly OptionSpec[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string {
  const { values, sources } = parseOptions(specs, argv, env);
  const rows = specs
    .filter((s) => s.flag !== "help")
    .map((s) => {
      if (values[s.flag] === undefined && s.derived !== undefined)
        return [`${s.flag}`, maskSecrets(s, s.derived.value(values)), `default, from ${s.derived.from}`] as const;
      const from = sources[s.flag] === "env" ? `env ${s.env ?? ""}` : sources[s.flag] === "flag" ? `--${s.flag}` : "default";
      return [`${s.flag}`, maskSecrets(s, values[s.flag]), from] as const;
    });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return rows.map(([k, v, from]) => `${k.padEnd(w0)}  ${v.padEnd(w1)}  (${from})`).join("\n") + "\n";
}
