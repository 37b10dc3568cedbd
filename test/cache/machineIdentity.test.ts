import { describe, expect, test } from "bun:test";
import { type MachineIdSources, machineIdentity } from "../../src/cache/machineIdentity.ts";
import { uuidText } from "../../src/files/hostUuid.ts";
import { fromWideString, wideString } from "../../src/files/windowsMachineGuid.ts";

/** A platform with nothing to read; each test gives what its platform has. */
function sources(platform: NodeJS.Platform, more: Partial<MachineIdSources> = {}): MachineIdSources {
  return {
    platform,
    readBytes: () => undefined,
    hostUuid: (): string => {
      throw new Error("only macOS asks for the host UUID");
    },
    machineGuid: (): string => {
      throw new Error("only Windows asks the registry");
    },
    user: () => "501",
    ...more,
  };
}

const files = (map: Record<string, string | Uint8Array>) => (path: string) => {
  const value = map[path];
  return typeof value === "string" ? new TextEncoder().encode(value) : value;
};

describe("machineIdentity", () => {
  test("linux: /etc/machine-id, else dbus's, else the hostid (binary: in hex)", () => {
    expect(machineIdentity(sources("linux", { readBytes: files({ "/etc/machine-id": "0123456789abcdef0123456789abcdef\n" }) }))).toBe("machine=0123456789abcdef0123456789abcdef;user=501");
    expect(machineIdentity(sources("linux", { readBytes: files({ "/etc/machine-id": "\n", "/var/lib/dbus/machine-id": "fedcba9876543210fedcba9876543210" }) }))).toBe(
      "machine=fedcba9876543210fedcba9876543210;user=501",
    );
    expect(machineIdentity(sources("linux", { readBytes: files({ "/etc/hostid": new Uint8Array([0x0a, 0x00, 0x7f, 0xa8, 0, 0, 0, 1]) }) }))).toBe("machine=0a007fa800000001;user=501");
    // glibc's hostid is 4 bytes, which may all be printable: still its bytes in hex.
    expect(machineIdentity(sources("linux", { readBytes: files({ "/etc/hostid": new Uint8Array([0x41, 0x42, 0x43, 0x44]) }) }))).toBe("machine=41424344;user=501");
  });

  test("darwin: the host UUID, with no program started", () => {
    expect(machineIdentity(sources("darwin", { hostUuid: () => "564D8D2C-9A1B-4C3D-8E7F-0123456789AB" }))).toBe("machine=564D8D2C-9A1B-4C3D-8E7F-0123456789AB;user=501");
  });

  test("win32: MachineGuid from the registry", () => {
    expect(machineIdentity(sources("win32", { machineGuid: () => "6c4a2b3e-1f2d-4e5f-8a9b-0c1d2e3f4a5b", user: () => "frank@SANDS" }))).toBe("machine=6c4a2b3e-1f2d-4e5f-8a9b-0c1d2e3f4a5b;user=frank@SANDS");
  });

  test.each([
    ["linux", {}, "/etc/machine-id or /var/lib/dbus/machine-id or /etc/hostid", "systemd-machine-id-setup"],
    ["darwin", { hostUuid: () => undefined }, "the host UUID (gethostuuid)", "version --full"],
    ["win32", { machineGuid: () => undefined }, "MachineGuid in HKLM\\SOFTWARE\\Microsoft\\Cryptography", "reg query"],
    ["win32", { machineGuid: () => "x y" }, "MachineGuid in HKLM\\SOFTWARE\\Microsoft\\Cryptography", "reg query"],
  ] as [NodeJS.Platform, Partial<MachineIdSources>, string, string][])("%s with no readable id: one line naming where it looked, never the host name", (platform, more, where, fix) => {
    const read = () => machineIdentity(sources(platform, more));
    expect(read).toThrow(`cannot read this machine's id from ${where}, which keys the cache: `);
    expect(read).toThrow(fix);
  });
});

describe("uuidText (gethostuuid's bytes)", () => {
  test("as ioreg shows IOPlatformUUID: upper-case 8-4-4-4-12", () => {
    const bytes = Uint8Array.from([0x56, 0x4d, 0x8d, 0x2c, 0x9a, 0x1b, 0x4c, 0x3d, 0x8e, 0x7f, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab]);
    expect(uuidText(bytes)).toBe("564D8D2C-9A1B-4C3D-8E7F-0123456789AB");
  });

  test("all zeros or the wrong size is no UUID", () => {
    expect(uuidText(new Uint8Array(16))).toBeUndefined();
    expect(uuidText(new Uint8Array(15).fill(1))).toBeUndefined();
  });
});

describe("UTF-16 for the registry", () => {
  test("a NUL-terminated wide string, and back", () => {
    expect(Array.from(wideString("Ab"))).toEqual([0x41, 0, 0x62, 0, 0, 0]);
    expect(fromWideString(wideString("6c4a2b3e-1f2d"))).toBe("6c4a2b3e-1f2d");
    expect(fromWideString(new Uint8Array([0, 0, 0x41, 0]))).toBeUndefined();
  });
});
