/**
 * The protobuf reader's string and id caches: strings decoded from the wire once and returned again while they
 * repeat, and ids as lowercase hex.
 */
import * as ids from '../../shared/ids';

/** Module constants: compiled to CommonJS, each use of an imported binding is a getter call (see protoReader.ts). */
const TRACE_ID_BYTES = ids.TRACE_ID_BYTES;
const SPAN_ID_BYTES = ids.SPAN_ID_BYTES;
const spanIdHex = ids.spanIdHexAt;

/** Offsets into a StringCache entry. */
const ENTRY_LENGTH = 0;
const ENTRY_LAST_WORD = 1;
const ENTRY_HIT = 2;
const ENTRY_WORDS = 3;

/**
 * A direct-mapped cache of short strings by their bytes. Attribute keys and many values ("chat", model names) repeat
 * across spans and requests; a hit costs a hash of three words and a comparison 4 bytes at a time (against a copy of
 * the bytes, not the string's chars, which V8 reads slowly) instead of allocating a string and, for a Map key,
 * hashing it again. A one-off string (a call id, a session id) that lands on an entry hit since it was cached does not
 * replace it at once, only on the next miss there: unique values, a few in every span, would otherwise keep evicting
 * the repeating ones.
 */
export class StringCache {
  private readonly strings: string[];
  /**
   * Per entry, side by side so that a lookup touches one or two cache lines: its byte length (-1 when empty), its
   * last 4 bytes (its bytes packed, when shorter, so that no byte goes uncompared), 1 when it was hit since it was
   * cached or last spared, then its bytes as little-endian words.
   */
  private readonly entries: Int32Array;
  private readonly stride: number;

  constructor(
    private readonly mask: number,
    private readonly maxBytes: number,
  ) {
    this.strings = new Array<string>(mask + 1).fill('');
    this.stride = ENTRY_WORDS + (maxBytes >> 2);
    this.entries = new Int32Array((mask + 1) * this.stride);
    for (let slot = 0; slot <= mask; slot++) this.entries[slot * this.stride + ENTRY_LENGTH] = -1;
  }

  get(buf: Buffer, view: DataView, start: number, end: number): string {
    const length = end - start;
    if (length > this.maxBytes) return utf8(buf, start, end);
    if (length === 0) return '';
    const fullWords = length >> 2;
    const lastWord = length >= 4 ? view.getInt32(end - 4, true) : packBytes(buf, start, end);
    // First, middle and last word: keys share prefixes ("gen_ai.") and often a length and last letter too
    // ("gen_ai.tool.name" and "gen_ai.tool.type"), which a few bytes alone would hash alike.
    const hash =
      length >= 4
        ? Math.imul(lastWord ^ Math.imul(view.getInt32(start, true) ^ length, 0x85ebca6b), 0x9e3779b1) ^
          Math.imul(view.getInt32(start + ((length - 4) >> 1), true), 0xc2b2ae35)
        : Math.imul(lastWord ^ (length << 24), 0x9e3779b1);
    const slot = (hash >>> 16) & this.mask;
    const entries = this.entries;
    const base = slot * this.stride;
    if (entries[base + ENTRY_LENGTH] === length && entries[base + ENTRY_LAST_WORD] === lastWord) {
      let i = 0;
      while (i < fullWords && view.getInt32(start + 4 * i, true) === entries[base + ENTRY_WORDS + i]) i++;
      if (i === fullWords) {
        entries[base + ENTRY_HIT] = 1;
        return this.strings[slot]!;
      }
    }
    const decoded = utf8(buf, start, end);
    if (entries[base + ENTRY_HIT] === 1) {
      entries[base + ENTRY_HIT] = 0;
      return decoded;
    }
    this.strings[slot] = decoded;
    entries[base + ENTRY_LENGTH] = length;
    entries[base + ENTRY_LAST_WORD] = lastWord;
    for (let i = 0; i < fullWords; i++) entries[base + ENTRY_WORDS + i] = view.getInt32(start + 4 * i, true);
    return decoded;
  }
}

function packBytes(buf: Buffer, start: number, end: number): number {
  let packed = 0;
  for (let i = start; i < end; i++) packed = (packed << 8) | buf[i]!;
  return packed;
}

/**
 * Buffer's utf8Slice is what `toString('utf8', start, end)` ends in, minus its argument handling, which costs more
 * than decoding a short string. Undocumented but stable for a decade; protobufjs relies on it too.
 */
interface BufferInternals {
  utf8Slice(start: number, end: number): string;
}
const hasUtf8Slice = typeof (Buffer.prototype as Partial<BufferInternals>).utf8Slice === 'function';

/** Node's UTF-8 decoding: invalid sequences become U+FFFD, as with TextDecoder. */
function utf8(buf: Buffer, start: number, end: number): string {
  return hasUtf8Slice ? (buf as unknown as BufferInternals).utf8Slice(start, end) : buf.toString('utf8', start, end);
}

/**
 * Ids repeat within a request: every span of a trace has its trace id, and a parent id is another span's id. A
 * direct-mapped cache by the id's bytes returns the same string again instead of building the hex anew.
 */
export class IdCache {
  private readonly strings: string[];
  private readonly words: Int32Array;
  private readonly wordsPerId: number;

  constructor(
    private readonly mask: number,
    idBytes: number,
  ) {
    this.strings = new Array<string>(mask + 1).fill('');
    this.wordsPerId = idBytes >> 2;
    this.words = new Int32Array((mask + 1) * this.wordsPerId);
  }

  /** The hex of the id at `buf[start]`, whose length is the cache's id size. */
  get(buf: Buffer, view: DataView, start: number): string {
    const wordsPerId = this.wordsPerId;
    const end = start + 4 * wordsPerId;
    // Random ids are random in their last bytes (some generators put a timestamp first).
    const slot = (buf[end - 1]! | (buf[end - 2]! << 8)) & this.mask;
    const words = this.words;
    const base = slot * wordsPerId;
    let i = 0;
    while (i < wordsPerId && view.getInt32(start + 4 * i, true) === words[base + i]) i++;
    const cached = this.strings[slot]!;
    if (i === wordsPerId && cached !== '') return cached;
    for (i = 0; i < wordsPerId; i++) words[base + i] = view.getInt32(start + 4 * i, true);
    const hex = hexOf(buf, start, end);
    this.strings[slot] = hex;
    return hex;
  }
}

/** Lowercase hex of the id from `start` to `end`. */
export function hexOf(buf: Buffer, start: number, end: number): string {
  if (end - start === SPAN_ID_BYTES) return spanIdHex(buf, start);
  // Two halves instead of 16 appends: each log record of an uncorrelated batch can bring a trace id not seen yet.
  if (end - start === TRACE_ID_BYTES) return spanIdHex(buf, start) + spanIdHex(buf, start + SPAN_ID_BYTES);
  // Any other length is a malformed id, which is rare.
  return buf.toString('hex', start, end);
}
