/** Runs the counter service as its own process: `node services/counter/dist/main.js`. */
import { serviceMain } from "@meetuphype/config";
import { runCounter } from "./service.js";

await serviceMain(runCounter);
