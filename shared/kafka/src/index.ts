export * from "./client.js";
export * from "./topics.js";
export * from "./producer.js";
export * from "./log.js";
export * from "./errors.js";
export * from "./retry.js";
