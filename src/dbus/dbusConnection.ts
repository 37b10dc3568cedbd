import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { type DbusValue, decodeMessage, encodeMessage, type Message, MessageType, messageLength } from "./dbusWire.ts";

/** An error the other side answered with (org.freedesktop.DBus.Error.ServiceUnknown, …), or the bus itself. */
export class DbusError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

export interface MethodCall {
  readonly destination: string;
  readonly path: string;
  readonly interface: string;
  readonly member: string;
  readonly signature?: string;
  readonly body?: DbusValue[];
  /** Instead of the connection's deadline: for a call the other side may hold while it asks the person. */
  readonly timeoutMs?: number;
}

export interface DbusConnection {
  /** The reply's body; a DbusError for an error reply; rejects at the deadline. */
  call(call: MethodCall): Promise<DbusValue[]>;
  /** The next signal that matches, once it is subscribed (AddMatch, the bus checks the sender); rejects when `signal` aborts. */
  nextSignal(match: { sender: string; path: string; interface: string; member: string }, signal: AbortSignal): Promise<DbusValue[]>;
  close(): void;
}

const BUS = "org.freedesktop.DBus";

/**
 * The session bus as libdbus finds it: DBUS_SESSION_BUS_ADDRESS (its first unix: address), else the bus in
 * XDG_RUNTIME_DIR. Undefined when there is none to connect to.
 */
export function sessionBusPath(env: Record<string, string | undefined>): string | undefined {
  const address = env.DBUS_SESSION_BUS_ADDRESS;
  if (address !== undefined && address !== "") {
    for (const entry of address.split(";")) {
      const [transport, keys = ""] = entry.split(/:(.*)/s, 2);
      if (transport !== "unix") continue;
      const pairs = new Map(keys.split(",").map((pair) => pair.split(/=(.*)/s, 2) as [string, string]));
      const path = pairs.get("path");
      if (path !== undefined) return unescapeAddress(path);
      const abstract = pairs.get("abstract");
      if (abstract !== undefined) return `\0${unescapeAddress(abstract)}`;
    }
    return undefined;
  }
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime !== undefined && runtime !== "" && existsSync(`${runtime}/bus`) ? `${runtime}/bus` : undefined;
}

