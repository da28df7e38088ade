/**
 * TrendingService over TLS and mutual TLS, with certificates the test makes: `meetuphype
 * watch --tls` and grpcurl (-cacert, -cert/-key) get rankings; a plaintext client, a client
 * that does not trust the server's CA, and (mutual TLS) one without a certificate are refused.
 */
import { execFile } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exited,
  findGrpcurl,
  freePort,
  makeTestCerts,
  runCli,
  type TestCerts,
  eventually,
  grpcurlWatch,
  startServing,
} from "@meetuphype/testkit";

const exec = promisify(execFile);
let certs: TestCerts;
const servers: ReturnType<typeof startServing>[] = [];

async function serve(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = startServing(port, [], env);
  servers.push(child);
  await eventually("TrendingService listening", () =>
    child.output.stderr.includes("TrendingService listening") ? true : child.output.stderr,
  );
  return `127.0.0.1:${port}`;
}

beforeAll(() => {
  certs = makeTestCerts();
});

afterAll(async () => {
  for (const s of servers) s.kill("SIGTERM");
  await Promise.all(servers.map((s) => exited(s)));
});

const watchOnce = (addr: string, ...flags: string[]) => runCli(["watch", "--addr", addr, "--once", "--json", "--retries", "1", ...flags]);

describe("TLS", () => {
  let addr = "";
  beforeAll(async () => {
    addr = await serve({ GRPC_TLS_CERT: certs.serverCert, GRPC_TLS_KEY: certs.serverKey });
  });

  it("serves `watch --tls --ca`, and refuses plaintext and an untrusted CA", async () => {
    const ok = await watchOnce(addr, "--tls", "--ca", certs.ca);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveProperty("topics");
    const plain = await watchOnce(addr);
    expect(plain.code).toBe(1);
    const untrusted = await watchOnce(addr, "--tls", "--ca", certs.otherCa);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/cannot watch 127\.0\.0\.1:\d+/);
  });

  it("works with grpcurl -cacert, through reflection", async (ctx) => {
    const grpcurl = findGrpcurl();
    if (grpcurl === undefined) return ctx.skip("grpcurl is not installed (CI installs it)");
    expect(await grpcurlWatch(grpcurl, ["-cacert", certs.ca], addr)).toMatch(/"parameters"/);
    const plain = await exec(grpcurl, ["-plaintext", "-max-time", "2", addr, "list"]).then(
      () => "answered",
      () => "refused",
    );
    expect(plain).toBe("refused");
  });

  it("names the settings that go together", async () => {
    const res = await runCli(["run", "--grpc-port", "0", "--once", "--count", "1"], { env: { GRPC_TLS_CERT: certs.serverCert } });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/GRPC_TLS_CERT \(--grpc-tls-cert\) and GRPC_TLS_KEY \(--grpc-tls-key\) go together/);
    const missing = await runCli(["run", "--once", "--count", "1"], {
      env: { GRPC_TLS_CERT: "/nonexistent.pem", GRPC_TLS_KEY: certs.serverKey },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read GRPC_TLS_CERT \/nonexistent\.pem/);
  });

  it("warns about a private key every user can read (server and watch), and not about one kept private", async () => {
    const loose = join(certs.dir, "loose-server.key");
    writeFileSync(loose, readFileSync(certs.serverKey));
    chmodSync(loose, 0o644);
    await serve({ GRPC_TLS_CERT: certs.serverCert, GRPC_TLS_KEY: loose });
    expect(servers.at(-1)?.output.stderr).toMatch(
      /GRPC_TLS_KEY .*loose-server\.key can be read by every user of this machine \(mode 0644\): chmod 600 it/,
    );
    expect(servers[0]?.output.stderr).not.toMatch(/can be read by every user/);
    const looseClient = join(certs.dir, "loose-client.key");
    writeFileSync(looseClient, readFileSync(certs.clientKey));
    chmodSync(looseClient, 0o604);
    const watch = await watchOnce(addr, "--tls", "--ca", certs.ca, "--cert", certs.clientCert, "--key", looseClient);
    expect(watch.stderr).toMatch(/--key .*loose-client\.key can be read by every user of this machine \(mode 0604\)/);
    const tight = await watchOnce(addr, "--tls", "--ca", certs.ca, "--cert", certs.clientCert, "--key", certs.clientKey);
    expect(tight.stderr).not.toMatch(/can be read by every user/);
  });
});

describe("mutual TLS", () => {
  let addr = "";
  beforeAll(async () => {
    addr = await serve({ GRPC_TLS_CERT: certs.serverCert, GRPC_TLS_KEY: certs.serverKey, GRPC_TLS_CLIENT_CA: certs.ca });
  });

  it("serves a client with a certificate of the client CA, and refuses one without", async () => {
    const ok = await watchOnce(addr, "--tls", "--ca", certs.ca, "--cert", certs.clientCert, "--key", certs.clientKey);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toHaveProperty("topics");
    const without = await watchOnce(addr, "--tls", "--ca", certs.ca);
    expect(without.code).toBe(1);
  });

  it("works with grpcurl -cacert -cert -key", async (ctx) => {
    const grpcurl = findGrpcurl();
    if (grpcurl === undefined) return ctx.skip("grpcurl is not installed (CI installs it)");
    expect(await grpcurlWatch(grpcurl, ["-cacert", certs.ca, "-cert", certs.clientCert, "-key", certs.clientKey], addr)).toMatch(
      /"parameters"/,
    );
    const noCert = await exec(grpcurl, ["-cacert", certs.ca, "-max-time", "2", addr, "list"]).then(
      () => "answered",
      () => "refused",
    );
    expect(noCert).toBe("refused");
  });
});
