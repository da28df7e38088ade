/** Entry point of the `meetuphype` command: wires the process to the command line. */
import { serviceMain } from "@meetuphype/config";
import { cli } from "./cli.js";

await serviceMain(cli);
