/**
 * NATS decentralized auth for a test: an operator, a system account, an application
 * account with JetStream, and a user whose credentials file (`.creds`: user JWT and
 * NKey seed) the clients read through NATS_CREDS. The JWTs are signed here with
 * nats.js's nkeys; the server trusts the operator and preloads the accounts.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { nkeys } from "nats";

interface KeyPair {
  getPublicKey(): string;
  getSeed(): Uint8Array;
  sign(data: Uint8Array): Uint8Array;
}
/** nats.js re-exports nkeys.js, whose types do not resolve here: the part used, typed. */
const nk = nkeys as { createOperator(): KeyPair; createAccount(): KeyPair; createUser(): KeyPair };

const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString("base64url");

function jwt(issuer: KeyPair, subject: string, name: string, nats: Record<string, unknown>): string {
  const header = b64(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" }));
  const claims: Record<string, unknown> = {
    iat: Math.floor(Date.now() / 1000),
    iss: issuer.getPublicKey(),
    name,
    sub: subject,
    nats: { ...nats, version: 2 },
  };
  claims.jti = createHash("sha256").update(JSON.stringify(claims)).digest("base64url");
  const payload = b64(JSON.stringify(claims));
  return `${header}.${payload}.${b64(issuer.sign(new TextEncoder().encode(`${header}.${payload}`)))}`;
}

const UNLIMITED = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };

export interface NatsOperator {
  /** Lines for nats-server's configuration: trust the operator, preload the accounts. */
  readonly conf: string;
  /** A user of the application account. */
  readonly credsFile: string;
  /** A user signed by an account the server does not know. */
  readonly strangerCredsFile: string;
}

function credsOf(account: KeyPair, name: string): string {
  const user = nk.createUser();
  const userJwt = jwt(account, user.getPublicKey(), name, { type: "user", pub: {}, sub: {}, subs: -1, data: -1, payload: -1 });
  const seed = new TextDecoder().decode(user.getSeed());
  return `-----BEGIN NATS USER JWT-----\n${userJwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
}

export function makeNatsOperator(dir: string): NatsOperator {
  const [op, sys, app] = [nk.createOperator(), nk.createAccount(), nk.createAccount()];
  const opJwt = jwt(op, op.getPublicKey(), "test-operator", { type: "operator", system_account: sys.getPublicKey() });
  const sysJwt = jwt(op, sys.getPublicKey(), "SYS", { type: "account", limits: UNLIMITED });
  const appJwt = jwt(op, app.getPublicKey(), "meetuphype", {
    type: "account",
    limits: { ...UNLIMITED, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
  });
  const credsFile = join(dir, "pipeline.creds");
  const strangerCredsFile = join(dir, "stranger.creds");
  writeFileSync(credsFile, credsOf(app, "pipeline"), { mode: 0o600 });
  writeFileSync(strangerCredsFile, credsOf(nk.createAccount(), "stranger"), { mode: 0o600 });
  const conf = [
    `operator: ${opJwt}`,
    `system_account: ${sys.getPublicKey()}`,
    "resolver: MEMORY",
    "resolver_preload: {",
    `  ${sys.getPublicKey()}: ${sysJwt}`,
    `  ${app.getPublicKey()}: ${appJwt}`,
    "}",
    "",
  ].join("\n");
  return { conf, credsFile, strangerCredsFile };
}
