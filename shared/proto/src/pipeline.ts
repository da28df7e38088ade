// The pipeline's internal messages alone: the stages import this, so that a dedup, counter or ingest
// replica does not load gRPC (the public API's generated service definitions need it).
export * as pipeline from "./gen/meetuphype/pipeline/v1/pipeline.js";
export { decodeMessage, encodeMessage, type Decodes, type Encodes } from "./encode.js";
export { NumberInt64Reader, NumberInt64Writer } from "./int64.js";
