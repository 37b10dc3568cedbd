/** Where the fallback session name comes from; tests substitute their own. */
export interface SessionNameSources {
  fullName(): string | undefined;
  userName(): string | undefined;
  hostName(): string | undefined;
  platform: string;
  arch: string;
}

/**
 * The RoleSessionName used when the profile sets none, so CloudTrail shows who assumed the role:
 * full name, else user name, else host name, else `os_arch`, each cleaned to what STS accepts.
 */
export function defaultRoleSessionName(sources: SessionNameSources): string {
  for (const candidate of [sources.fullName, sources.userName, sources.hostName]) {
    const cleaned = cleanSessionName(safely(candidate));
    if (cleaned !== undefined) return cleaned;
  }
  return cleanSessionName(`${sources.platform}_${sources.arch}`) ?? "vegas-credentials";
}

/** Keeps what STS accepts ([\w+=,.@-], 2–64 characters): accents dropped, spaces become dots. */
export function cleanSessionName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const cleaned = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .trim()
    .replace(/\s+/g, ".")
    .replace(/[^\w+=,.@-]/g, "")
    .slice(0, 64);
  return cleaned.length >= 2 ? cleaned : undefined;
}

function safely(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
