/**
 * Declarative option tables: each option has one kebab-case flag, one
 * environment variable, a type, a default and a line of help. Parsed once, at
 * start-up, by `parseOptions`; nothing else reads process.env.
 */
import { ConfigError } from "./errors.js";

export type OptionType = "int" | "number" | "bool" | "string";

export interface OptionSpec {
  readonly flag: string;
  /** Environment variable; none for options that only make sense per call. */
  readonly env?: string;
  readonly type: OptionType;
  readonly default?: string | number | boolean;
  readonly help: string;
  /** Extra check; returns a problem or undefined. */
  readonly check?: (v: never) => string | undefined;
  readonly short?: string;
  /** A password, token or key: masked wherever the configuration is shown. */
  readonly secret?: boolean;
  /** The effective value when the option is not set, from the others' values (shown by --print-config). */
  readonly derived?: { readonly from: string; readonly value: (v: Readonly<OptionValues>) => string };
}

export type OptionValues = Record<string, string | number | boolean | undefined>;

/** Where an option's value came from. */
export type OptionSource = "flag" | "env" | "default";

const describeSource = (s: OptionSpec, fromEnv: boolean): string =>
  fromEnv && s.env !== undefined ? `${s.env} (--${s.flag})` : `--${s.flag}${s.env !== undefined ? ` (${s.env})` : ""}`;

function convert(s: OptionSpec, raw: string, fromEnv: boolean): string | number | boolean {
  const where = describeSource(s, fromEnv);
  switch (s.type) {
    case "int": {
      if (!/^-?[0-9]+$/.test(raw.trim())) throw new ConfigError(`${where} must be an integer, got ${JSON.stringify(raw)}`);
      return Number(raw);
    }
    case "number": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n)) throw new ConfigError(`${where} must be a number, got ${JSON.stringify(raw)}`);
      return n;
    }
    case "bool": {
      const v = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(v)) return true;
      if (["0", "false", "no", "off"].includes(v)) return false;
      throw new ConfigError(`${where} must be true or false, got ${JSON.stringify(raw)}`);
    }
    case "string":
      return raw;
  }
}

/**
 * Flags win over environment variables, which win over defaults. Returns the
 * values by flag name, and the positional arguments.
 */
export function parseOptions(
  specs: readonly OptionSpec[],
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { values: OptionValues; positionals: string[]; sources: Record<string, OptionSource> } {
  const byFlag = new Map(specs.map((s) => [s.flag, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  const values: OptionValues = {};
  const fromEnv = new Set<string>();
  const fromFlag = new Set<string>();
  for (const s of specs) {
    if (s.default !== undefined) values[s.flag] = s.default;
    const e = s.env === undefined ? undefined : env[s.env];
    if (e !== undefined && e !== "") {
      values[s.flag] = convert(s, e, true);
      fromEnv.add(s.flag);
    }
  }
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1);
    const spec = arg.startsWith("--")
      ? byFlag.get(name.startsWith("no-") && byFlag.get(name.slice(3))?.type === "bool" ? name.slice(3) : name)
      : byShort.get(name);
    if (spec === undefined) throw new ConfigError(`unknown option ${arg} (see --help)`);
    fromEnv.delete(spec.flag);
    fromFlag.add(spec.flag);
    if (spec.type === "bool" && eq === -1) {
      values[spec.flag] = !name.startsWith("no-");
      continue;
    }
    const raw = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new ConfigError(`--${spec.flag} needs a value`);
    values[spec.flag] = convert(spec, raw, false);
  }
  for (const s of specs) {
    const v = values[s.flag];
    if (v !== undefined && s.check !== undefined) {
      const problem = s.check(v as never);
      if (problem !== undefined) throw new ConfigError(`${describeSource(s, fromEnv.has(s.flag))} ${problem}, got ${JSON.stringify(v)}`);
    }
  }
  const sources: Record<string, OptionSource> = {};
  for (const s of specs) sources[s.flag] = fromFlag.has(s.flag) ? "flag" : fromEnv.has(s.flag) ? "env" : "default";
  return { values, positionals, sources };
}

/** The help text of an option table. */
export function optionHelp(specs: readonly OptionSpec[]): string {
  return specs
    .map((s) => {
      const flag = `  ${s.short !== undefined ? `-${s.short}, ` : ""}--${s.flag}${s.type === "bool" ? "" : ` <${s.type === "string" ? "value" : s.type}>`}`;
      const env = s.env !== undefined ? ` [env ${s.env}]` : "";
      const def = s.default !== undefined ? ` (default ${JSON.stringify(s.default)})` : "";
      return `${flag.padEnd(34)} ${s.help}${def}${env}`;
    })
    .join("\n");
}
