/**
 * TLS settings of TrendingService: the options (PEM file paths), checked together,
 * and the files read once at start-up with errors that name the setting.
 */
import { readFileSync } from "node:fs";
import { ConfigError, InputError } from "./errors.js";
import { str, bool } from "./common.js";
import type { OptionSpec, OptionValues } from "./options.js";

export const GRPC_TLS_OPTIONS: readonly OptionSpec[] = [
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
];

export const WATCH_TLS_OPTIONS: readonly OptionSpec[] = [
  { flag: "tls", env: "TRENDING_TLS", type: "bool", default: false, help: "connect over TLS (the system's CAs unless --ca)" },
  { flag: "ca", env: "TRENDING_CA", type: "string", help: "with --tls: the CA of the server's certificate (PEM file)" },
  { flag: "cert", env: "TRENDING_CERT", type: "string", help: "with --tls: a client certificate, for mutual TLS (PEM file)" },
  { flag: "key", env: "TRENDING_KEY", type: "string", help: "with --cert: its private key (PEM file)" },
];

function read(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new InputError(`cannot read ${setting} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The server's TLS material, or undefined for plaintext. */
export function serverTlsFrom(v: OptionValues): { cert: Buffer; key: Buffer; clientCa?: Buffer } | undefined {
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
  return {
    cert: read(cert, "GRPC_TLS_CERT"),
    key: read(key, "GRPC_TLS_KEY"),
    ...(ca !== undefined ? { clientCa: read(ca, "GRPC_TLS_CLIENT_CA") } : {}),
  };
}

/** The client's TLS material (`meetuphype watch`), or undefined for plaintext. */
export function clientTlsFrom(v: OptionValues): { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined {
  const [ca, cert, key] = [str(v, "ca"), str(v, "cert"), str(v, "key")];
  if (!bool(v, "tls")) {
    if (ca !== undefined || cert !== undefined || key !== undefined) throw new ConfigError("--ca, --cert and --key go with --tls");
    return undefined;
  }
  if ((cert === undefined) !== (key === undefined)) throw new ConfigError("--cert and --key go together (mutual TLS)");
  return {
    ...(ca !== undefined ? { ca: read(ca, "--ca") } : {}),
    ...(cert !== undefined ? { cert: read(cert, "--cert") } : {}),
    ...(key !== undefined ? { key: read(key, "--key") } : {}),
  };
}
