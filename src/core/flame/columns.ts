/**
 * Typed arrays as base64 text, for the trace snapshot the host inlines into the webview page and posts to it.
 *
 * Base64 rather than number arrays: JSON turns the NaN of a missing TTFT into null, and a column of doubles parses
 * faster and costs about as many characters this way. The bytes are the platform's (little-endian on every machine
 * VS Code runs on) and host and webview run on the same machine, so byte order needs no conversion.
 */

/** Host side (Node): Buffer's encoder is native. */
export function encodeColumn(array: ArrayBufferView): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

type ColumnType =
  | Float64ArrayConstructor
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint16ArrayConstructor
  | Uint8ArrayConstructor;

/**
 * Webview side: uses `atob`, present in browsers and in Node, never `Buffer`. Throws a RangeError when the text does
 * not decode to exactly `length` elements.
 */
export function decodeColumn<T extends ColumnType>(text: string, type: T, length: number): InstanceType<T> {
  const binary = atob(text);
  if (binary.length !== length * type.BYTES_PER_ELEMENT) {
    throw new RangeError(`column holds ${binary.length} bytes, expected ${length} × ${type.BYTES_PER_ELEMENT}`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new type(bytes.buffer) as InstanceType<T>;
}
