/**
 * Xray component ids (`npm://lodash:4.17.19`, `gav://org:name:1.0`,
 * `deb://debian:buster:pkg:1.2`, `generic://sha256:<sha>/<name>`): parsed for templates
 * and, for webhooks, rebuilt from `pkg_type` + `display_name` so a pushed violation gets
 * the same identity as the pulled one.
 */
export interface ComponentParts {
  packageType: string;
  name: string;
  version: string;
}

export function parseComponentId(id: string): ComponentParts {
  const sep = id.indexOf('://');
  const packageType = sep >= 0 ? id.slice(0, sep) : '';
  const rest = sep >= 0 ? id.slice(sep + 3) : id;
  // Generic components are named by checksum and file name, not name:version.
  const generic = /^sha(1|256):[0-9a-f]+\/(.+)$/i.exec(rest);
  if (generic) return { packageType, name: generic[2] ?? rest, version: '' };
  const colon = rest.lastIndexOf(':');
  if (colon < 0) return { packageType, name: rest, version: '' };
  return { packageType, name: rest.slice(0, colon), version: rest.slice(colon + 1) };
}

/** Webhook `pkg_type` (any case) → component id prefix. */
const PREFIX_BY_PKG_TYPE: Readonly<Record<string, string>> = {
  debian: 'deb',
  npm: 'npm',
  maven: 'gav',
  pypi: 'pypi',
  docker: 'docker',
  go: 'go',
  nuget: 'nuget',
  gem: 'gem',
  rubygems: 'gem',
  rpm: 'rpm',
  alpine: 'alpine',
  generic: 'generic',
  composer: 'composer',
  conan: 'conan',
  cargo: 'cargo',
  conda: 'conda',
  cran: 'cran',
};

function componentPrefix(pkgType: string): string {
  const lower = pkgType.trim().toLowerCase();
  return PREFIX_BY_PKG_TYPE[lower] ?? lower;
}

/**
 * `Debian` + `debian:buster:libssl1.1:1.1.1d-0` → `deb://debian:buster:libssl1.1:1.1.1d-0`.
 * A Generic file named plainly (`ant-1.9.4.jar`) with a sha256 becomes
 * `generic://sha256:<sha>/<name>`, the way Get Violations writes generic components
 * (§1.3); a display name already in that form is kept.
 */
export function componentIdFromPayload(file: { pkg_type?: string; display_name?: string; name?: string; sha256?: string }): string {
  const prefix = componentPrefix(file.pkg_type ?? '');
  const display = file.display_name || file.name || '';
  if (prefix === 'generic' && !/^sha(1|256):/i.test(display) && file.sha256) return `generic://sha256:${file.sha256}/${file.name || display}`;
  if (!display) return '';
  return prefix ? `${prefix}://${display}` : display;
}
