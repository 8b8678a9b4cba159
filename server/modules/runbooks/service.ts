import type { Db } from '../../db/client.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';
import { renderRunbook } from './markdown.ts';
import { isConditionPattern, rankRunbooks, type Facet, type Facets } from './matching.ts';
import * as repo from './repository.ts';

export type { Facets } from './matching.ts';

export interface RunbookInput {
  title: string;
  body?: string;
  deviceKinds?: string[];
  profiles?: string[];
  conditions?: string[];
  categories?: string[];
}

/** A runbook as the API gives it: its Markdown and the same rendered to safe HTML. */
export function view(row: repo.RunbookRow) {
  return { ...serialize(row), html: renderRunbook(row.body) };
}
export type RunbookView = ReturnType<typeof view>;

/** Trimmed, blanks refused by position, repeats dropped. */
function cleanList(values: string[], field: string): string[] {
  const out: string[] = [];
  for (const [i, raw] of values.entries()) {
    const value = raw.trim();
    if (value === '') throw new Invalid(`body.${field}.${i} is blank`);
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

function checked(input: Partial<RunbookInput>): Partial<repo.RunbookValues> {
  const out: Partial<repo.RunbookValues> = {};
  if (input.title !== undefined) {
    out.title = input.title.trim();
    if (out.title === '')
      throw new Invalid('body.title: give the runbook a title; it must not be blank');
  }
  if (input.body !== undefined) out.body = input.body;
  // Kinds, profiles and categories are checked against their vocabularies by the route schema.
  if (input.deviceKinds) out.deviceKinds = cleanList(input.deviceKinds, 'deviceKinds');
  if (input.profiles) out.profiles = cleanList(input.profiles, 'profiles');
  if (input.categories) out.categories = cleanList(input.categories, 'categories');
  if (input.conditions) {
    out.conditions = cleanList(input.conditions, 'conditions');
    for (const [i, pattern] of input.conditions.entries()) {
      if (!isConditionPattern(pattern.trim()))
        throw new Invalid(
          `body.conditions.${i}: '${pattern}' is not a condition pattern; give a condition or reading name such as raid.status (which also matches raid.status[0]), no spaces outside its brackets, with an optional trailing * for a prefix (trap.link_down*)`,
        );
    }
  }
  return out;
}

export async function listRunbooks(db: Db, q?: string) {
  const rows = await repo.listRunbooks(db, q?.trim() || undefined);
  return rows.map(view);
}

async function found(db: Db, id: string) {
  const row = await repo.getRunbook(db, id);
  if (!row) throw new NotFound(`runbook ${id} does not exist`);
  return row;
}

export async function getRunbook(db: Db, id: string) {
  return view(await found(db, id));
}

export async function createRunbook(db: Db, actor: Actor, input: RunbookInput) {
  const values = checked(input);
  const row = await db.transaction(async (tx) => {
    const created = await repo.insertRunbook(tx, {
      ...values,
      title: values.title ?? '',
      createdById: actor.id,
      createdBy: actor.label,
    });
    await recordAudit(tx, actor, {
      action: 'create',
      entity: 'runbook',
      entityId: created.id,
      after: serialize(created),
    });
    return created;
  });
  return view(row);
}

export async function updateRunbook(
  db: Db,
  actor: Actor,
  id: string,
  input: Partial<RunbookInput>,
) {
  const values = checked(input);
  const row = await db.transaction(async (tx) => {
    const before = await found(tx, id);
    const after = await repo.updateRunbook(tx, id, { ...values, updatedBy: actor.label });
    if (!after) throw new NotFound(`runbook ${id} does not exist`);
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'runbook',
      entityId: id,
      before: serialize(before),
      after: serialize(after),
    });
    return after;
  });
  return view(row);
}

export async function deleteRunbook(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const before = await found(tx, id);
    await repo.deleteRunbook(tx, id);
    await recordAudit(tx, actor, {
      action: 'delete',
      entity: 'runbook',
      entityId: id,
      before: serialize(before),
    });
  });
}

export type Suggestion = RunbookView & { score: number; matched: Facet[] };

const tidy = (values: readonly string[]) => [
  ...new Set(values.map((v) => v.trim()).filter((v) => v !== '')),
];

/**
 * The runbooks that fit what a ticket or fault is about, best first (see rankRunbooks): a
 * matching condition counts most, then each other facet that matches. Runbooks that match
 * nothing are left out.
 */
export async function suggestRunbooks(db: Db, facets: Facets, limit = 5): Promise<Suggestion[]> {
  const asked: Facets = {
    deviceKinds: tidy(facets.deviceKinds),
    profiles: tidy(facets.profiles),
    conditions: tidy(facets.conditions),
    categories: tidy(facets.categories),
  };
  if (limit < 1) return [];
  const rows = await repo.candidates(db, asked);
  return rankRunbooks(rows, asked, limit).map(({ runbook, score, matched }) => ({
    ...view(runbook),
    score,
    matched,
  }));
}
