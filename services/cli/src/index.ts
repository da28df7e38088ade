export { cli, USAGE } from "./cli.js";
export type { CommandContext } from "@meetuphype/config";
export * from "./config.js";
