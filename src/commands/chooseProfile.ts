import { configFilePath } from "../config/configFilePath.ts";
import { type ConfigFile, readConfigFile } from "../config/readConfigFile.ts";
import type { Env } from "../environment.ts";
import { homeFolder } from "../files/homeFolder.ts";
import { profileUsage } from "../log/profileUsage.ts";
import { stateFolderPath } from "../log/stateFolder.ts";
import { outputStyle } from "../output/outputStyle.ts";
import type { Choice } from "../picker/pickerScreen.ts";
import { pickChoice } from "../picker/pickChoice.ts";
import { UserError } from "../userError.ts";
import type { GlobalFlags } from "./commandArgs.ts";

/** What a command without --profile says where there is no terminal to pick one at (yargs' own line). */
export const PROFILE_MISSING = "Missing required argument: profile (see vegas-credentials --help)";

/**
 * exec, export, login and serve without --profile: the role profiles (those with vegas_role_arn) to pick from
 * at the terminal, most used first. Without a terminal, the line the command gives without --profile.
 */
export async function chooseProfile(flags: GlobalFlags, env: Env, now = new Date()): Promise<string> {
  const home = homeFolder(env);
  const config = readConfigFile(configFilePath(env, home));
  const choices = roleChoices(config, profileUsage(stateFolderPath(env, home), now));
  if (choices.length === 0) throw new UserError(`no role profile (one with vegas_role_arn) in ${config.path} to pick: add one with vegas-credentials config add, or name a profile with --profile`, 2);
  const outcome = await pickChoice(choices, "Role profile", outputStyle(flags, env, true).color);
  if ("picked" in outcome) return outcome.picked;
  if ("cancelled" in outcome) throw new UserError("no profile picked", 130);
  throw new UserError(PROFILE_MISSING, 2);
}

/** The role profiles, most used first (by the run log), then by name; each with its role and account. */
export function roleChoices(config: ConfigFile, usage: ReadonlyMap<string, number>): Choice[] {
  const choices = [...config.profiles]
    .filter(([, settings]) => settings.vegas_role_arn !== undefined && settings.vegas_role_arn !== "")
    .map(([name, settings]) => ({ name, detail: roleDetail(settings.vegas_role_arn ?? "") }));
  return choices.sort((a, b) => (usage.get(b.name) ?? 0) - (usage.get(a.name) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** `SingerRole @ 222222222222` from the role's ARN (the ARN itself when it is not one). */
function roleDetail(arn: string): string {
  const match = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return match === null ? arn : `${match[2]} @ ${match[1]}`;
}
