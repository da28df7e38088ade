export * from "./types.js";
export * from "./convert.js";
export * from "./server.js";
export * from "./client.js";
export * from "./tls.js";
export * from "./history.js";
export * from "./reconnect.js";
export * from "./follow.js";
