import { buildInfo } from "../buildInfo.ts";
import type { CommandArgs } from "./commandArgs.ts";
import { emoji, isTruthy, outputStyle, paint } from "../output/outputStyle.ts";
import type { Reporter } from "../output/reporter.ts";
import { renderTable } from "../output/table.ts";
import { closeNames } from "../config/closeNames.ts";
import { type ConfigFile, readConfigFile } from "../config/readConfigFile.ts";
import { homeFolder, requireHome } from "../files/homeFolder.ts";
import { joinPath } from "../files/joinPath.ts";
import { KEYS_FILE } from "../keys/openKeyStore.ts";
import { printableLine, printableText } from "../output/printableText.ts";
import { isUserError, UserError } from "../userError.ts";
import { takeInventory } from "./cacheInventory.ts";
import { describeCleaning, entriesToClean } from "./cacheClean.ts";
import { inventoryJson, inventoryTable } from "./cacheList.ts";
import { describeDialog, describeFile, describeOsKeyStore, describeYkman, type Place, pathOf, places, terminalAvailable } from "./configList.ts";
import { describeProfile } from "./showProfile.ts";

export interface CommandContext {
  readonly env: Record<string, string | undefined>;
  readonly reporter: Reporter;
  /** Where the command's output goes (stdout in the binary). */
  readonly print: (text: string) => void;
  /** Whether that output is a terminal (colour only there). */
  readonly printsToTerminal: boolean;
  readonly version: string;
  readonly now?: () => Date;
}

