/**
 * The provider's one clock shape: a `Clock` returns the moment now. Only the shell reads it (at
 * the start of each engine call, and in wait loops); the domain is handed `now: Date` values.
 */

/** Returns the moment now. */
export type Clock = () => Date;

/** The machine's clock. */
export const systemClock: Clock = () => new Date();

/** `real` shifted by a whole number of seconds: time keeps flowing, ahead or behind by `seconds`. */
export function shiftedClock(real: Clock, seconds: number): Clock {
  return () => new Date(real().getTime() + seconds * 1000);
}
