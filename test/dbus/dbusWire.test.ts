import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { sessionBusPath } from "../../src/dbus/dbusConnection.ts";
import { decodeMessage, encodeMessage, MessageType, messageLength, splitSignature, type Variant, variant } from "../../src/dbus/dbusWire.ts";
import { removeFolder, temporaryFolder } from "../support/temporaryFolder.ts";

describe("splitSignature", () => {
  test("complete types, nested", () => {
    expect(splitSignature("a{sv}(oayays)bao")).toEqual(["a{sv}", "(oayays)", "b", "ao"]);
    expect(splitSignature("aa{sa(ii)}t")).toEqual(["aa{sa(ii)}", "t"]);
    expect(splitSignature("")).toEqual([]);
  });
  test("malformed signatures throw", () => {
    expect(() => splitSignature("a")).toThrow(/ends inside a type/);
    expect(() => splitSignature("(ss")).toThrow(/ends inside a type/);
    expect(() => splitSignature("z")).toThrow(/unknown type code/);
  });
  test("what the specification forbids throws: empty structs, stray or odd dict entries, nesting past 32", () => {
    expect(() => splitSignature("a()")).toThrow(/empty struct/);
    expect(() => splitSignature("{sv}")).toThrow(/dict entry outside an array/);
    expect(() => splitSignature("a{vs}")).toThrow(/without a basic key/);
    expect(() => splitSignature("a{sss}")).toThrow(/other than two types/);
    expect(() => splitSignature(`${"a".repeat(33)}y`)).toThrow(/nests too deep/);
    expect(() => splitSignature(`${"(".repeat(33)}y${")".repeat(33)}`)).toThrow(/nests too deep/);
    expect(splitSignature(`${"a".repeat(32)}y`)).toHaveLength(1);
    expect(() => splitSignature("y".repeat(256))).toThrow(/longer than 255/);
  });
});

describe("messages", () => {
  test("a method call with the Secret Service's types comes back as it went", () => {
    const body = [
      [
        ["org.freedesktop.Secret.Item.Label", variant("s", "frank")],
        ["org.freedesktop.Secret.Item.Attributes", variant("a{ss}", [["profile", "frank"], ["xdg:schema", "org.freedesktop.Secret.Generic"]])],
      ],
      ["/org/freedesktop/secrets/session/1", new Uint8Array(), new TextEncoder().encode('{"Key":"frank"}'), "application/json"],
      true,
      [],
      18446744073709551615n,
    ];
    const bytes = encodeMessage({ type: MessageType.MethodCall, serial: 7, destination: "org.freedesktop.secrets", path: "/org/freedesktop/secrets/collection/awsvault", interface: "org.freedesktop.Secret.Collection", member: "CreateItem", signature: "a{sv}(oayays)baot", body });
    expect(messageLength(bytes)).toBe(bytes.length);
    const decoded = decodeMessage(bytes);
    expect(decoded).toMatchObject({ type: MessageType.MethodCall, serial: 7, destination: "org.freedesktop.secrets", member: "CreateItem", signature: "a{sv}(oayays)baot" });
    expect(decoded.body).toEqual(body);
  });

  test("the fixed header is as the specification lays it out: byte order, type, flags, version, body length, serial", () => {
    const bytes = encodeMessage({ type: MessageType.MethodCall, serial: 1, destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "Hello", body: [] });
    const view = new DataView(bytes.buffer);
    expect([bytes[0], bytes[1], bytes[2], bytes[3]]).toEqual(["l".charCodeAt(0), 1, 0, 1]);
    expect(view.getUint32(4, true)).toBe(0);
    expect(view.getUint32(8, true)).toBe(1);
    // The header fields end padded to 8, and nothing follows an empty body.
    expect(bytes.length % 8).toBe(0);
    expect(messageLength(bytes.subarray(0, 15))).toBeUndefined();
  });

  test("a truncated body, an array that overruns it, text that is not UTF-8 and a big-endian message are refused", () => {
    const bytes = encodeMessage({ type: MessageType.MethodReturn, serial: 2, replySerial: 1, signature: "as", body: [["one", "two"]] });
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 3))).toThrow(/ends inside a value/);
    const overrun = bytes.slice();
    const view = new DataView(overrun.buffer);
    const bodyStart = overrun.length - view.getUint32(4, true);
    view.setUint32(bodyStart, 1000, true);
    expect(() => decodeMessage(overrun)).toThrow(/ends inside a value/);
    const notUtf8 = bytes.slice();
    notUtf8[bodyStart + 8] = 0xff;
    expect(() => decodeMessage(notUtf8)).toThrow();
    const big = bytes.slice();
    big[0] = "B".charCodeAt(0);
    expect(() => decodeMessage(big)).toThrow(/big-endian/);
  });
});

