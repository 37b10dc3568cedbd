import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sessionBusPath } from "../../src/dbus/dbusConnection.ts";
import { decodeMessage, encodeMessage, MessageType, messageLength, splitSignature, variant } from "../../src/dbus/dbusWire.ts";
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
