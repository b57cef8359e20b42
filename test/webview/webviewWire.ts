/**
 * Host → webview messages as VS Code delivers them (extHostWebviewMessaging's serializeWebviewMessage, for extensions
 * whose engines.vscode is >= 1.57): JSON in which every typed array is replaced by a reference to its ArrayBuffer,
 * which travels as binary beside it; the webview receives the message with the typed arrays rebuilt. The test page's
 * stand-in host packs a message this way on the Node side and rebuilds it in the page before posting it (see
 * `PAGE_RECEIVER`), so that the page pays what it pays in VS Code: a JSON parse of the text part and copies of bytes.
 */

export interface WireMessage {
  readonly json: string;
  readonly buffers: readonly Uint8Array[];
}

const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];

export function serializeWebviewMessage(message: unknown): WireMessage {
  const buffers: ArrayBufferLike[] = [];
  const indexOf = (buffer: ArrayBufferLike) => {
    const found = buffers.indexOf(buffer);
    return found >= 0 ? found : buffers.push(buffer) - 1;
  };
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (value instanceof ArrayBuffer) return { $$vscode_array_buffer_reference$$: true, index: indexOf(value) };
    if (ArrayBuffer.isView(value)) {
      const type = TYPED_ARRAYS.find((constructor) => value instanceof constructor)?.name;
      if (type !== undefined) {
        const view = { type, byteLength: value.byteLength, byteOffset: value.byteOffset };
        return { $$vscode_array_buffer_reference$$: true, index: indexOf(value.buffer), view };
      }
    }
    return value;
  });
  return { json, buffers: buffers.map((buffer) => new Uint8Array(buffer)) };
}

/** The inverse, as the page does it (`PAGE_RECEIVER`), for checks in Node. */
export function deserializeWebviewMessage(wire: WireMessage): unknown {
  const buffers = wire.buffers.map((bytes) => bytes.slice().buffer);
  return JSON.parse(wire.json, (_key, value: unknown) => {
    const reference = value as { $$vscode_array_buffer_reference$$?: boolean; index: number; view?: { type: string; byteOffset: number; byteLength: number } };
    if (typeof value !== 'object' || value === null || reference.$$vscode_array_buffer_reference$$ !== true) return value;
    const buffer = buffers[reference.index]!;
    if (reference.view === undefined) return buffer;
    const type = TYPED_ARRAYS.find((constructor) => constructor.name === reference.view!.type)!;
    return new type(buffer, reference.view.byteOffset, reference.view.byteLength / type.BYTES_PER_ELEMENT);
  });
}

/** One response body: a little-endian u32 header length, the header (the JSON and the buffer sizes), the buffers. */
export function packWireMessage(wire: WireMessage): Buffer {
  const header = Buffer.from(JSON.stringify({ json: wire.json, sizes: wire.buffers.map((bytes) => bytes.byteLength) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.byteLength);
  return Buffer.concat([length, header, ...wire.buffers]);
}

/**
 * Page-side script: `window.__deliver(body)` unpacks a `packWireMessage` body (an ArrayBuffer), rebuilds the message
 * and posts it to the page, transferring its buffers, as VS Code's webview host frame does.
 */
export const PAGE_RECEIVER = `
window.__deliver = (body) => {
  const headerLength = new DataView(body).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(body, 4, headerLength)));
  let offset = 4 + headerLength;
  const buffers = header.sizes.map((size) => body.slice(offset, (offset += size)));
  const message = JSON.parse(header.json, (key, value) => {
    if (typeof value !== 'object' || value === null || value.$$vscode_array_buffer_reference$$ !== true) return value;
    const buffer = buffers[value.index];
    if (value.view === undefined) return buffer;
    const type = globalThis[value.view.type];
    return new type(buffer, value.view.byteOffset, value.view.byteLength / type.BYTES_PER_ELEMENT);
  });
  window.postMessage(message, '*', buffers);
};`;
