/**
 * The container image's build steps, run outside Docker the way the Dockerfile
 * runs them (the same script, in a fresh folder holding what `COPY . .` copies),
 * give a production-only tree whose services reach ready against the test brokers.
 */
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { trendingClient } from "@meetuphype/grpc";
import { exited, freePort, repoRoot, uniqueName, waitForReady } from "@meetuphype/testkit";

const natsUrl = inject("natsUrl");
const work = mkdtempSync(join(tmpdir(), "mh-image-"));
const children: ReturnType<typeof spawn>[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
  await Promise.all(children.map((c) => exited(c)));
  rmSync(work, { recursive: true, force: true });
});

describe("the image build (outside Docker)", () => {
  it("builds a production-only tree from which services start and reach ready", async () => {
    const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
    expect(dockerfile).toMatch(/RUN (--mount=type=cache,\S+ )?sh scripts\/image-build\.sh \/out/);
    // What `COPY . .` copies: the files git knows (the .dockerignore'd ones are not tracked).
    const src = join(work, "src");
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" })
      .split("\n")
      .filter((f) => f !== "");
    for (const f of files) {
      if (!existsSync(join(repoRoot, f))) continue;
      mkdirSync(dirname(join(src, f)), { recursive: true });
      cpSync(join(repoRoot, f), join(src, f));
    }
    const out = join(work, "out");
    execFileSync("sh", ["scripts/image-build.sh", out], { cwd: src, stdio: ["ignore", "ignore", "inherit"] });

    for (const dev of ["typescript", "vitest", "testcontainers", "@bufbuild/buf", "eslint"]) {
      expect(existsSync(join(out, "node_modules", dev)), `${dev} must not be in the image`).toBe(false);
    }
    expect(existsSync(join(out, "node_modules", "kafkajs"))).toBe(true);

    const bin = join(out, "services", "cli", "bin", "meetuphype.js");
    const healthPort = await freePort();
    const prefix = uniqueName("image");
    const env = { ...process.env, NATS_URL: natsUrl, NAME_PREFIX: prefix, HEALTH_PORT: String(healthPort), NODE_ENV: "production" };
    const counter = spawn(process.execPath, [bin, "counter"], { cwd: out, env, stdio: "ignore" });
    children.push(counter);
    await waitForReady(healthPort, 60_000, "counter from the image tree");

    const grpcPort = await freePort();
    const aggregator = spawn(
      process.execPath,
      [bin, "aggregator", "--grpc-port", String(grpcPort), "--counter-shards", "32", "--health-port", "0"],
      {
        cwd: out,
        env,
        stdio: "ignore",
      },
    );
    children.push(aggregator);
    const client = trendingClient(`127.0.0.1:${grpcPort}`);
    await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 60_000, (err) => (err ? reject(err) : resolve())));
    client.close();
    const health = execFileSync(process.execPath, [bin, "watch", "--addr", `127.0.0.1:${grpcPort}`, "--once", "--json"], {
      cwd: out,
      env,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(JSON.parse(health)).toHaveProperty("topics");

    counter.kill("SIGTERM");
    expect(await exited(counter)).toBe(0);
  }, 600_000);
});
