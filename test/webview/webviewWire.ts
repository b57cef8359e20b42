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
    const reference = value as {
      $$vscode_array_buffer_reference$$?: boolean;
      index: number;
      view?: { type: string; byteOffset: number; byteLength: number };
    };
    if (typeof value !== 'object' || value === null || reference.$$vscode_array_buffer_reference$$ !== true)
      return value;
    const buffer = buffers[reference.index]!;
    if (reference.view === undefined) return buffer;
    const type = TYPED_ARRAYS.find((constructor) => constructor.name === reference.view!.type)!;
    return new type(buffer, reference.view.byteOffset, reference.view.byteLength / type.BYTES_PER_ELEMENT);
  });
}

const align8 = (size: number) => Math.ceil(size / 8) * 8;

/**
 * One response body, little-endian: u32 JSON byte length, u32 buffer count, u32 size of each buffer, the JSON, then
 * each buffer at an offset that is a multiple of 8 (so that the page can view them in place).
 */
export function packWireMessage(wire: WireMessage): Buffer {
  const json = Buffer.from(wire.json);
  const header = Buffer.alloc(8 + 4 * wire.buffers.length);
  header.writeUInt32LE(json.byteLength, 0);
  header.writeUInt32LE(wire.buffers.length, 4);
  wire.buffers.forEach((bytes, index) => header.writeUInt32LE(bytes.byteLength, 8 + 4 * index));
  const parts: Uint8Array[] = [header, json];
  let offset = header.byteLength + json.byteLength;
  for (const bytes of wire.buffers) {
    parts.push(Buffer.alloc(align8(offset) - offset), bytes);
    offset = align8(offset) + bytes.byteLength;
  }
  return Buffer.concat(parts);
}

/**
 * Page-side script: `window.__deliver(body)` unpacks a `packWireMessage` body (an ArrayBuffer), rebuilds the message
 * with its typed arrays viewing the body in place, and posts it to the page transferring the body, as VS Code's webview
 * host frame posts a message to the webview with its ArrayBuffers transferred. The page has paid one copy of the bytes
 * already, receiving the body, as a webview does receiving a message from another process.
 */
export const PAGE_RECEIVER = `
window.__deliver = (body) => {
  const header = new DataView(body);
  const jsonLength = header.getUint32(0, true);
  const count = header.getUint32(4, true);
  let offset = 8 + 4 * count;
  const json = new TextDecoder().decode(new Uint8Array(body, offset, jsonLength));
  offset += jsonLength;
  const buffers = [];
  for (let index = 0; index < count; index++) {
    offset = Math.ceil(offset / 8) * 8;
    const size = header.getUint32(8 + 4 * index, true);
    buffers.push({ offset, size });
    offset += size;
  }
  const message = JSON.parse(json, (key, value) => {
    if (typeof value !== 'object' || value === null || value.$$vscode_array_buffer_reference$$ !== true) return value;
    const buffer = buffers[value.index];
    if (value.view === undefined) return body.slice(buffer.offset, buffer.offset + buffer.size);
    const type = globalThis[value.view.type];
    return new type(body, buffer.offset + value.view.byteOffset, value.view.byteLength / type.BYTES_PER_ELEMENT);
  });
  window.postMessage(message, '*', [body]);
};`;
