export { runIngest, INGEST_USAGE } from "./service.js";
export { ingestConfig, INGEST_OPTIONS } from "./config.js";
