import { covers } from '../../../probes/profiles/rules.ts';

/** What a ticket or a fault is about; each list may be empty. */
export interface Facets {
  deviceKinds: string[];
  profiles: string[];
  conditions: string[];
  categories: string[];
}

export type Facet = 'condition' | 'profile' | 'deviceKind' | 'category';

/**
 * A condition names the very fault a runbook was written for, so a condition match outweighs a
 * match on every other facet together; among equals, more matching facets rank higher.
 */
export const facetWeights: Record<Facet, number> = {
  condition: 4,
  profile: 1,
  deviceKind: 1,
  category: 1,
};

/**
 * Whether a runbook's condition pattern matches a condition: `raid.status` matches `raid.status`
 * and each instance of it (`raid.status[0]`), as a threshold rule does; a trailing `*` matches
 * any condition that starts with what comes before it (`trap.link_down*`).
 */
export function conditionMatches(pattern: string, condition: string): boolean {
  if (pattern.endsWith('*')) return condition.startsWith(pattern.slice(0, -1));
  return covers(pattern, condition);
}

/**
 * A condition or reading name with no spaces outside its instance brackets (a mount path may
 * hold one), and at most one `*`, at the very end, which may fall inside the brackets
 * (`volume.used_pct[/Volumes/*`).
 */
export const isConditionPattern = (pattern: string) =>
  /^(?:[^\s*[\]]|\[[^\]*]*\])+(?:\*|\[[^\]*]*\*)?$/.test(pattern);

/** How closely a pattern matches: exact and instance matches first, then longer prefixes. */
function specificity(pattern: string): number {
  return pattern.endsWith('*') ? pattern.length - 1 : Number.MAX_SAFE_INTEGER;
}

export interface Candidate {
  id: string;
  title: string;
  deviceKinds: string[];
  profiles: string[];
  conditions: string[];
  categories: string[];
}

export interface Ranked<T> {
  runbook: T;
  score: number;
  /** The facets that matched, weightiest first. */
  matched: Facet[];
}

const overlaps = (a: string[], b: string[]) => a.some((value) => b.includes(value));

/**
 * The runbooks that match at least one facet, best first: by score, then by how specific the
 * best condition pattern is, then by title. At most `limit`.
 */
export function rankRunbooks<T extends Candidate>(
  runbooks: readonly T[],
  facets: Facets,
  limit = Number.POSITIVE_INFINITY,
): Array<Ranked<T>> {
  const ranked: Array<Ranked<T> & { specificity: number }> = [];
  for (const runbook of runbooks) {
    const matched: Facet[] = [];
    let best = -1;
    for (const pattern of runbook.conditions) {
      if (facets.conditions.some((condition) => conditionMatches(pattern, condition)))
        best = Math.max(best, specificity(pattern));
    }
    if (best >= 0) matched.push('condition');
    if (overlaps(runbook.profiles, facets.profiles)) matched.push('profile');
    if (overlaps(runbook.deviceKinds, facets.deviceKinds)) matched.push('deviceKind');
    if (overlaps(runbook.categories, facets.categories)) matched.push('category');
    if (matched.length === 0) continue;
    const score = matched.reduce((sum, facet) => sum + facetWeights[facet], 0);
    ranked.push({ runbook, score, matched, specificity: best });
  }
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      b.specificity - a.specificity ||
      a.runbook.title.localeCompare(b.runbook.title, 'en') ||
      (a.runbook.id < b.runbook.id ? -1 : a.runbook.id > b.runbook.id ? 1 : 0),
  );
  return ranked.slice(0, limit).map(({ runbook, score, matched }) => ({ runbook, score, matched }));
}
