/** LeaseKeeper over the simulation's in-memory KV (NATS KV's compare-and-set semantics). */
import { describe, expect, it } from "vitest";
import { CasConflictError } from "@meetuphype/control-plane";
import { OperationTimeoutError } from "../src/index.js";
import { LeaseKeeper } from "../src/lease-keeper.js";
import { clientKv, MemoryBucket, Proc, World, type NetworkConditions } from "./sim/world.js";

const quiet: NetworkConditions = { delay: () => 5, dropRequest: () => false, dropAnswer: () => false };

function setup(net: NetworkConditions = quiet) {
  const world = new World();
  const bucket = new MemoryBucket(world);
  const proc = new Proc("r1");
  const keeper = (owner: string): LeaseKeeper =>
    new LeaseKeeper(clientKv(world, bucket, proc, net), "counter", owner, world.timers(proc), 2000);
  /** Runs `p` to its end on the simulated clock. */
  const run = async <T>(p: Promise<T>): Promise<T> => {
    let settled = false;
    const done = p.finally(() => (settled = true));
    done.catch(() => undefined);
    for (let t = world.now; !settled && t < 60_000; t += 10) await world.runUntil(t, () => undefined);
    return done;
  };
  return { world, bucket, keeper, run };
}

describe("LeaseKeeper", () => {
  it("takes a free shard, renews it, frees it keeping the epoch, and reads each state back", async () => {
    const { keeper, run } = setup();
    const a = keeper("a");
    expect(await run(a.read(3))).toBeNull();
    const rev1 = await run(a.take(3, 1, null));
    expect(await run(a.read(3))).toEqual({ revision: rev1, lease: { owner: "a", epoch: 1 } });
    const rev2 = await run(a.renew(3, 1, rev1));
    expect(rev2).toBeGreaterThan(rev1);
    const rev3 = await run(a.free(3, 1, rev2));
    expect(await run(a.read(3))).toEqual({ revision: rev3, lease: { owner: null, epoch: 1 } });
  });

  it("every write is a compare-and-set: a stale revision or an existing entry loses", async () => {
    const { keeper, run } = setup();
    const a = keeper("a");
    const b = keeper("b");
    const rev = await run(a.take(0, 1, null));
    await expect(run(b.take(0, 1, null))).rejects.toBeInstanceOf(CasConflictError);
    const taken = await run(b.take(0, 2, rev));
    expect((await run(b.read(0)))?.lease).toEqual({ owner: "b", epoch: 2 });
    await expect(run(a.renew(0, 1, rev))).rejects.toBeInstanceOf(CasConflictError);
    await expect(run(a.free(0, 1, rev))).rejects.toBeInstanceOf(CasConflictError);
    expect((await run(b.read(0)))?.revision).toBe(taken);
  });

  it("an operation whose answer is lost fails with a timeout that names it", async () => {
    const { keeper, run } = setup({ ...quiet, dropAnswer: () => true });
    const err = await run(keeper("a").take(5, 1, null)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationTimeoutError);
    expect((err as Error).message).toBe("claiming shard 5 did not answer within 2000 ms");
  });
});
