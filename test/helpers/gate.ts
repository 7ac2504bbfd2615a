/** Holding a piece of work half-way, to see what waits for it. */
import assert from 'node:assert/strict';

/** A promise that resolves only when `open()` is called. */
export function gate(): { readonly held: Promise<void>; readonly open: () => void } {
  let open: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (open = resolve));
  return { held, open };
}

/** Asserts that `stopping` is still pending 50 ms on while the work is held, then opens the gate and waits for it. */
export async function assertWaitsFor(stopping: Promise<void>, g: { readonly open: () => void }, message: string): Promise<void> {
  let stopped = false;
  const done = stopping.then(() => (stopped = true));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(stopped, false, message);
  g.open();
  await done;
}
