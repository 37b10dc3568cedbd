import type { RoleProfile } from "../config/roleProfile.ts";
import { UserError } from "../userError.ts";
import type { Env } from "../environment.ts";

/**
 * Carries the vegas-credentials profiles being resolved to child processes: when a source profile's
 * credentials come from a credential_process that runs this tool again, the SDK spawns it with our
 * environment, and a profile that shows up twice means a loop that would spawn without end.
 */
export const PROFILE_CHAIN_VARIABLE = "VEGAS_CREDENTIALS_PROFILE_CHAIN";
const MAX_DEPTH = 8;

/** Refuses a profile that a parent run is already resolving, or a chain deeper than any sane setup. */
export function checkProfileChain(profile: RoleProfile, env: Env): void {
  const chain = profileChain(env);
  if (chain.includes(profile.name)) {
    const loop = [...chain.slice(chain.indexOf(profile.name)), profile.name].join(" → ");
    throw new UserError(
      `profile "${profile.name}": its source profile "${profile.source.name}" gets credentials by running vegas-credentials for it again (${loop}): give "${profile.source.name}" its own keys or SSO instead of that credential_process`,
    );
  }
  if (chain.length >= MAX_DEPTH) {
    throw new UserError(`profile "${profile.name}": source profiles run vegas-credentials ${chain.length} deep (${chain.join(" → ")}): shorten that chain`);
  }
}

/** The environment that child processes (the SDK's credential_process of the source profile) inherit. */
export function extendProfileChain(profile: RoleProfile, env: Record<string, string | undefined>): void {
  env[PROFILE_CHAIN_VARIABLE] = JSON.stringify([...profileChain(env), profile.name]);
}

function profileChain(env: Env): string[] {
  const value = env[PROFILE_CHAIN_VARIABLE];
  if (value === undefined || value === "") return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === "string") : [];
  } catch {
    return [];
  }
}
