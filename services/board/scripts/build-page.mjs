// Bundles the board's page (services/board/page) with esbuild into services/board/dist/page:
// app.js (TypeScript, with @meetuphype/core's pure functions), index.html, style.css, favicon.svg.
// Served by the board from there: no CDN, nothing fetched at run time.
import { copyFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here("../dist/page/");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [here("../page/main.ts")],
  outfile: `${out}app.js`,
  bundle: true,
  format: "iife",
  target: ["es2020"],
  minify: true,
  sourcemap: false,
  alias: { "@meetuphype/core": here("../../../shared/core/src/index.ts") },
  logLevel: "warning",
});
for (const f of ["index.html", "style.css", "favicon.svg"]) copyFileSync(here(`../page/${f}`), `${out}${f}`);
console.log("board: page bundled into services/board/dist/page");
