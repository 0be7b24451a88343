/**
 * How a message shows a value the user gave: strings quoted (and cut at 60 characters), numbers
 * and booleans with their type (a string "2048" and the number 2048 read alike otherwise), other
 * values by their kind only ("an array", "an object", "a function"). One printer, so every
 * sentence shows values the same way. Never call it on a secret: it prints strings.
 */
export function printValue(value: unknown): string {
  if (value === undefined) return 'undefined (a config value that is not set?)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
