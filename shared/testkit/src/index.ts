export * from "./reference-model.js";
export * from "./compare.js";
export * from "./data.js";
export * from "./arbitraries.js";
export * from "./process.js";
export * from "./tools.js";
export * from "./infra.js";
export * from "./pipeline.js";
