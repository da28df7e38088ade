export * from "./dedup-shard.js";
export * from "./counter-shard.js";
export * from "./positions.js";
export * from "./local-shards.js";
export * from "./embedded.js";
