/**
 * TLS settings of TrendingService: the options (PEM file paths), checked together,
 * and the files read once at start-up with errors that name the setting.
 */
import { readFileSync, statSync } from "node:fs";
import { ConfigError, InputError } from "./errors.js";
import { bool, str, type OptionSpec, type ValuesOf } from "./options.js";

export const GRPC_TLS_OPTIONS = [
  {
    flag: "grpc-tls-cert",
    env: "GRPC_TLS_CERT",
    type: "string",
    help: "TrendingService over TLS: the server's certificate chain (PEM file)",
  },
  { flag: "grpc-tls-key", env: "GRPC_TLS_KEY", type: "string", help: "with --grpc-tls-cert: its private key (PEM file)" },
  {
    flag: "grpc-tls-client-ca",
    env: "GRPC_TLS_CLIENT_CA",
    type: "string",
    help: "mutual TLS: clients must present a certificate signed by this CA (PEM file)",
  },
] as const satisfies readonly OptionSpec[];

export const WATCH_TLS_OPTIONS = [
  { flag: "tls", env: "TRENDING_TLS", type: "bool", default: false, help: "connect over TLS (the system's CAs unless --ca)" },
  { flag: "ca", env: "TRENDING_CA", type: "string", help: "with --tls: the CA of the server's certificate (PEM file)" },
  { flag: "cert", env: "TRENDING_CERT", type: "string", help: "with --tls: a client certificate, for mutual TLS (PEM file)" },
  { flag: "key", env: "TRENDING_KEY", type: "string", help: "with --cert: its private key (PEM file)" },
] as const satisfies readonly OptionSpec[];

/** The warning for a secret file (a key, a credentials file) others may read, or undefined. Pure: the mode comes in. */
export function looseSecretFile(path: string, setting: string, mode: number): string | undefined {
  if ((mode & 0o004) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(4, "0");
  return `${setting} ${path} can be read by every user of this machine (mode ${octal}): chmod 600 it (on Kubernetes: defaultMode 0440 on the Secret volume, with the pod's fsGroup)`;
}

/** Reads a file a setting names; `warn` gets a line when it is a secret every user can read. */
export function readSettingFile(path: string, setting: string, warn?: (line: string) => void): Buffer {
  try {
    const bytes = readFileSync(path);
    const warning = warn === undefined ? undefined : looseSecretFile(path, setting, statSync(path).mode);
    if (warning !== undefined) warn?.(warning);
    return bytes;
  } catch (err) {
    throw new InputError(`cannot read ${setting} ${path}: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** PEM files read at start-up, and warnings about a private key others can read (to log once a logger exists). */
interface ReadTls {
  readonly warnings: readonly string[];
}

/** The server's TLS material, or undefined for plaintext. */
export function serverTlsFrom(
  v: ValuesOf<typeof GRPC_TLS_OPTIONS>,
): ({ cert: Buffer; key: Buffer; clientCa?: Buffer } & ReadTls) | undefined {
  const [cert, key, ca] = [str(v, "grpc-tls-cert"), str(v, "grpc-tls-key"), str(v, "grpc-tls-client-ca")];
  if (cert === undefined && key === undefined) {
    if (ca !== undefined)
      throw new ConfigError("GRPC_TLS_CLIENT_CA (--grpc-tls-client-ca) needs GRPC_TLS_CERT and GRPC_TLS_KEY: mutual TLS is TLS first");
    return undefined;
  }
  if (cert === undefined || key === undefined)
    throw new ConfigError(
      "GRPC_TLS_CERT (--grpc-tls-cert) and GRPC_TLS_KEY (--grpc-tls-key) go together: set both, or neither for plaintext",
    );
  const warnings: string[] = [];
  return {
    cert: readSettingFile(cert, "GRPC_TLS_CERT"),
    key: readSettingFile(key, "GRPC_TLS_KEY", (w) => warnings.push(w)),
    ...(ca !== undefined ? { clientCa: readSettingFile(ca, "GRPC_TLS_CLIENT_CA") } : {}),
    warnings,
  };
}

/** The client's TLS material (`meetuphype watch`), or undefined for plaintext. */
export function clientTlsFrom(v: ValuesOf<typeof WATCH_TLS_OPTIONS>): ({ ca?: Buffer; cert?: Buffer; key?: Buffer } & ReadTls) | undefined {
  const [ca, cert, key] = [str(v, "ca"), str(v, "cert"), str(v, "key")];
  if (!bool(v, "tls")) {
    if (ca !== undefined || cert !== undefined || key !== undefined) throw new ConfigError("--ca, --cert and --key go with --tls");
    return undefined;
  }
  if ((cert === undefined) !== (key === undefined)) throw new ConfigError("--cert and --key go together (mutual TLS)");
  const warnings: string[] = [];
  return {
    ...(ca !== undefined ? { ca: readSettingFile(ca, "--ca") } : {}),
    ...(cert !== undefined ? { cert: readSettingFile(cert, "--cert") } : {}),
    ...(key !== undefined ? { key: readSettingFile(key, "--key", (w) => warnings.push(w)) } : {}),
    warnings,
  };
}
