/** Runs the dedup service as its own process: `node services/dedup/dist/main.js`. */
import { serviceMain } from "@meetuphype/config";
import { runDedup } from "./service.js";

await serviceMain(runDedup);
