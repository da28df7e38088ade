export * from "./clock.js";
export * from "./mailbox.js";
export * from "./actor.js";
