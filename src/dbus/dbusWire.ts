/**
 * The D-Bus wire format (the D-Bus specification, "Message Protocol"), little-endian, for the few types the
 * Secret Service speaks: y b u i t x s o g a( ){ } v. Values: numbers, bigints (t, x), booleans, strings,
 * Uint8Array (ay), arrays, structs as arrays, dictionaries as arrays of [key, value], variants as Variant.
 */

export interface Variant {
  readonly signature: string;
  readonly value: DbusValue;
}

export type DbusValue = number | bigint | boolean | string | Uint8Array | Variant | DbusValue[];

export const MessageType = { MethodCall: 1, MethodReturn: 2, Error: 3, Signal: 4 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A message's header fields as the specification numbers them. */
const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8 } as const;

export interface Message {
  readonly type: MessageType;
  readonly serial: number;
  readonly path?: string;
  readonly interface?: string;
  readonly member?: string;
  readonly errorName?: string;
  readonly replySerial?: number;
  readonly destination?: string;
  readonly sender?: string;
  readonly signature: string;
  readonly body: DbusValue[];
}

/** The specification's limit on a whole message (128 MiB). */
const MAX_MESSAGE = 134_217_728;

export function variant(signature: string, value: DbusValue): Variant {
  return { signature, value };
}

/** The specification's limits: a signature of 255 bytes, 32 arrays and 32 structs deep, 64 containers in all. */
const MAX_SIGNATURE = 255;
const MAX_DEPTH = 32;
const MAX_NESTING = 64;
const BASIC = "ybnqiuxtdsogh";

/**
 * The complete types of a signature: "a{sv}ao" → ["a{sv}", "ao"]. Throws on one the specification does not
 * allow (empty structs, dict entries outside an array or without a basic key, nesting past its limits).
 */