function unescapeAddress(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * Connects to the bus at `path`, authenticates as this user (EXTERNAL) and says Hello. Every call has
 * `deadlineMs`. The open connection keeps the process alive: close() it.
 */
export async function connectToBus(path: string, deadlineMs: number): Promise<DbusConnection> {
  const socket = createConnection({ path });
  const deadline = AbortSignal.timeout(deadlineMs);
  let buffer = new Uint8Array(0);
  let authenticated = false;
  let failure: Error | undefined;
  const waiting = new Map<number, { resolve: (body: DbusValue[]) => void; reject: (error: Error) => void }>();
  const signalWaiters = new Set<{ matches: (message: Message) => boolean; resolve: (body: DbusValue[]) => void; reject: (error: Error) => void }>();
  let lineWaiter: ((line: string) => void) | undefined;
  let serial = 0;

  const fail = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
    for (const { reject } of signalWaiters) reject(failure);
    lineWaiter?.("");
  };
  socket.on("error", (error) => fail(new DbusError("org.freedesktop.DBus.Error.NoServer", `cannot connect to the session bus: ${error.message}`)));
  socket.on("close", () => fail(new DbusError("org.freedesktop.DBus.Error.Disconnected", "the session bus closed the connection")));
  socket.on("data", (chunk: Buffer) => {
    const joined = new Uint8Array(buffer.length + chunk.length);
    joined.set(buffer);
    joined.set(chunk, buffer.length);
    buffer = joined;
    try {
      drain();
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
      socket.destroy();
    }
  });

  const drain = () => {
    if (!authenticated) {
      const end = buffer.indexOf(0x0a);
      if (end < 0) return;
      const line = new TextDecoder().decode(buffer.subarray(0, end)).replace(/\r$/, "");
      buffer = buffer.slice(end + 1);
      lineWaiter?.(line);
      return;
    }
    for (;;) {
      const length = messageLength(buffer);
      if (length === undefined || buffer.length < length) return;
      const message = decodeMessage(buffer.subarray(0, length));
      buffer = buffer.slice(length);
      if (message.type === MessageType.Signal) {
        for (const waiter of signalWaiters) if (waiter.matches(message)) waiter.resolve(message.body);
        continue;
      }
      const pending = message.replySerial === undefined ? undefined : waiting.get(message.replySerial);
      if (pending === undefined) continue;
      waiting.delete(message.replySerial as number);
      if (message.type === MessageType.Error) pending.reject(new DbusError(message.errorName ?? "org.freedesktop.DBus.Error.Failed", typeof message.body[0] === "string" ? message.body[0] : (message.errorName ?? "failed")));
      else pending.resolve(message.body);
    }
  };

  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      if (failure !== undefined) return reject(failure);
      const onAbort = () => reject(new DbusError("org.freedesktop.DBus.Error.Timeout", "the session bus did not answer in time"));
      deadline.addEventListener("abort", onAbort, { once: true });
      lineWaiter = (line) => {
        lineWaiter = undefined;
        deadline.removeEventListener("abort", onAbort);
        if (failure !== undefined) reject(failure);
        else resolve(line);
      };
    });

  const call = (request: MethodCall): Promise<DbusValue[]> => {
    if (failure !== undefined) return Promise.reject(failure);
    serial += 1;
    const own = serial;
    const bytes = encodeMessage({ type: MessageType.MethodCall, serial: own, destination: request.destination, path: request.path, interface: request.interface, member: request.member, signature: request.signature, body: request.body ?? [] });
    const timeoutMs = request.timeoutMs ?? deadlineMs;
    return new Promise<DbusValue[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(own);
        reject(new DbusError("org.freedesktop.DBus.Error.Timeout", `${request.destination} did not answer ${request.member} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      timer.unref?.();
      waiting.set(own, {
        resolve: (body) => {
          clearTimeout(timer);
          resolve(body);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      socket.write(bytes);
    });
  };

  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
    deadline.addEventListener("abort", () => reject(new Error(`no answer within ${deadlineMs / 1000} s`)), { once: true });
  }).catch((error: Error) => {
    socket.destroy();
    throw new DbusError("org.freedesktop.DBus.Error.NoServer", `cannot connect to the session bus: ${error.message}`);
  });
  try {
    const uid = typeof process.getuid === "function" ? process.getuid() : 0;
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString("hex")}\r\n`);
    const answer = await nextLine();
    if (!answer.startsWith("OK ")) throw new DbusError("org.freedesktop.DBus.Error.AuthFailed", "the session bus refused this user");
    socket.write("BEGIN\r\n");
    authenticated = true;
    drain();
    await call({ destination: BUS, path: "/org/freedesktop/DBus", interface: BUS, member: "Hello" });
  } catch (error) {
    socket.destroy();
    throw error;
  }

  return {
    call,
    async nextSignal(match, signal) {
      const rule = `type='signal',sender='${match.sender}',interface='${match.interface}',member='${match.member}',path='${match.path}'`;
      let resolveSignal: (body: DbusValue[]) => void = () => {};
      let rejectSignal: (error: Error) => void = () => {};
      const arrived = new Promise<DbusValue[]>((resolve, reject) => {
        resolveSignal = resolve;
        rejectSignal = reject;
      });
      arrived.catch(() => {});
      const waiter = { matches: (message: Message) => message.path === match.path && message.interface === match.interface && message.member === match.member, resolve: resolveSignal, reject: rejectSignal };
      signalWaiters.add(waiter);
      await call({ destination: BUS, path: "/org/freedesktop/DBus", interface: BUS, member: "AddMatch", signature: "s", body: [rule] });
      try {
        return await new Promise<DbusValue[]>((resolve, reject) => {
          const onAbort = () => reject(new DbusError("org.freedesktop.DBus.Error.Timeout", "no answer in time"));
          if (signal.aborted) return onAbort();
          signal.addEventListener("abort", onAbort, { once: true });
          arrived.then(
            (body) => {
              signal.removeEventListener("abort", onAbort);
              resolve(body);
            },
            (error: Error) => {
              signal.removeEventListener("abort", onAbort);
              reject(error);
            },
          );
        });
      } finally {
        signalWaiters.delete(waiter);
      }
    },
    close() {
      socket.destroy();
    },
  };
}
