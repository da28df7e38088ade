export { runCounter, COUNTER_USAGE } from "./service.js";
export { counterConfig, COUNTER_OPTIONS } from "./config.js";
