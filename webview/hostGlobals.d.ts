/**
 * src/core/flame/columns.ts keeps the host's encoder (Node's Buffer) beside the webview's decoder, so type-checking the
 * decoder here also reads the encoder. The bundle never calls it (esbuild drops it), so only its type is declared.
 */
declare const Buffer: {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
};
