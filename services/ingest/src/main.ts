/** Runs the ingest service as its own process: `node services/ingest/dist/main.js`. */
import { serviceMain } from "@meetuphype/config";
import { runIngest } from "./service.js";

await serviceMain(runIngest);
