/** Runs the producer as its own process: `node services/producer/dist/main.js`. */
import { serviceMain } from "@meetuphype/config";
import { runProducer } from "./service.js";

await serviceMain(runProducer);
