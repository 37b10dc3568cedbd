import { describe, expect, test } from "bun:test";
import { proxyFor } from "../../src/sts/proxyFor.ts";

describe("proxyFor, as botocore picks a proxy from the environment", () => {
  test.each([
    ["https uses HTTPS_PROXY", "https://sts.amazonaws.com/", { HTTPS_PROXY: "http://proxy:3128" }, "http://proxy:3128"],
    ["https uses https_proxy", "https://sts.amazonaws.com/", { https_proxy: "http://proxy:3128" }, "http://proxy:3128"],
    ["lower case wins over upper case", "https://sts.amazonaws.com/", { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:2" }, "http://lower:1"],
    ["http uses HTTP_PROXY, not HTTPS_PROXY", "http://127.0.0.1:5000/", { HTTP_PROXY: "http://p:1", HTTPS_PROXY: "http://q:2" }, "http://p:1"],
    ["https ignores HTTP_PROXY", "https://sts.amazonaws.com/", { HTTP_PROXY: "http://p:1" }, ""],
    ["no variable, no proxy", "https://sts.amazonaws.com/", {}, ""],
    ["a proxy without a scheme is http", "https://sts.amazonaws.com/", { HTTPS_PROXY: "proxy:3128" }, "http://proxy:3128"],
    ["credentials in the proxy URL are kept", "https://sts.amazonaws.com/", { HTTPS_PROXY: "http://user:pw@proxy:3128" }, "http://user:pw@proxy:3128"],
    ["NO_PROXY=* bypasses everything", "https://sts.amazonaws.com/", { HTTPS_PROXY: "http://p:1", NO_PROXY: "*" }, ""],
    ["an exact host", "https://sts.amazonaws.com/", { HTTPS_PROXY: "http://p:1", no_proxy: "sts.amazonaws.com" }, ""],
    ["a domain suffix", "https://sts.eu-west-1.amazonaws.com/", { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com, amazonaws.com" }, ""],
    ["a leading dot is ignored", "https://sts.amazonaws.com/", { HTTPS_PROXY: "http://p:1", NO_PROXY: ".amazonaws.com" }, ""],
    ["a suffix matches whole labels only", "https://sts.notamazonaws.com/", { HTTPS_PROXY: "http://p:1", NO_PROXY: "amazonaws.com" }, "http://p:1"],
    ["host with port", "http://127.0.0.1:5000/", { HTTP_PROXY: "http://p:1", NO_PROXY: "127.0.0.1:5000" }, ""],
    ["host without its port", "http://127.0.0.1:5000/", { HTTP_PROXY: "http://p:1", NO_PROXY: "127.0.0.1" }, ""],
    ["case of the host", "https://STS.AmazonAWS.com/", { HTTPS_PROXY: "http://p:1", NO_PROXY: "amazonaws.COM" }, ""],
    ["an empty lower-case variable turns the upper-case one off", "https://sts.amazonaws.com/", { https_proxy: "", HTTPS_PROXY: "http://p:1" }, ""],
    ["localhost is not bypassed unless listed", "http://localhost:5000/", { HTTP_PROXY: "http://p:1" }, "http://p:1"],
  ])("%s", (_name, url, env, expected) => {
    expect(proxyFor(url, env as Record<string, string>)).toBe(expected);
  });
});
