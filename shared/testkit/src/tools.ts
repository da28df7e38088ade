/** External tools the end-to-end tests use as a user would (grpcurl, a headless Chromium). */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * The grpcurl binary: on PATH, in $GOBIN, or in ~/go/bin (where `go install`
 * puts it). Undefined when absent; CI installs it and sets REQUIRE_GRPCURL=1 so
 * that the tests using it cannot be skipped there.
 */
export function findGrpcurl(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), process.env.GOBIN ?? "", join(homedir(), "go", "bin")];
  for (const d of dirs) {
    if (d !== "" && existsSync(join(d, "grpcurl"))) return join(d, "grpcurl");
  }
  if (process.env.REQUIRE_GRPCURL === "1")
    throw new Error(
      "grpcurl is required (REQUIRE_GRPCURL=1) but was not found: go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest",
    );
  return undefined;
}

/**
 * grpcurl's WatchTrending at `addr` for 2 s (`flags`: -plaintext, or -cacert/-cert/-key);
 * what arrived before -max-time ended the stream, from standard output.
 */
export async function grpcurlWatch(grpcurl: string, flags: readonly string[], addr: string, limit = 2): Promise<string> {
  const args = [...flags, "-max-time", "2", "-d", `{"limit": ${limit}}`, addr, "meetuphype.v1.TrendingService/WatchTrending"];
  return new Promise((resolve) => execFile(grpcurl, args, (_err, stdout) => resolve(String(stdout))));
}

/**
 * A Chromium for the board's browser test: CHROMIUM_PATH, or Debian's `chromium`.
 * Undefined when absent; CI installs it and sets REQUIRE_BROWSER=1 so that the test
 * cannot be skipped there.
 */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROMIUM_PATH ?? "", "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((c) => c !== "" && existsSync(c));
  if (found === undefined && process.env.REQUIRE_BROWSER === "1")
    throw new Error("a Chromium is required (REQUIRE_BROWSER=1) but was not found: apt-get install chromium, or set CHROMIUM_PATH");
  return found;
}
