export * from "./config.js";
export * from "./fanout.js";
export * from "./state.js";
export * from "./http.js";
export * from "./upstream.js";
export * from "./embedded.js";
export * from "./service.js";
