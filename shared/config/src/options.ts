/**
 * Declarative option tables: each option has one kebab-case flag, one
 * environment variable, a type, a default and a line of help. Parsed once, at
 * start-up, by `parseOptions`: the command line by commander, the environment
 * from the map it is given; nothing else reads process.env.
 */
import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "./errors.js";

export type OptionType = "int" | "number" | "bool" | "string";

/**
 * One option. Tables are written `as const satisfies readonly OptionSpec[]`, so that the
 * values `parseOptions` returns are typed by flag (`OptionValues`).
 */
export interface OptionSpec {
  readonly flag: string;
  /** Environment variable; none for options that only make sense per call. */
  readonly env?: string;
  readonly type: OptionType;
  readonly default?: string | number | boolean;
  readonly help: string;
  /** The values a string option may take (its value is then typed as their union). */
  readonly choices?: readonly string[];
  /** Extra check; returns a problem or undefined. */
  readonly check?: (v: never) => string | undefined;
  readonly short?: string;
  /** A password, token or key: masked wherever the configuration is shown. */
  readonly secret?: boolean;
  /** The effective value when the option is not set, from the others' values (shown by --print-config). */
  readonly derived?: { readonly from: string; readonly value: (v: OptionValues) => string };
}

/** The type of an option's value: its choices, or what its type converts to. */
export type OptionValue<S extends OptionSpec> = S extends { readonly choices: readonly (infer C)[] }
  ? C
  : S["type"] extends "bool"
    ? boolean
    : S["type"] extends "string"
      ? string
      : number;

/** Parsed values by flag, typed by the table `S` (a union of its specs); unset options are absent. */
export type OptionValues<S extends OptionSpec = OptionSpec> = string extends S["flag"]
  ? { readonly [flag: string]: string | number | boolean | undefined }
  : { readonly [O in S as O["flag"]]?: OptionValue<O> };

/** The values of a table's options. */
export type ValuesOf<T extends readonly OptionSpec[]> = OptionValues<T[number]>;

/** The flags of `V` whose values are of type `T`. */
export type FlagsOf<V, T> = { [K in keyof V]-?: NonNullable<V[K]> extends T ? K : never }[keyof V] & string;

/** A string option's value, typed by its choices. */
export const str = <V, K extends FlagsOf<V, string>>(v: V, k: K): NonNullable<V[K]> | undefined => v[k] ?? undefined;
/** A number option's value (NaN when unset with no default). */
export const num = <V, K extends FlagsOf<V, number>>(v: V, k: K): number => Number(v[k]);
/** A boolean option's value (false when unset). */
export const bool = <V, K extends FlagsOf<V, boolean>>(v: V, k: K): boolean => v[k] === true;

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

/** Rewrites `--flag=value` of a boolean option (commander takes none) to `--flag` or `--no-flag`. */
function booleansWithValues(specs: readonly OptionSpec[], argv: readonly string[]): string[] {
  const byFlag = new Map(specs.map((s) => [s.flag, s]));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return [...out, ...argv.slice(i)];
    const m = /^--(no-)?([^=]+)=(.*)$/s.exec(arg);
    const spec = m === null ? undefined : byFlag.get(m[2] as string);
    if (m !== null && spec?.type === "bool") {
      const on = convert(spec, m[3] as string, false) !== (m[1] !== undefined);
      out.push(on ? `--${spec.flag}` : `--no-${spec.flag}`);
      continue;
    }
    out.push(arg);
    // The value of an option that takes one is left alone, even when it looks like a flag.
    const taking = arg.startsWith("--") ? byFlag.get(arg.slice(2)) : undefined;
    if (taking !== undefined && taking.type !== "bool" && i + 1 < argv.length) out.push(argv[++i] as string);
  }
  return out;
}

/** A commander program for an option table: no help option of its own, no output, errors thrown. */
function program(specs: readonly OptionSpec[]): { cmd: Command; attribute: Map<string, string> } {
  const cmd = new Command()
    .helpOption(false)
    .allowExcessArguments(true)
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const attribute = new Map<string, string>();
  for (const s of specs) {
    const short = s.short !== undefined ? `-${s.short}, ` : "";
    const opt = new Option(`${short}--${s.flag}${s.type === "bool" ? "" : " <value>"}`, s.help);
    if (s.type !== "bool") opt.argParser((raw: string) => convert(s, raw, false));
    cmd.addOption(opt);
    if (s.type === "bool") cmd.addOption(new Option(`--no-${s.flag}`).hideHelp());
    attribute.set(s.flag, opt.attributeName());
  }
  return { cmd, attribute };
}

/** commander's refusal, in this project's words. */
function refusal(err: CommanderError): ConfigError {
  const message = err.message.replace(/^error: /, "");
  if (err.code === "commander.unknownOption") {
    const [, arg, hint] = /^unknown option '(.*)'(?:\s*\(Did you mean (.*)\?\))?/s.exec(message) ?? [];
    return new ConfigError(`unknown option ${arg ?? "?"}${hint !== undefined ? ` (did you mean ${hint}?)` : " (see --help)"}`);
  }
  if (err.code === "commander.optionMissingArgument") {
    const flag = /--[^ ']+/.exec(message)?.[0];
    return new ConfigError(`${flag ?? "an option"} needs a value`);
  }
  return new ConfigError(message);
}

/**
 * Flags win over environment variables, which win over defaults. Returns the
 * values by flag name, the positional arguments, and where each value came from.
 * The command line is read by commander; the environment is read from `env` only.
 */
export function parseOptions<const T extends readonly OptionSpec[]>(
  specs: T,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { values: OptionValues<T[number]>; positionals: string[]; sources: Record<string, OptionSource> } {
  const { cmd, attribute } = program(specs);
  try {
    cmd.parse(booleansWithValues(specs, argv), { from: "user" });
  } catch (err) {
    throw err instanceof CommanderError ? refusal(err) : err;
  }
  const given = cmd.opts<Record<string, string | number | boolean | undefined>>();
  const values: Record<string, string | number | boolean> = {};
  const sources: Record<string, OptionSource> = {};
  for (const s of specs) {
    const key = attribute.get(s.flag) as string;
    const e = s.env === undefined ? undefined : env[s.env];
    if (cmd.getOptionValueSource(key) === "cli") {
      values[s.flag] = given[key] as string | number | boolean;
      sources[s.flag] = "flag";
    } else if (e !== undefined && e !== "") {
      values[s.flag] = convert(s, e, true);
      sources[s.flag] = "env";
    } else {
      if (s.default !== undefined) values[s.flag] = s.default;
      sources[s.flag] = "default";
    }
    const v = values[s.flag];
    if (v !== undefined && s.choices !== undefined && !s.choices.includes(String(v)))
      throw new ConfigError(
        `${describeSource(s, sources[s.flag] === "env")} must be one of ${s.choices.join(", ")}, got ${JSON.stringify(v)}`,
      );
    if (v !== undefined && s.check !== undefined) {
      const problem = s.check(v as never);
      if (problem !== undefined)
        throw new ConfigError(`${describeSource(s, sources[s.flag] === "env")} ${problem}, got ${JSON.stringify(v)}`);
    }
  }
  return { values: values as OptionValues<T[number]>, positionals: [...cmd.args], sources };
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
