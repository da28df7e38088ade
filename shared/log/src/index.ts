export * from "./logger.js";
export * from "./json-logger.js";
export * from "./redact.js";
