/**
 * The Chrome DevTools protocol, as much as the browser tests need: a headless Debian Chromium started by the
 * binary (through a wrapper that adds the headless flags and a debugging port on 127.0.0.1), found by the
 * DevToolsActivePort file it writes into its user-data folder, then read and driven page by page.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const CHROMIUM = "/usr/bin/chromium";
const WAIT_MS = 20_000;

/**
 * A `chromium-headless` program in `folder` for vegas_browser: Debian's Chromium, headless, as root without its
 * sandbox, with none of the background traffic this machine's closed network refuses, debuggable on 127.0.0.1.
 */
export function headlessChromiumWrapper(folder: string): string {
  const path = join(folder, "chromium-headless");
  const flags = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1000,700",
  ];
  writeFileSync(path, `#!/bin/sh\nprintf '%s\\n' "$@" > "${folder}/chromium-argv-$$"\nexec ${CHROMIUM} ${flags.join(" ")} "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** The browser running on a user-data folder, reached over its debugging port. */
export class DevTools {
  private constructor(
    readonly port: number,
    private readonly browserPath: string,
  ) {}

  /** Waits for the browser on `userDataFolder` to be up (its DevToolsActivePort file, then an answer). */
  static async of(userDataFolder: string): Promise<DevTools> {
    const file = join(userDataFolder, "DevToolsActivePort");
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if (existsSync(file)) {
        const [port, path] = readFileSync(file, "utf8").split("\n");
        if (port && path) {
          const tools = new DevTools(Number(port), path);
          if ((await tools.pages().catch(() => undefined)) !== undefined) return tools;
        }
      }
      if (Date.now() > deadline) throw new Error(`no browser answered on ${userDataFolder} within ${WAIT_MS / 1000} s`);
      await Bun.sleep(100);
    }
  }

  async pages(): Promise<{ id: string; url: string; webSocketDebuggerUrl: string }[]> {
    const list = (await (await fetch(`http://127.0.0.1:${this.port}/json/list`, { signal: AbortSignal.timeout(5_000) })).json()) as { type: string; id: string; url: string; webSocketDebuggerUrl: string }[];
    return list.filter((target) => target.type === "page");
  }

  /** The page whose URL matches, once there is one. */
  async page(url: RegExp): Promise<Page> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = (await this.pages()).find((page) => url.test(page.url));
      if (found !== undefined) return Page.open(found.webSocketDebuggerUrl);
      if (Date.now() > deadline) throw new Error(`no page at ${url} within ${WAIT_MS / 1000} s: ${(await this.pages()).map((page) => page.url).join(", ")}`);
      await Bun.sleep(100);
    }
  }

  /** Every cookie in this browser's jar. */
  async cookies(): Promise<{ name: string; value: string; domain: string }[]> {
    const browser = await Page.open(`ws://127.0.0.1:${this.port}${this.browserPath}`);
    try {
      return ((await browser.send("Storage.getCookies")) as { cookies: { name: string; value: string; domain: string }[] }).cookies;
    } finally {
      browser.close();
    }
  }

  /**
   * Closes the browser as a person would (its cookies written to disk) and waits until no process of it is
   * left; its DevToolsActivePort goes too, so that the next browser on the folder is the one waited for.
   */
  async close(userDataFolder: string): Promise<void> {
    const browser = await Page.open(`ws://127.0.0.1:${this.port}${this.browserPath}`).catch(() => undefined);
    await browser?.send("Browser.close").catch(() => {});
    browser?.close();
    const deadline = Date.now() + WAIT_MS;
    while (browserProcesses(userDataFolder).length > 0) {
      if (Date.now() > deadline) {
        for (const pid of browserProcesses(userDataFolder)) process.kill(pid, "SIGKILL");
        throw new Error(`the browser on ${userDataFolder} did not end`);
      }
      await Bun.sleep(100);
    }
    rmSync(join(userDataFolder, "DevToolsActivePort"), { force: true });
  }
}

/** The processes of the browser running on a user-data folder (read from /proc: the binary started them detached). */
export function browserProcesses(userDataFolder: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").includes(`--user-data-dir=${userDataFolder}`)) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** One page (or the browser itself) over its WebSocket. */
export class Page {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.waiting.get(message.id);
      if (waiter === undefined || message.id === undefined) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
  }

  static open(url: string): Promise<Page> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`no DevTools connection to ${url}`)), 5_000);
      socket.addEventListener("open", () => {
        clearTimeout(timer);
        resolve(new Page(socket));
      });
      socket.addEventListener("error", () => reject(new Error(`DevTools connection to ${url} failed`)));
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 10_000);
      this.waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async text(): Promise<string> {
    const result = (await this.send("Runtime.evaluate", { expression: "document.body ? document.body.innerText : ''", returnByValue: true })) as { result: { value: string } };
    return result.result.value;
  }

  /** Waits until the page's text matches (the page may still be loading or redirecting). */
  async waitForText(pattern: RegExp): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const text = await this.text().catch(() => "");
      if (pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`the page never showed ${pattern}; it shows: ${text.slice(0, 300)}`);
      await Bun.sleep(100);
    }
  }

  async navigate(url: string): Promise<void> {
    await this.send("Page.navigate", { url });
  }

  /** A PNG of what the page shows. */
  async screenshot(path: string): Promise<void> {
    const { data } = (await this.send("Page.captureScreenshot", { format: "png" })) as { data: string };
    writeFileSync(path, Buffer.from(data, "base64"));
  }

  close(): void {
    this.socket.close();
  }
}
