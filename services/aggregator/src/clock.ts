/** The global event clock: the largest value any ingest replica has published in the clock bucket. */
export class GlobalClock {
  private max = 0;

  get now(): number {
    return this.max;
  }

  /** Applies one entry of the clock bucket. */
  accept(_key: string, value: Uint8Array | undefined): void {
    if (value === undefined) return;
    const v = Number(new TextDecoder().decode(value));
    if (Number.isSafeInteger(v) && v > this.max) this.max = v;
  }
}
