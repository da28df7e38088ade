export * from "./errors.js";
export * from "./options.js";
export * from "./common.js";
export * from "./context.js";
export * from "./process.js";
export * from "./print-config.js";
export * from "./tls-files.js";
export * from "./broker-security.js";
