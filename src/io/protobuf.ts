/**
 * The protobuf wire format, write side only — the little that ONNX files need
 * (https://protobuf.dev/programming-guides/encoding/):
 * ```
 * field   = key payload;   key = varint(field_number << 3 | wire_type)
 * type 0  varint: 7 bits a byte, least significant first, high bit = more follows (int32/int64/enum;
 *         a negative int64 is its 64-bit two's complement: ten bytes)
 * type 2  length-delimited: varint(byte length) bytes (string, bytes, an embedded message)
 * type 5  fixed32: 4 bytes little-endian (float)
 * ```
 * A message is its fields in any order; an absent optional field is simply not written.
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;
const UTF8 = new TextEncoder();

/** Builds one message's bytes; an embedded message is built by its own writer and written with {@link message}. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private rawVarint(value: number | bigint): void {
    // int64 as protobuf sends it: negatives as 64-bit two's complement
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private key(field: number, wire: number): void {
    this.rawVarint((field << 3) | wire);
  }

  /** An int32, int64 or enum field (an integer; negatives as int64). */
  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: field ${field}: ${value} is not an integer`);
    this.key(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    this.reserve(4);
    this.view.setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, UTF8.encode(value));
  }

  /** An embedded message field, written by `write` into a writer of its own. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** The message's bytes (a view of the writer's buffer: copy it before writing more). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