export function splitSignature(signature: string): string[] {
  if (signature.length > MAX_SIGNATURE) throw new Error("D-Bus signature longer than 255 bytes");
  const types: string[] = [];
  let at = 0;
  while (at < signature.length) {
    const end = completeTypeEnd(signature, at, 0, 0, false);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}

function completeTypeEnd(signature: string, at: number, arrays: number, structs: number, inArray: boolean): number {
  const code = signature[at];
  if (code === undefined) throw new Error(`D-Bus signature "${signature}" ends inside a type`);
  if (BASIC.includes(code) || code === "v") return at + 1;
  if ((code === "a" && arrays >= MAX_DEPTH) || (code !== "a" && structs >= MAX_DEPTH)) throw new Error(`D-Bus signature "${signature}" nests too deep`);
  if (code === "a") return completeTypeEnd(signature, at + 1, arrays + 1, structs, true);
  if (code === "(") {
    let next = at + 1;
    if (signature[next] === ")") throw new Error(`D-Bus signature "${signature}" has an empty struct`);
    while (signature[next] !== ")") next = completeTypeEnd(signature, next, arrays, structs + 1, false);
    return next + 1;
  }
  if (code === "{") {
    if (!inArray || !BASIC.includes(signature[at + 1] ?? "")) throw new Error(`D-Bus signature "${signature}" has a dict entry outside an array or without a basic key`);
    const end = completeTypeEnd(signature, at + 2, arrays, structs + 1, false);
    if (signature[end] !== "}") throw new Error(`D-Bus signature "${signature}" has a dict entry of other than two types`);
    return end + 1;
  }
  throw new Error(`D-Bus signature "${signature}" has an unknown type code ${JSON.stringify(code)}`);
}

function alignmentOf(type: string): number {
  switch (type[0]) {
    case "y":
    case "g":
    case "v":
      return 1;
    case "n":
    case "q":
      return 2;
    case "x":
    case "t":
    case "d":
    case "(":
    case "{":
      return 8;
    default:
      return 4;
  }
}

class Writer {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  length = 0;

  constructor(private readonly base = 0) {}

  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private room(size: number): void {
    if (this.length + size <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + size));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  align(to: number): void {
    const pad = (to - ((this.base + this.length) % to)) % to;
    this.room(pad);
    this.bytes.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  u8(value: number): void {
    this.room(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
  }

  u32(value: number): void {
    this.align(4);
    this.room(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  raw(bytes: Uint8Array): void {
    this.room(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  setU32(at: number, value: number): void {
    this.view.setUint32(at, value, true);
  }

  write(type: string, value: DbusValue): void {
    const code = type[0];
    switch (code) {
      case "y":
        this.u8(Number(value));
        return;
      case "b":
        this.u32(value === true ? 1 : 0);
        return;
      case "u":
      case "i":
        this.align(4);
        this.room(4);
        if (code === "u") this.view.setUint32(this.length, Number(value), true);
        else this.view.setInt32(this.length, Number(value), true);
        this.length += 4;
        return;
      case "t":
      case "x":
        this.align(8);
        this.room(8);
        if (code === "t") this.view.setBigUint64(this.length, BigInt(value as number | bigint), true);
        else this.view.setBigInt64(this.length, BigInt(value as number | bigint), true);
        this.length += 8;
        return;
      case "s":
      case "o": {
        const text = new TextEncoder().encode(String(value));
        this.u32(text.length);
        this.raw(text);
        this.u8(0);
        return;
      }
      case "g": {
        const text = new TextEncoder().encode(String(value));
        this.u8(text.length);
        this.raw(text);
        this.u8(0);
        return;
      }
      case "v": {
        const inner = value as Variant;
        this.write("g", inner.signature);
        this.write(inner.signature, inner.value);
        return;
      }
      case "a": {
        const element = type.slice(1);
        this.u32(0);
        const lengthAt = this.length - 4;
        this.align(alignmentOf(element));
        const start = this.length;
        if (element === "y" && value instanceof Uint8Array) this.raw(value);
        else for (const item of value as DbusValue[]) this.write(element, item);
        this.setU32(lengthAt, this.length - start);
        return;
      }
      case "(":
      case "{": {
        this.align(8);
        const members = splitSignature(type.slice(1, -1));
        const values = value as DbusValue[];
        for (const [index, member] of members.entries()) this.write(member, values[index] as DbusValue);
        return;
      }
      default:
        throw new Error(`D-Bus type ${type} is not written here`);
    }
  }
}

class Reader {
  private at: number;
  /** Variants within variants: each may start a new signature, so the nesting is counted here. */
  private depth = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.at = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.at;
  }

  private need(size: number): void {
    if (this.at + size > this.bytes.length) throw new Error("D-Bus message ends inside a value");
  }

  align(to: number): void {
    this.at += (to - (this.at % to)) % to;
  }

  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }

  u32(): number {
    this.align(4);
    this.need(4);
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }

  private text(length: number): string {
    this.need(length + 1);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length + 1;
    return text;
  }

  read(type: string): DbusValue {
    const code = type[0];
    switch (code) {
      case "y":
        return this.u8();
      case "b":
        return this.u32() !== 0;
      case "n":
      case "q": {
        this.align(2);
        this.need(2);
        const value = code === "n" ? this.view.getInt16(this.at, true) : this.view.getUint16(this.at, true);
        this.at += 2;
        return value;
      }
      case "u":
      case "h":
        return this.u32();
      case "i": {
        this.align(4);
        this.need(4);
        const value = this.view.getInt32(this.at, true);
        this.at += 4;
        return value;
      }
      case "t":
      case "x":
      case "d": {
        this.align(8);
        this.need(8);
        const value = code === "t" ? this.view.getBigUint64(this.at, true) : code === "x" ? this.view.getBigInt64(this.at, true) : this.view.getFloat64(this.at, true);
        this.at += 8;
        return value;
      }
      case "s":
      case "o":
        return this.text(this.u32());
      case "g":
        return this.text(this.u8());
      case "v": {
        const signature = this.read("g") as string;
        const types = splitSignature(signature);
        if (types.length !== 1) throw new Error(`D-Bus variant with signature "${signature}"`);
        if (++this.depth > MAX_NESTING) throw new Error("D-Bus variants nest too deep");
        try {
          return variant(signature, this.read(signature));
        } finally {
          this.depth -= 1;
        }
      }
      case "a": {
        const element = type.slice(1);
        const length = this.u32();
        if (length > MAX_MESSAGE) throw new Error("D-Bus array longer than a message");
        this.align(alignmentOf(element));
        const end = this.at + length;
        this.need(length);
        if (element === "y") {
          const bytes = this.bytes.slice(this.at, end);
          this.at = end;
          return bytes;
        }
        const items: DbusValue[] = [];
        while (this.at < end) {
          const before = this.at;
          items.push(this.read(element));
          if (this.at === before) throw new Error("D-Bus array element of no size");
        }
        if (this.at !== end) throw new Error("D-Bus array's elements overrun its length");
        return items;
      }
      case "(":
      case "{": {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((member) => this.read(member));
      }
      default:
        throw new Error(`D-Bus type ${type} is not read here`);
    }
  }
}

/** A method call or signal as bytes on the wire. */
export function encodeMessage(message: Omit<Message, "signature"> & { signature?: string }): Uint8Array {
  const signature = message.signature ?? "";
  const body = new Writer();
  const types = splitSignature(signature);
  for (const [index, type] of types.entries()) body.write(type, message.body[index] as DbusValue);
  const fields: DbusValue[] = [];
  const field = (code: number, type: string, value: string | number | undefined) => {
    if (value !== undefined) fields.push([code, variant(type, value)]);
  };
  field(FIELD.path, "o", message.path);
  field(FIELD.interface, "s", message.interface);
  field(FIELD.member, "s", message.member);
  field(FIELD.errorName, "s", message.errorName);
  field(FIELD.replySerial, "u", message.replySerial);
  field(FIELD.destination, "s", message.destination);
  if (signature !== "") field(FIELD.signature, "g", signature);
  const head = new Writer();
  head.u8("l".charCodeAt(0));
  head.u8(message.type);
  head.u8(0);
  head.u8(1);
  head.u32(body.length);
  head.u32(message.serial);
  head.write("a(yv)", fields);
  head.align(8);
  head.raw(body.result());
  return head.result();
}

/** How many bytes the message that starts `bytes` takes; undefined until its fixed header has arrived. */
export function messageLength(bytes: Uint8Array): number | undefined {
  if (bytes.length < 16) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === "l".charCodeAt(0);
  if (!little && bytes[0] !== "B".charCodeAt(0)) throw new Error("D-Bus message with an unknown byte order");
  const bodyLength = view.getUint32(4, little);
  const fieldsLength = view.getUint32(12, little);
  const total = 16 + fieldsLength + ((8 - (fieldsLength % 8)) % 8) + bodyLength;
  if (total > MAX_MESSAGE) throw new Error("D-Bus message longer than the specification allows");
  return total;
}

/** One whole message (little-endian: the bus daemon sends every message in its sender's order, and ours). */
export function decodeMessage(bytes: Uint8Array): Message {
  if (bytes[0] !== "l".charCodeAt(0)) throw new Error("D-Bus message in big-endian order, which is not read here");
  const reader = new Reader(bytes);
  reader.u8();
  const type = reader.u8() as MessageType;
  reader.u8();
  reader.u8();
  reader.u32();
  const serial = reader.u32();
  const fields = new Map<number, DbusValue>();
  for (const [code, value] of reader.read("a(yv)") as [number, Variant][]) fields.set(code, value.value);
  reader.align(8);
  const signature = (fields.get(FIELD.signature) as string | undefined) ?? "";
  const body = splitSignature(signature).map((member) => reader.read(member));
  const text = (code: number) => fields.get(code) as string | undefined;
  return {
    type,
    serial,
    path: text(FIELD.path),
    interface: text(FIELD.interface),
    member: text(FIELD.member),
    errorName: text(FIELD.errorName),
    replySerial: fields.get(FIELD.replySerial) as number | undefined,
    destination: text(FIELD.destination),
    sender: text(FIELD.sender),
    signature,
    body,
  };
}

/** A dictionary (a{sv}, a{ss}, a{o…}) as a Map. */
export function dictionary(value: DbusValue): Map<string, DbusValue> {
  return new Map((value as [string, DbusValue][]).map(([key, entry]) => [key, entry]));
}

/** A variant's value, or the value itself. */
export function unwrap(value: DbusValue | undefined): DbusValue | undefined {
  return typeof value === "object" && value !== null && !(value instanceof Uint8Array) && !Array.isArray(value) ? value.value : value;
}