/** Runs every command but `assume`: the wiring (yargs) hands over the parsed options, this does the work. */
export async function runCommand(args: CommandArgs, context: CommandContext): Promise<void> {
  const { env, print } = context;
  const home = homeFolder(env);
  const where = places(env, home);
  const style = outputStyle(args, env, context.printsToTerminal);
  const now = context.now?.() ?? new Date();
  switch (args.command) {
    case "version":
      print(args.options.full === true ? versionLines().join("\n") : buildInfo.version);
      return;
    case "info":
      print([`vegas-credentials ${buildInfo.version}: assume MFA-protected AWS roles from credential_process, with an encrypted cache`, ...versionLines().slice(1), ...placeLines(where)].join("\n"));
      return;
    case "cache list": {
      const items = await takeInventory(pathOf(where.cacheFolder), readConfigIfThere(where.configFile), env, now);
      print(args.options.json === true ? inventoryJson(items, now) : inventoryTable(items, pathOf(where.cacheFolder), now, style));
      return;
    }
    case "cache clean": {
      const config = readConfigIfThere(where.configFile);
      const items = await takeInventory(pathOf(where.cacheFolder), config, env, now);
      const choice = cleanChoice(args.options);
      if (choice.profile !== undefined && !config?.profiles.has(choice.profile) && !items.some((item) => item.profile === choice.profile)) {
        const close = config === undefined ? [] : closeNames(choice.profile, config.profiles.keys());
        const hint = close.length > 0 ? ` (did you mean ${close.map((name) => `"${name}"`).join(", ")}?)` : "";
        throw new UserError(`cache clean --profile: "${choice.profile}" is not a profile in ${pathOf(where.configFile)} and nothing in the cache is for it${hint}`);
      }
      const chosen = entriesToClean(items, choice, config);
      const fs = require("node:fs") as typeof import("node:fs");
      const removed = [];
      const failed = [];
      for (const item of chosen) {
        try {
          fs.rmSync(item.file, { force: true });
          // The note of the last failed fetch for this entry goes with it.
          fs.rmSync(item.file.replace(/\.entry$/, ".failed"), { force: true });
          removed.push(item);
        } catch {
          failed.push(item);
        }
      }
      // Notes of failed fetches and locks no run holds go with a clean of everything (or of everything expired).
      const everyKind = choice.profile === undefined && !choice.credential && !choice.session && !choice.password;
      const leftovers = everyKind ? (await import("../cache/removeLeftovers.ts")).removeLeftovers(pathOf(where.cacheFolder)) : 0;
      print(`${emoji(style, removed.length + leftovers > 0 ? "🧹" : "✨")}${describeCleaning(removed, failed, pathOf(where.cacheFolder), leftovers)}`);
      if (failed.length > 0) throw new UserError(`could not remove ${failed.length} of the chosen entries: check the permissions of ${pathOf(where.cacheFolder)}`);
      return;
    }
    case "config list": {
      const rows = configListRows(where, env, args.gui && !isTruthy(env.VEGAS_CREDENTIALS_NO_GUI));
      // Each source profile whose key is in a store: which store, and what it holds.
      const config = readConfigIfThere(where.configFile);
      const stored = [...(config?.profiles ?? [])].flatMap(([name, settings]) => (settings.vegas_keys === "os" || settings.vegas_keys === "file" ? [{ source: name, store: settings.vegas_keys as "os" | "file" }] : []));
      if (stored.length > 0) {
        const { storedKeyRow } = await import("./keysCommand.ts");
        const state = typeof where.stateFolder === "string" ? where.stateFolder : undefined;
        for (const keys of stored) {
          const row = await storedKeyRow(keys, { env, gui: args.gui, stateFolder: state }, now);
          rows.push([printableLine(`key of ${keys.source}`), `vegas_keys = ${keys.store}: ${row.value === "none" || row.value === "unknown" ? row.from : `${row.value} ${row.from}`}`]);
        }
      }
      print(renderTable(["WHAT", "WHERE"], rows, style));
      return;
    }
    case "config show-profile": {
      const description = describeProfile(readConfigFile(pathOf(where.configFile)), String(args.options.profile), env);
      const lines = [printableLine(`profile ${description.name} in ${description.file}`), ""];
      const rows = [...description.rows];
      if (description.keyStore !== undefined) {
        const { storedKeyRow } = await import("./keysCommand.ts");
        rows.push(await storedKeyRow(description.keyStore, { env, gui: args.gui, stateFolder: typeof where.stateFolder === "string" ? where.stateFolder : undefined }, now));
      }
      if (rows.length > 0) lines.push(renderTable(["SETTING", "VALUE", "FROM"], rows.map((row) => [row.key, row.value || "-", row.from]), style), "");
      if (description.checksum !== undefined) lines.push(`checksum: ${description.checksum}`);
      lines.push(description.problems.length === 0 ? `${emoji(style, "✅")}problems: none` : `${emoji(style, "❌")}${paint(style, "red", `problems (${description.problems.length}):`)}`);
      for (const problem of description.problems) lines.push(`  - ${printableLine(problem)}`);
      print(lines.join("\n"));
      if (description.problems.length > 0) throw new UserError(`profile "${description.name}" has ${description.problems.length} ${description.problems.length === 1 ? "problem" : "problems"} (listed above)`);
      return;
    }
    case "config import": {
      const profile = typeof args.options.profile === "string" ? args.options.profile : undefined;
      const all = args.options.all === true;
      if ((profile === undefined) === !all) throw new UserError("config import: name one profile with -p NAME, or give --all", 2);
      const { importAwsCliProfiles } = await import("./configImport.ts");
      print(await importAwsCliProfiles(pathOf(where.configFile), { profile, all, dryRun: args.options["dry-run"] === true }, process.execPath, env));
      return;
    }
    case "config add": {
      const text = (name: string) => (typeof args.options[name] === "string" ? (args.options[name] as string) : undefined);
      const { addRoleProfile } = await import("./configAdd.ts");
      const written = await addRoleProfile(
        pathOf(where.configFile),
        {
          profile: String(args.options.profile),
          roleArn: String(args.options["role-arn"]),
          sourceProfile: String(args.options["source-profile"]),
          mfaSerial: text("mfa-serial"),
          region: text("region"),
          durationSeconds: text("duration-seconds"),
          roleSessionName: text("role-session-name"),
          externalId: text("external-id"),
        },
        process.execPath,
        env,
      );
      print(written.trimEnd());
      return;
    }
    case "keys list":
    case "keys add":
    case "keys import":
    case "keys remove":
    case "keys rotate": {
      const keys = await import("./keysCommand.ts");
      const text = (name: string) => (typeof args.options[name] === "string" ? (args.options[name] as string) : undefined);
      const place = {
        env,
        configFile: pathOf(where.configFile),
        credentialsFile: typeof where.credentialsFile === "string" ? where.credentialsFile : undefined,
        stateFolder: typeof where.stateFolder === "string" ? where.stateFolder : undefined,
        cacheFolder: typeof where.cacheFolder === "string" ? where.cacheFolder : undefined,
        gui: args.gui && !isTruthy(env.VEGAS_CREDENTIALS_NO_GUI),
        reporter: context.reporter,
        now,
      };
      if (args.command === "keys import" && (text("from") !== undefined || args.options.all === true || args.options["remove-source"] === true)) {
        if (text("from") === undefined) throw new UserError("keys import: --all and --remove-source go with --from aws-vault or --from granted", 2);
        const { text: done, failures } = await keys.importFromOtherTool(place, text("from") ?? "", { profile: text("profile"), all: args.options.all === true, removeSource: args.options["remove-source"] === true, store: text("store"), home });
        // Names from outside (folders, labels, the other store's own words) never reach the terminal as escapes.
        if (done !== "") print(printableText(done));
        for (const failure of failures) console.error(printableLine(`vegas-credentials: ${failure}`));
        if (failures.length > 0) throw new UserError(`keys import --from ${text("from")}: ${failures.length} of the keys could not be imported (each line above says why; the others were)`);
        return;
      }
      if (args.command !== "keys list" && args.options.profile === undefined) throw new UserError("Missing required argument: profile (see vegas-credentials --help)", 2);
      const profile = String(args.options.profile);
      if (args.command === "keys add") print(await keys.addKey(place, profile, { stdin: args.options.stdin === true, store: text("store") }));
      else if (args.command === "keys import") print(await keys.importKey(place, profile, { store: text("store") }));
      else if (args.command === "keys remove") print(await keys.removeKey(place, profile, { yes: args.options.yes === true, store: text("store") }));
      else if (args.command === "keys rotate") print(await keys.rotateKey(place, profile));
      else {
        const { rows, problems } = await keys.listKeys(place);
        print(args.options.json === true ? JSON.stringify(keys.keysJson(rows), null, 2) : keys.keysTable(rows, problems, style));
      }
      return;
    }
    case "doctor": {
      if (args.options.secrets === true) {
        const { secretsReport } = await import("./doctor.ts");
        const { text, found } = secretsReport({ home: requireHome(home, "the home folder"), cwd: process.cwd(), credentialsFile: typeof where.credentialsFile === "string" ? where.credentialsFile : undefined, configFile: typeof where.configFile === "string" ? where.configFile : undefined, env }, now, style);
        print(text);
        if (found > 0) throw new UserError(`doctor --secrets: ${found} plaintext AWS secret${found === 1 ? "" : "s"} found (each line says how to move it)`, 1);
        return;
      }
      const { runDoctor, doctorReport } = await import("./doctor.ts");
      const profile = typeof args.options.profile === "string" ? args.options.profile : undefined;
      const checks = await runDoctor({ env, gui: args.gui && !isTruthy(env.VEGAS_CREDENTIALS_NO_GUI), reporter: context.reporter, binary: process.execPath, now }, profile);
      print(doctorReport(checks, style));
      const failures = checks.filter((check) => check.status === "fail").length;
      if (failures > 0) throw new UserError(`doctor: ${failures} of ${checks.length} checks failed (see the lines marked FAIL, each with its fix)`, 1);
      return;
    }
    case "exec":
      // main runs a well-formed exec itself; what reaches here is a command line it could not read.
      throw new UserError(`exec needs --profile NAME, then the command after --: ${"vegas-credentials"} exec -p NAME -- COMMAND [ARGS…]`, 2);
    default:
      throw new Error(`no such command: ${args.command}`);
  }
}

