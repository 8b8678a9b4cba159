import { describe, expect, it } from 'vitest';
import {
  conditionMatches,
  isConditionPattern,
  rankRunbooks,
  type Candidate,
  type Facets,
} from '../../server/modules/runbooks/matching.ts';

const runbook = (title: string, tags: Partial<Omit<Candidate, 'id' | 'title'>>): Candidate => ({
  id: `id-${title}`,
  title,
  deviceKinds: [],
  profiles: [],
  conditions: [],
  categories: [],
  ...tags,
});
const facets = (given: Partial<Facets>): Facets => ({
  deviceKinds: [],
  profiles: [],
  conditions: [],
  categories: [],
  ...given,
});
const titles = (ranked: Array<{ runbook: Candidate }>) => ranked.map((r) => r.runbook.title);

describe('condition patterns', () => {
  it.each([
    ['raid.status', 'raid.status', true],
    ['raid.status', 'raid.status[0]', true],
    ['raid.status', 'raid.status[controller 1]', true],
    ['raid.status', 'raid.status_pct', false],
    ['raid.status', 'raid', false],
    ['raid.status[0]', 'raid.status[0]', true],
    ['raid.status[0]', 'raid.status[1]', false],
    ['raid.status[0]', 'raid.status', false],
    ['trap.link_down*', 'trap.link_down', true],
    ['trap.link_down*', 'trap.link_down[3]', true],
    ['trap.link_down*', 'trap.link_up', false],
    ['volume.*', 'volume.used_pct[/]', true],
    ['volume.used_pct[/Volumes/*', 'volume.used_pct[/Volumes/Media Drive]', true],
    ['volume.used_pct[/Volumes/*', 'volume.used_pct[/]', false],
    ['check.http', 'check.http', true],
    ['unreachable', 'unreachable', true],
    ['unreachable', 'no_data', false],
  ])("'%s' against '%s' is %s", (pattern, condition, expected) => {
    expect(conditionMatches(pattern, condition)).toBe(expected);
  });

  it.each([
    ['raid.status', true],
    ['raid.status[0]', true],
    ['trap.link_down*', true],
    ['volume.used_pct[/Volumes/Media Drive]', true],
    ['volume.used_pct[/Volumes/*', true],
    ['raid status', false],
    ['raid.status]', false],
    ['raid.status[0', false],
    ['*', false],
    ['raid.*.status', false],
    ['trap**', false],
    ['', false],
  ])("'%s' is a pattern: %s", (pattern, expected) => {
    expect(isConditionPattern(pattern)).toBe(expected);
  });
});

describe('ranking runbooks', () => {
  const book = {
    degraded: runbook('MegaRAID degraded array', {
      deviceKinds: ['raid'],
      profiles: ['megaraid'],
      conditions: ['raid.status'],
      categories: ['storage'],
    }),
    synologyRaid: runbook('Synology volume degraded', {
      deviceKinds: ['storage'],
      profiles: ['synology'],
      conditions: ['raid.status'],
      categories: ['storage'],
    }),
    storageGeneral: runbook('Storage first steps', {
      deviceKinds: ['raid', 'storage'],
      profiles: ['megaraid', 'synology', 'nexis'],
      categories: ['storage'],
    }),
    links: runbook('Switch port down', {
      deviceKinds: ['switch'],
      conditions: ['trap.link_down*'],
      categories: ['network'],
    }),
    sound: runbook('No audio in the mix suite', { categories: ['sound'] }),
    untagged: runbook('Untagged notes', {}),
  };
  const all = Object.values(book);

  it('puts a condition match above any number of other facets', () => {
    const ranked = rankRunbooks(
      all,
      facets({
        deviceKinds: ['raid'],
        profiles: ['megaraid'],
        conditions: ['raid.status[0]'],
        categories: ['storage'],
      }),
    );
    expect(ranked.map((r) => [r.runbook.title, r.score, r.matched])).toEqual([
      ['MegaRAID degraded array', 7, ['condition', 'profile', 'deviceKind', 'category']],
      ['Synology volume degraded', 5, ['condition', 'category']],
      ['Storage first steps', 3, ['profile', 'deviceKind', 'category']],
    ]);
  });

  it('ranks by how many facets match when no condition is given', () => {
    const ranked = rankRunbooks(all, facets({ profiles: ['synology'], categories: ['storage'] }));
    expect(titles(ranked)).toEqual([
      'Storage first steps',
      'Synology volume degraded',
      'MegaRAID degraded array',
    ]);
    expect(ranked.map((r) => r.score)).toEqual([2, 2, 1]);
  });

  it('counts a facet once however many of its values match', () => {
    const [first] = rankRunbooks(
      [book.storageGeneral],
      facets({ profiles: ['megaraid', 'synology', 'nexis'] }),
    );
    expect(first?.score).toBe(1);
  });

  it('prefers an exact condition pattern to a prefix, and a longer prefix to a shorter', () => {
    const ranked = rankRunbooks(
      [
        runbook('a: any trap', { conditions: ['trap.*'] }),
        runbook('b: link down, exact', { conditions: ['trap.link_down'] }),
        runbook('c: link traps', { conditions: ['trap.link*'] }),
      ],
      facets({ conditions: ['trap.link_down[3]'] }),
    );
    expect(titles(ranked)).toEqual(['b: link down, exact', 'c: link traps', 'a: any trap']);
  });

  it('breaks remaining ties by title', () => {
    const ranked = rankRunbooks(
      [runbook('Zebra', { categories: ['sound'] }), runbook('Alpha', { categories: ['sound'] })],
      facets({ categories: ['sound'] }),
    );
    expect(titles(ranked)).toEqual(['Alpha', 'Zebra']);
  });

  it('leaves out runbooks that match nothing, and all of them when nothing is asked', () => {
    expect(titles(rankRunbooks(all, facets({ conditions: ['trap.link_down[7]'] })))).toEqual([
      'Switch port down',
    ]);
    expect(rankRunbooks(all, facets({ conditions: ['unreachable'] }))).toEqual([]);
    expect(rankRunbooks(all, facets({}))).toEqual([]);
  });

  it('stops at the limit', () => {
    expect(titles(rankRunbooks(all, facets({ categories: ['storage'] }), 2))).toEqual([
      'MegaRAID degraded array',
      'Storage first steps',
    ]);
  });
});
