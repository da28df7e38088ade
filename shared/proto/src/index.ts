// The wire types, generated from proto/ by `npm run proto:gen` (never edit src/gen by hand), and encoding with a reused writer.
export * from "./gen/meetuphype/v1/trending.js";
export * as pipeline from "./gen/meetuphype/pipeline/v1/pipeline.js";
export { encodeMessage, type Encodes } from "./encode.js";
