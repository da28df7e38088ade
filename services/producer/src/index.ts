export { runProducer, PRODUCER_USAGE } from "./service.js";
export { producerConfig, PRODUCER_OPTIONS } from "./config.js";
export * from "./pacing.js";
