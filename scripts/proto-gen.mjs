// Regenerates shared/proto/src/gen from proto/ with buf + ts-proto.
// The generated files are committed and never edited by hand; CI re-runs
// this script and fails when the output differs from what is committed.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(new URL("../shared/proto/src/gen", import.meta.url), { recursive: true, force: true });
execFileSync("npx", ["buf", "generate"], { cwd: root, stdio: "inherit" });
console.log("proto: generated shared/proto/src/gen");
