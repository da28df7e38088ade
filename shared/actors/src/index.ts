export * from "./clock.js";
export * from "./logger.js";
export * from "./mailbox.js";
export * from "./actor.js";
export * from "./transport.js";
export * from "./shard-host.js";
export * from "./json-logger.js";
export * from "./redact.js";
