import { and, asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import {
  calibrationTemplates,
  type StepTemplate,
  workOrders,
  type CalibrationKind,
  type CalibrationReading,
} from '../../db/schema/index.ts';
import { Invalid, NotFound } from '../../errors.ts';
import { recordAudit } from '../audit/repository.ts';
import type { Actor } from '../auth/principal.ts';
import { serialize } from '../serialize.ts';

export function listTemplates(db: Db) {
  return db
    .select()
    .from(calibrationTemplates)
    .orderBy(asc(calibrationTemplates.kind), asc(calibrationTemplates.name));
}

export async function getTemplate(db: Db, id: string) {
  const [row] = await db.select().from(calibrationTemplates).where(eq(calibrationTemplates.id, id));
  if (!row) throw new NotFound(`calibration template ${id} does not exist`);
  return row;
}

export interface TemplateInput {
  name: string;
  kind: CalibrationKind;
  description?: string;
  readings: CalibrationReading[];
}

function checkedReadings(readings: CalibrationReading[]): CalibrationReading[] {
  if (readings.length === 0)
    throw new Invalid('body.readings: a calibration records at least one reading');
  const keys = new Set<string>();
  return readings.map((r, i) => {
    if (r.tolerance < 0)
      throw new Invalid(
        `body.readings[${i}].tolerance: ${r.tolerance} is negative; give ± as a size`,
      );
    if (keys.has(r.key)) throw new Invalid(`body.readings[${i}].key: '${r.key}' is listed twice`);
    keys.add(r.key);
    return {
      key: r.key,
      label: r.label.trim() || r.key,
      nominal: r.nominal,
      tolerance: r.tolerance,
      unit: r.unit ?? '',
    };
  });
}

export async function createTemplate(db: Db, actor: Actor, input: TemplateInput) {
  const name = input.name.trim();
  if (name === '') throw new Invalid('body.name: a template needs a name');
  const [row] = await db
    .insert(calibrationTemplates)
    .values({
      name,
      kind: input.kind,
      description: (input.description ?? '').trim(),
      readings: checkedReadings(input.readings),
      updatedBy: actor.label,
    })
    .returning();
  await recordAudit(db, actor, {
    action: 'create',
    entity: 'calibration-template',
    entityId: row!.id,
    before: null,
    after: row,
  });
  return row!;
}

export async function updateTemplate(
  db: Db,
  actor: Actor,
  id: string,
  patch: Partial<TemplateInput>,
) {
  return db.transaction(async (tx) => {
    const before = await getTemplate(tx, id);
    const values = {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
      ...(patch.readings !== undefined ? { readings: checkedReadings(patch.readings) } : {}),
    };
    if (values.name === '') throw new Invalid('body.name: a template needs a name');
    const [row] = await tx
      .update(calibrationTemplates)
      .set({ ...values, updatedBy: actor.label, updatedAt: new Date() })
      .where(eq(calibrationTemplates.id, id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'update',
      entity: 'calibration-template',
      entityId: id,
      before,
      after: row,
    });
    return row!;
  });
}

/**
 * A device's finished calibrations, oldest first, each reading against its nominal and tolerance:
 * the dashboard draws one drift line per reading key.
 */
export async function deviceHistory(db: Db, deviceId: string) {
  const rows = await db
    .select()
    .from(workOrders)
    .where(
      and(
        eq(workOrders.deviceId, deviceId),
        isNotNull(workOrders.calibrationTemplateId),
        eq(workOrders.status, 'done'),
      ),
    )
    .orderBy(desc(workOrders.completedAt))
    .limit(500);
  return rows.reverse().map((r) => ({
    workOrderId: r.id,
    number: r.number,
    templateId: r.calibrationTemplateId,
    completedAt: serialize(r).completedAt,
    completedBy: r.completedBy,
    passed: r.passed,
    readings: r.steps
      .filter((s) => s.kind === 'number' && s.key)
      .map((s) => ({
        key: s.key!,
        label: s.label,
        value: s.value,
        nominal: s.nominal,
        tolerance: s.tolerance,
        unit: s.unit,
        ok: s.ok,
      })),
  }));
}

/** A template's readings as required number steps, keyed so the drift chart can follow them. */
export async function templateSteps(db: Db, id: string, field: string): Promise<StepTemplate[]> {
  const [template] = await db
    .select()
    .from(calibrationTemplates)
    .where(eq(calibrationTemplates.id, id));
  if (!template) throw new Invalid(`${field}: no calibration template with id ${id}`);
  return template.readings.map((r) => ({
    label: r.label,
    kind: 'number' as const,
    nominal: r.nominal,
    tolerance: r.tolerance,
    unit: r.unit,
    required: true,
    key: r.key,
  }));
}