function versionLines(): string[] {
  return [
    `vegas-credentials ${buildInfo.version}`,
    `commit:   ${buildInfo.commit}`,
    `built:    ${buildInfo.buildDate}`,
    `platform: ${process.platform}-${process.arch}`,
    `bun:      ${Bun.version}`,
  ];
}

function placeLines(where: ReturnType<typeof places>): string[] {
  const shown = (place: Place) => printableLine(typeof place === "string" ? place : `unknown: ${place.unknown}`);
  return [`config:   ${shown(where.configFile)}`, `cache:    ${shown(where.cacheFolder)}`, `log:      ${shown(where.logFile)}`];
}

function configListRows(where: ReturnType<typeof places>, env: Record<string, string | undefined>, gui: boolean): string[][] {
  return [
    ["config file", describeFile(where.configFile)],
    ["credentials file", describeFile(where.credentialsFile)],
    ["cache folder", describeFile(where.cacheFolder)],
    ["state folder", describeFile(where.stateFolder)],
    ["log file", describeFile(where.logFile)],
    ["terminal", terminalAvailable() ? "available (/dev/tty)" : "none: the MFA code can come only from a dialog or a YubiKey"],
    ["dialog", describeDialog(env, gui)],
    ["ykman", describeYkman(env)],
    ["keystore (os)", describeOsKeyStore(env)],
    ["keys file", typeof where.stateFolder === "string" ? describeFile(joinPath(where.stateFolder, KEYS_FILE)) : describeFile(where.stateFolder)],
  ];
}

function cleanChoice(options: Readonly<Record<string, unknown>>) {
  return {
    credential: options.credential === true,
    session: options.session === true,
    password: options.password === true,
    profile: typeof options.profile === "string" ? options.profile : undefined,
    expired: options.expired === true,
  };
}

/** The config, or undefined when there is none (the cache can still be listed and cleaned). */
function readConfigIfThere(path: Place): ConfigFile | undefined {
  try {
    return readConfigFile(pathOf(path));
  } catch (error) {
    if (isUserError(error)) return undefined;
    throw error;
  }
}
