// The wire types, generated from proto/ by `npm run proto:gen`. Never edit src/gen by hand.
export * from "./gen/meetuphype/v1/trending.js";
export * as pipeline from "./gen/meetuphype/pipeline/v1/pipeline.js";
