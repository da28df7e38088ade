/**
 * An actor: one message at a time from a bounded mailbox, handled by a
 * behaviour that holds the actor's state. A failing message is reported to
 * `onError` and the actor goes on with the next one (supervision: resume).
 */
import { KnownError } from "@meetuphype/core";
import { Mailbox } from "./mailbox.js";

export type Behavior<M> = (msg: M) => void | Promise<void>;

export interface ActorOptions {
  /** Mailbox capacity in messages. @default 64 */
  readonly capacity?: number;
  /** Called when the behaviour throws; the message is then dropped. */
  readonly onError?: (err: unknown, actor: string) => void;
}

const STOP = Symbol("stop");

export class Actor<M> {
  private readonly mailbox: Mailbox<M | typeof STOP>;
  /** Messages told and not yet fully handled (queued, waiting to be queued, or in hand). */
  private pending = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(
    readonly name: string,
    private readonly behavior: Behavior<M>,
    private readonly options: ActorOptions = {},
  ) {
    this.mailbox = new Mailbox(options.capacity ?? 64);
    this.done = this.loop();
  }

  /** Enqueues a message; waits while the mailbox is full. */
  async tell(msg: M): Promise<void> {
    if (this.stopped) throw new ActorStoppedError(this.name);
    this.pending++;
    await this.mailbox.put(msg);
  }

  /** Resolves when the mailbox is empty and no message is being handled. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Handles what is already queued, then stops. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      await this.mailbox.put(STOP);
    }
    await this.done;
  }

  private async loop(): Promise<void> {
    for (;;) {
      const msg = await this.mailbox.take();
      if (msg === STOP) break;
      try {
        await this.behavior(msg);
      } catch (err) {
        this.options.onError?.(err, this.name);
      }
      this.pending--;
      if (this.pending === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    }
    for (const w of this.idleWaiters) w();
    this.idleWaiters = [];
  }
}

export class ActorStoppedError extends KnownError {
  readonly code = "ACTOR_STOPPED";
  readonly retriable = false;
  constructor(actor: string) {
    super(`actor ${actor} is stopped`);
  }
}
