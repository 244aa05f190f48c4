// Runs a spider callback or errback and routes what it yields: requests to the scheduler,
// items through the pipelines to the output. An error that a yielded request causes is
// thrown back into the generator at its `yield`, so the spider's own stack shows where.
import { Request } from "./request.ts";

export type OutputHandler = (value: unknown) => Promise<void> | void;

/** Calls `fn` and feeds every value it produces to `handle`; rejects with the callback's error. */
export async function runCallback(fn: () => unknown, handle: OutputHandler): Promise<void> {
  let result = fn();
  if (isPromise(result)) result = await result;
  if (result === undefined || result === null) return;
  if (typeof result === "object" && Symbol.asyncIterator in result) {
    await drainAsync((result as AsyncIterable<unknown>)[Symbol.asyncIterator](), handle);
    return;
  }
  if (typeof result === "object" && !(result instanceof Request) && Symbol.iterator in result) {
    if (Array.isArray(result)) {
      for (const value of result) await handle(value);
      return;
    }
    await drainSync((result as Iterable<unknown>)[Symbol.iterator](), handle);
    return;
  }
  await handle(result);
}

async function drainAsync(it: AsyncIterator<unknown>, handle: OutputHandler): Promise<void> {
  let step = await it.next();
  while (!step.done) {
    try {
      const pending = handle(step.value);
      if (pending) await pending;
    } catch (error) {
      if (!it.throw) throw error;
      step = await it.throw(error);
      continue;
    }
    step = await it.next();
  }
}

async function drainSync(it: Iterator<unknown>, handle: OutputHandler): Promise<void> {
  let step = it.next();
  while (!step.done) {
    try {
      const pending = handle(step.value);
      if (pending) await pending;
    } catch (error) {
      if (!it.throw) throw error;
      step = it.throw(error);
      continue;
    }
    step = it.next();
  }
}

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";
}
