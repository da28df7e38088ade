/** External tools the end-to-end tests use as a user would (grpcurl). */
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
