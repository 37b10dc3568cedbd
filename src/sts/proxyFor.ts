import type { Env } from "../environment.ts";
/**
 * The proxy for one request URL as botocore chooses it (urllib's environment rules): `https_proxy` for an
 * https URL, `http_proxy` for an http one, either case of the name (lower case wins when both are set), no
 * proxy when `no_proxy` lists the host (`*`, an exact name, or a domain suffix; leading dots and ports ignored).
 * A proxy given without a scheme is http://. "" means a direct connection.
 */
export function proxyFor(url: string, env: Env): string {
  const { protocol, hostname, host } = new URL(url);
  const scheme = protocol.replace(/:$/, "");
  if (scheme !== "http" && scheme !== "https") return "";
  const proxy = variable(env, `${scheme}_proxy`);
  if (!proxy || bypasses(hostname.replace(/^\[|\]$/g, "").toLowerCase(), host.toLowerCase(), variable(env, "no_proxy"))) return "";
  if (/^https?:/i.test(proxy)) return proxy;
  return proxy.startsWith("//") ? `http:${proxy}` : `http://${proxy}`;
}

/** The lower-case name wins when it is set at all: `https_proxy=` (empty) turns HTTPS_PROXY off, as in urllib. */
function variable(env: Env, lowerName: string): string | undefined {
  const lower = env[lowerName];
  if (lower !== undefined) return lower || undefined;
  return env[lowerName.toUpperCase()] || undefined;
}

function bypasses(hostOnly: string, hostWithPort: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  if (noProxy.trim() === "*") return true;
  for (const entry of noProxy.split(",")) {
    const name = entry.trim().replace(/^\.+/, "").toLowerCase();
    if (name === "") continue;
    if (hostOnly === name || hostWithPort === name) return true;
    if (hostOnly.endsWith(`.${name}`) || hostWithPort.endsWith(`.${name}`)) return true;
  }
  return false;
}
