export { runAggregator, AGGREGATOR_USAGE } from "./service.js";
export { aggregatorConfig, AGGREGATOR_OPTIONS } from "./config.js";
