export { cli, USAGE } from "./cli.js";
export type { CommandContext } from "./context.js";
export * from "./config.js";
