/**
 * TLS for TrendingService: server credentials from PEM (with client certificates
 * required when a client CA is given: mutual TLS), and the matching client side.
 * Plaintext when no TLS is configured (local use). Pure: the PEM bytes come in.
 */
import type { ChannelCredentials } from "@grpc/grpc-js";
import { ServerCredentials, credentials } from "@grpc/grpc-js";

export interface ServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Clients must present a certificate signed by this CA (mutual TLS). */
  readonly clientCa?: Buffer;
}

export interface ClientTls {
  /** The CA that signed the server's certificate; the system's CAs when absent. */
  readonly ca?: Buffer;
  /** A client certificate and key, for a server that asks for one (mutual TLS). */
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export function serverCredentials(tls: ServerTls | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.clientCa ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.clientCa !== undefined);
}

export function channelCredentials(tls: ClientTls | undefined): ChannelCredentials {
  if (tls === undefined) return credentials.createInsecure();
  return credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null);
}
