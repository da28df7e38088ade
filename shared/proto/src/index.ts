// The wire types, generated from proto/ by `npm run proto:gen` (never edit src/gen by hand), and encoding with a reused writer.
// The public API's types load gRPC; `@meetuphype/proto/pipeline` gives the pipeline's messages without it.
export * from "./gen/meetuphype/v1/trending.js";
export * from "./pipeline.js";
