export * from "./wait.js";
export * from "./kafka.js";
export * from "./nats.js";
export * from "./local.js";
export * from "./cluster.js";
