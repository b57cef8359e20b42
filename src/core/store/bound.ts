/** A store's size bound (`maxSpans`, `maxRecords`, `maxPoints`), checked: a positive safe integer. */
export function checkBound(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
