import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { workOrderAttachments, workOrderEvents } from '../../db/schema/index.ts';
import { AppError, Invalid, NotFound } from '../../errors.ts';
import { serialize } from '../serialize.ts';
import { cleanFilename } from '../tickets/attachments.ts';
import type { Who } from '../tickets/service.ts';
import { found, mustPerform, recordStep } from './work-orders.ts';

/** What a photo step takes: the formats every browser shows in an <img>. */
export const photoTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof photoTypes)[number];

const extensions: Record<PhotoType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/**
 * The format the bytes themselves say, from their signature. The declared type alone is not
 * trusted: a photo is shown inline on the dashboard, so it must really be an image.
 */
function sniffPhoto(data: Uint8Array): PhotoType | null {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => data[at + i] === b);
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  // RIFF....WEBP
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return null;
}

/** The type a request declared, without parameters, if it is one a photo step takes. */
function declaredType(contentType: string): PhotoType {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (!(photoTypes as readonly string[]).includes(type))
    throw new AppError(
      415,
      `body: a photo must be ${photoTypes.join(', ')}; this file is ${type || 'of no stated type'}`,
    );
  return type as PhotoType;
}

export interface PhotoInput {
  filename?: string;
  contentType: string;
  data: Buffer;
}

/**
 * Stores a photo for a photo step and records the step as done with it. The step is recorded
 * through the same rules as any step (who may, and not once the work is finished), in the same
 * transaction as the bytes, so a refusal leaves nothing behind.
 */
export async function addStepPhoto(
  db: Db,
  who: Who,
  workOrderId: string,
  stepId: string,
  file: PhotoInput,
  now = new Date(),
) {
  const type = declaredType(file.contentType);
  if (file.data.length === 0) throw new Invalid('body: the photo is empty');
  const actual = sniffPhoto(file.data);
  if (actual !== type)
    throw new Invalid(
      `body: the file is not a ${extensions[type].toUpperCase()} image${actual ? ` (it is ${actual})` : ''}`,
    );
  const filename = file.filename
    ? cleanFilename(file.filename)
    : `${stepId}-${now.toISOString().slice(0, 10)}.${extensions[type]}`;
  return db.transaction(async (tx) => {
    const row = await found(tx, workOrderId, true);
    const step = row.steps.find((s) => s.id === stepId);
    if (step && step.kind !== 'photo')
      throw new Invalid(
        `params.stepId: step ${stepId} (${step.label}) is a ${step.kind} step; photos go on photo steps`,
      );
    // Refused before the photo's bytes are written; a closed work order or an unknown step is
    // refused by recordStep, and the transaction takes the bytes back.
    mustPerform(who, row, 'recording steps');
    const [attachment] = await tx
      .insert(workOrderAttachments)
      .values({
        workOrderId,
        stepId,
        filename,
        contentType: type,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        data: file.data,
        createdById: who.actor.id,
        createdBy: who.actor.label,
        createdAt: now,
      })
      .returning({
        id: workOrderAttachments.id,
        stepId: workOrderAttachments.stepId,
        filename: workOrderAttachments.filename,
        contentType: workOrderAttachments.contentType,
        size: workOrderAttachments.size,
        sha256: workOrderAttachments.sha256,
        createdBy: workOrderAttachments.createdBy,
        createdAt: workOrderAttachments.createdAt,
      });
    const { order } = await recordStep(
      tx,
      who,
      workOrderId,
      stepId,
      { result: 'pass', attachmentId: attachment!.id },
      now,
    );
    await tx.insert(workOrderEvents).values({
      workOrderId,
      kind: 'attachment',
      at: now,
      actorId: who.actor.id,
      actor: who.actor.label,
      text: `${step?.label ?? stepId}: photo ${filename} (${file.data.length} bytes)`,
      detail: { stepId, attachmentId: attachment!.id, filename, size: file.data.length },
    });
    return { order, attachment: serialize(attachment!) };
  });
}

export async function getPhoto(db: Db, workOrderId: string, id: string) {
  const [row] = await db
    .select()
    .from(workOrderAttachments)
    .where(and(eq(workOrderAttachments.workOrderId, workOrderId), eq(workOrderAttachments.id, id)));
  if (!row) throw new NotFound(`work order ${workOrderId} has no attachment ${id}`);
  return row;
}
