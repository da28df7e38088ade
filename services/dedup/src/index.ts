export { runDedup, DEDUP_USAGE } from "./service.js";
export { dedupConfig, DEDUP_OPTIONS } from "./config.js";
