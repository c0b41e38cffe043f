/**
 * @module ui/components/run-clock
 * A ticking "now" for durations of runs that are still going.
 */
import { createSignal, onCleanup } from "solid-js";

/** Current time in ms, updated every second while `live()` holds. */
export function useNow(live: () => boolean): () => number {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => {
    if (live()) setNow(Date.now());
  }, 1000);
  onCleanup(() => clearInterval(timer));
  return now;
}
