/** A tiny protobuf writer for hand-made (and hand-broken) messages in the decoder tests. */

export function varint(value: number | bigint): number[] {
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  return [...out, Number(rest)];
}

export const tag = (field: number, wireType: number) => varint((field << 3) | wireType);

/** A length-delimited field holding `content`. */
export const message = (field: number, ...content: number[][]) => {
  const bytes = content.flat();
  return [...tag(field, 2), ...varint(bytes.length), ...bytes];
};

export const text = (field: number, value: string) => message(field, [...Buffer.from(value)]);
export const bytesField = (field: number, hex: string) => message(field, [...Buffer.from(hex, 'hex')]);
export const int = (field: number, value: number | bigint) => [...tag(field, 0), ...varint(value)];

export const fixed64 = (field: number, value: bigint) => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(value);
  return [...tag(field, 1), ...bytes];
};

export const double = (field: number, value: number) => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return [...tag(field, 1), ...bytes];
};
