import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { watchSupervisor } from "../src/supervisor.js";

const fakeProcess = (withChannel: boolean) => {
  const proc = new EventEmitter() as EventEmitter & { channel?: { unref: () => void }; unrefs: number };
  proc.unrefs = 0;
  if (withChannel) proc.channel = { unref: () => void proc.unrefs++ };
  return proc;
};

describe("watchSupervisor", () => {
  it("calls back once when the supervisor's channel closes, and never keeps the process alive", () => {
    const proc = fakeProcess(true);
    let gone = 0;
    watchSupervisor(() => gone++, proc as unknown as NodeJS.Process);
    expect(proc.unrefs).toBe(1);
    expect(gone).toBe(0);
    proc.emit("disconnect");
    proc.emit("disconnect");
    expect(gone).toBe(1);
  });

  it("does nothing for a process started without a channel (by a person, a script or Kubernetes)", () => {
    const proc = fakeProcess(false);
    let gone = 0;
    watchSupervisor(() => gone++, proc as unknown as NodeJS.Process);
    proc.emit("disconnect");
    expect(gone).toBe(0);
    expect(proc.listenerCount("disconnect")).toBe(0);
  });
});
