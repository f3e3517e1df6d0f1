/**
 * Dockerfiles found in a filesystem scan (a project checkout). Images carry
 * no Dockerfile, so this runs on `fs` targets only.
 *
 * The analyzer sees one file at a time, so it cannot tell whether a
 * .dockerignore sits next to the Dockerfile: the BH-DF-033 check runs when a
 * caller passes `hasDockerignore` to `scanDockerfile` (the `dockerfile` command does).
 */
import { isBulkheadError } from '../../core/errors.js';
import type { Analyzer } from '../../inventory/analyzer.js';
import { basename } from '../../inventory/analyzer.js';
import { MAX_DOCKERFILE_CHARS } from './document.js';
import { scanDockerfile } from './scan.js';

/** `Dockerfile.<x>` files that are not Dockerfiles: templates, docs, ignore files, backups. */
const NOT_DOCKERFILE_SUFFIX =
  /\.(dockerignore|md|markdown|rst|txt|adoc|j2|jinja2?|tmpl|tpl|template|in|erb|mustache|hbs|gotmpl|bak|orig|rej|swp|patch|diff|json|ya?ml|toml|sh|bash|ps1|py|rb|go|js|ts|lock|sum|sig|asc|sha256)$/;

/** True for Dockerfile, Containerfile, Dockerfile.<variant> and <name>.Dockerfile (any case). */
export function isDockerfileName(name: string): boolean {
  const lower = name.toLowerCase();
  if (lower === 'dockerfile' || lower === 'containerfile') return true;
  if (lower.endsWith('.dockerfile') || lower.endsWith('.containerfile')) return true;
  if ((lower.startsWith('dockerfile.') || lower.startsWith('containerfile.')) && !NOT_DOCKERFILE_SUFFIX.test(lower)) return true;
  return false;
}

export const dockerfileAnalyzer: Analyzer = {
  id: 'dockerfile',
  version: 1,
  description: 'Dockerfile checks (BH-DF-*): user, base images, package managers, secrets, shell commands, syntax',
  targets: ['fs'],
  scanner: 'misconfig',
  maxBytes: MAX_DOCKERFILE_CHARS,
  wants: (path) => {
    const i = path.lastIndexOf('/');
    // Cheap prefilter before the full name test: the name mentions dockerfile or containerfile.
    return /(docker|container)file/i.test(path.slice(i + 1)) && isDockerfileName(basename(path));
  },
  analyze({ path, content }) {
    try {
      const { findings, warnings } = scanDockerfile(content.toString('utf8'), path);
      return { findings, warnings };
    } catch (e) {
      if (isBulkheadError(e)) return { warnings: [e.describe()] };
      return { warnings: [`${path}: not checked: ${e instanceof Error ? e.message : String(e)}`] };
    }
  },
};
