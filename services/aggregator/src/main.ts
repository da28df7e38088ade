/** Runs the aggregator as its own process: `node services/aggregator/dist/main.js`. */
import { serviceMain } from "@meetuphype/config";
import { runAggregator } from "./service.js";

await serviceMain(runAggregator);
