import { FileError } from "../files/fileError.ts";
import { proxyFor } from "./proxyFor.ts";

const PROXY_VARIABLES = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];
let proxyVariables: Record<string, string | undefined> | undefined;

/**
 * fetch for AWS's endpoints (STS, the console's sign-in): the proxy botocore would pick (proxyFor), the
 * certificates of AWS_CA_BUNDLE when it is set, and no redirects (a request that carries credentials or a
 * single-use code is never sent on to another host).
 */
export function awsFetch(): (request: Request | string, init?: RequestInit) => Promise<Response> {
  const trusted = caBundle(process.env);
  const proxyEnv = proxySettings();
  return (request, init) => {
    const proxy = proxyFor(typeof request === "string" ? request : request.url, proxyEnv);
    // Options Bun's fetch takes only beside the Request (a Request drops them).
    const options = { ...init, redirect: "manual", ...(proxy === "" ? {} : { proxy }), ...(trusted === undefined ? {} : { tls: { ca: trusted } }) } as RequestInit;
    return withoutProxyVariables(() => fetch(request, options));
  };
}

/**
 * Bun's fetch would also pick a proxy from the environment, by rules of its own: while a request is made,
 * proxyFor (botocore's rules) decides alone. The variables are back at once for anything run afterwards (a
 * source profile's credential_process).
 */
function withoutProxyVariables<T>(request: () => T): T {
  const saved = PROXY_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of PROXY_VARIABLES) delete process.env[name];
  try {
    return request();
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}

/** The proxy variables as the process got them (a second client, after the MFA session's, still sees them). */
function proxySettings(): Record<string, string | undefined> {
  proxyVariables ??= Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
  return proxyVariables;
}

/** AWS_CA_BUNDLE, as botocore takes it: the certificates to trust instead of the system's (a TLS-inspecting proxy). */
function caBundle(env: Record<string, string | undefined>): string | undefined {
  const path = env.AWS_CA_BUNDLE;
  if (!path) return undefined;
  try {
    return (require("node:fs") as typeof import("node:fs")).readFileSync(path, "utf8");
  } catch (error) {
    throw new FileError((error as { code?: string }).code ?? "EIO", path, "read AWS_CA_BUNDLE");
  }
}
