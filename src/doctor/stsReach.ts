import type { Env } from "../environment.ts";
import { awsFetch } from "../sts/awsFetch.ts";
import { proxyFor } from "../sts/proxyFor.ts";
import { type Check, failed, ok, skipped, warned } from "./check.ts";

/** MFA codes are valid for about 30 s either side, and SigV4 signatures for 5 minutes: past a minute, things fail. */
export const MAX_CLOCK_SKEW_SECONDS = 60;
const REACH_DEADLINE_MS = 8_000;

/** What one unsigned request to STS showed: how it went (directly or through a proxy) and STS's clock. */
export interface StsReach {
  readonly endpointUrl: string;
  /** The proxy the request went through ("" directly), its password hidden. */
  readonly proxy: string;
  /** Milliseconds this machine's clock is ahead of STS's (negative: behind); undefined when STS sent no Date. */
  readonly skewMs: number | undefined;
  readonly problem?: string;
}

/**
 * One unsigned GET to the STS endpoint, as the tool's own calls go (botocore's proxy rules, AWS_CA_BUNDLE,
 * a deadline): any answer at all proves the way there, and its Date header is STS's clock. The skew is measured
 * against the middle of the round trip; the header's one-second steps bound what it can tell.
 */
export async function reachSts(endpointUrl: string, env: Env): Promise<StsReach> {
  const proxy = hidePassword(proxyFor(endpointUrl, env));
  const sent = Date.now();
  let response: Response;
  try {
    response = await awsFetch()(endpointUrl, { method: "GET", signal: AbortSignal.timeout(REACH_DEADLINE_MS) });
  } catch (error) {
    const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name ?? "";
    const why = code === "TimeoutError" ? `no answer within ${REACH_DEADLINE_MS / 1000} s` : code || (error instanceof Error ? error.message : String(error));
    return { endpointUrl, proxy, skewMs: undefined, problem: why };
  }
  const received = Date.now();
  await response.body?.cancel().catch(() => {});
  const date = Date.parse(response.headers.get("date") ?? "");
  return { endpointUrl, proxy, skewMs: Number.isNaN(date) ? undefined : (sent + received) / 2 - date };
}

/** The network line: STS reached, directly or through the proxy the environment names, or why not. */
export function networkCheck(reach: StsReach, env: Env): Check {
  const name = `network to ${reach.endpointUrl}`;
  const via = reach.proxy === "" ? "directly" : `through the proxy ${reach.proxy}`;
  if (reach.problem === undefined) return ok(name, `STS answers ${via}`);
  if (reach.proxy !== "") {
    const scheme = new URL(reach.endpointUrl).protocol === "http:" ? "HTTP_PROXY" : "HTTPS_PROXY";
    return failed(name, `STS cannot be reached ${via} (${reach.problem})`, `check ${scheme}/${scheme.toLowerCase()}, or list the host in NO_PROXY if it is reached directly`);
  }
  const proxies = proxyVariables(env);
  return failed(name, `STS cannot be reached directly (${reach.problem})`, proxies === "" ? "check the network, or set HTTPS_PROXY if the way out is through a proxy" : "check the network, and NO_PROXY, which sends this host around the proxy");
}

/** The clock line: within a minute of STS's, or how far off, and how to fix it. */
export function clockCheck(reach: StsReach): Check {
  const name = "clock";
  if (reach.problem !== undefined) return skipped(name, `not compared: STS at ${reach.endpointUrl} was not reached`);
  if (reach.skewMs === undefined) return warned(name, `not compared: STS at ${reach.endpointUrl} sent no Date header`);
  const seconds = Math.round(reach.skewMs / 1000);
  const off = `${describeSeconds(Math.abs(seconds))} ${seconds > 0 ? "ahead of" : "behind"} STS's`;
  if (Math.abs(seconds) <= 1) return ok(name, `this machine's clock agrees with STS's (${reach.endpointUrl}) to the second`);
  if (Math.abs(seconds) <= MAX_CLOCK_SKEW_SECONDS) return ok(name, `this machine's clock is ${off}, within the minute MFA codes and signatures allow`);
  return failed(name, `this machine's clock is ${off}: MFA codes and request signatures fail on it`, "set the clock right (timedatectl set-ntp true; on Windows: Settings > Time > Sync now), then run again");
}

/** The proxy variables that are set, passwords hidden: for the line that says what was used. */
export function proxyVariables(env: Env): string {
  return ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]
    .filter((name) => env[name] !== undefined && env[name] !== "")
    .map((name) => `${name}=${hidePassword(env[name] ?? "")}`)
    .join(" ");
}

/**
 * A proxy URL's password is never shown: everything between the first ":" of the user part and the last "@"
 * of the authority (a password may hold "@" or "/" itself, as URL parsers take it) becomes ***.
 */
export function hidePassword(url: string): string {
  const schemeEnd = url.indexOf("://");
  const start = schemeEnd >= 0 ? schemeEnd + 3 : 0;
  const at = url.lastIndexOf("@");
  if (at < start) return url;
  const colon = url.indexOf(":", start);
  if (colon < 0 || colon > at) return url;
  return `${url.slice(0, colon)}:***${url.slice(at)}`;
}

function describeSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${Math.round(seconds / 86_400)} days`;
}
