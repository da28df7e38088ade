export * from "./clock.js";
export * from "./mailbox.js";
export * from "./actor.js";
export * from "./transport.js";
export * from "./shard-host.js";