test("a reply nesting variants past 64 is refused, not followed until the stack runs out", () => {
  let value: Variant = variant("s", "deep");
  for (let depth = 0; depth < 70; depth++) value = variant("v", value);
  const bytes = encodeMessage({ type: MessageType.MethodReturn, serial: 2, replySerial: 1, signature: "v", body: [value] });
  expect(() => decodeMessage(bytes)).toThrow(/variants nest too deep/);
});

describe("sessionBusPath", () => {
  test("the first unix address of DBUS_SESSION_BUS_ADDRESS, unescaped", () => {
    expect(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: "unix:path=/run/user/1000/bus" })).toBe("/run/user/1000/bus");
    expect(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: "tcp:host=localhost,port=1;unix:path=/tmp/my%20bus,guid=abc" })).toBe("/tmp/my bus");
    expect(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: "unix:abstract=/tmp/dbus-XYZ,guid=1" })).toBe("\0/tmp/dbus-XYZ");
    expect(sessionBusPath({ DBUS_SESSION_BUS_ADDRESS: "tcp:host=localhost,port=1" })).toBeUndefined();
  });
  test("else the bus in XDG_RUNTIME_DIR, when there is one", () => {
    const folder = temporaryFolder("bus-");
    try {
      expect(sessionBusPath({ XDG_RUNTIME_DIR: folder })).toBeUndefined();
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, "bus"), "");
      expect(sessionBusPath({ XDG_RUNTIME_DIR: folder })).toBe(join(folder, "bus"));
      expect(sessionBusPath({})).toBeUndefined();
    } finally {
      removeFolder(folder);
    }
  });
});

/**
 * Against libdbus itself: dbus-send connects to a bus of this test's own, takes our encoding of the bus's
 * Hello reply (libdbus drops a connection that sends it a malformed message), then sends a call whose bytes our
 * decoder must read as dbus-send meant them.
 */
test.skipIf(Bun.which("dbus-send") === null && process.env.CI !== "true")("reads what libdbus's dbus-send writes, and libdbus reads what we write", async () => {
  const folder = temporaryFolder("fake-bus-");
  const path = join(folder, "bus");
  const received: Uint8Array[] = [];
  const server = createServer((socket) => {
    let buffer = new Uint8Array(0);
    let authenticated = false;
    socket.on("data", (chunk: Buffer) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      while (!authenticated) {
        const end = buffer.indexOf(0x0a);
        if (end < 0) return;
        const line = new TextDecoder().decode(buffer.subarray(0, end)).replace(/^\0/, "").trim();
        buffer = buffer.slice(end + 1);
        if (line.startsWith("AUTH")) socket.write("OK 0123456789abcdef0123456789abcdef\r\n");
        else if (line === "NEGOTIATE_UNIX_FD") socket.write("ERROR\r\n");
        else if (line === "BEGIN") authenticated = true;
      }
      for (;;) {
        const length = messageLength(buffer);
        if (length === undefined || buffer.length < length) return;
        const message = decodeMessage(buffer.subarray(0, length));
        received.push(buffer.slice(0, length));
        buffer = buffer.slice(length);
        if (message.member === "Hello") socket.write(encodeMessage({ type: MessageType.MethodReturn, serial: 1, replySerial: message.serial, destination: ":1.7", signature: "s", body: [":1.7"] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    const sent = Bun.spawn(["dbus-send", "--session", "--type=method_call", "--dest=org.example.Test", "/org/example/Path", "org.example.Iface.Method", "string:hello", "array:string:a,b", "dict:string:string:k1,v1,k2,v2", "variant:uint64:7", "boolean:true", "objpath:/x", "byte:7", "int32:-5"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DBUS_SESSION_BUS_ADDRESS: `unix:path=${path}` },
      stderr: "pipe",
    });
    const timer = setTimeout(() => sent.kill(), 20_000);
    const exitCode = await sent.exited;
    clearTimeout(timer);
    expect(`${exitCode} ${await new Response(sent.stderr).text()}`).toBe("0 ");
    const call = decodeMessage(received[1] ?? new Uint8Array());
    expect(call).toMatchObject({ type: MessageType.MethodCall, path: "/org/example/Path", interface: "org.example.Iface", member: "Method", destination: "org.example.Test", signature: "sasa{ss}vboyi" });
    expect(call.body).toEqual(["hello", ["a", "b"], [["k1", "v1"], ["k2", "v2"]], variant("t", 7n), true, "/x", 7, -5]);
  } finally {
    server.close();
    removeFolder(folder);
  }
});
