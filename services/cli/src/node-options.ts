/**
 * The Node options the long-running services run with: in the image (its `NODE_OPTIONS`), in
 * `meetuphype cluster`'s children and in the distributed benchmark. One setting so far: a young
 * generation of 64 MiB semi-spaces instead of V8's 16. Every service holds its in-flight batches
 * (a Kafka fetch, a stream message's records, the output awaiting acknowledgement) across
 * scavenges; with larger semi-spaces there are a third as many scavenges, fewer of those batches
 * are copied. On the million-record bench the four services spent 8% less CPU on average over five
 * alternating pairs (dedup a sixth less, in every pair), for up to 100 MiB more peak RSS a service
 * (docs/benchmarks.md). It can only be set when Node starts (on the command line or in
 * NODE_OPTIONS), not from inside the process.
 */
export const SERVICE_NODE_OPTIONS = "--max-semi-space-size=64";

/** NODE_OPTIONS for a service: ours first, so that options the user already set there win. */
export function serviceNodeOptions(existing: string | undefined): string {
  const own = existing?.trim() ?? "";
  return own === "" ? SERVICE_NODE_OPTIONS : `${SERVICE_NODE_OPTIONS} ${own}`;
}
