import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { ticketAttachments } from '../../db/schema/index.ts';
import { Forbidden, Invalid, NotFound } from '../../errors.ts';
import { serialize } from '../serialize.ts';
import * as repo from './repository.ts';
import { found, mustWork, type Who } from './service.ts';
import { isStaff } from './workflow.ts';

// A name is shown and offered back as a download name: no paths, no control characters, and no
// bidirectional overrides that would show `x\u202Egnp.exe` as an image's name.
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const unsafe = /[\u0000-\u001f\u007f/\\\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function cleanFilename(raw: string | undefined): string {
  const name = (raw ?? '').replace(unsafe, '_').trim();
  if (name === '' || name === '.' || name === '..')
    throw new Invalid('querystring.filename: name the file, e.g. ?filename=scope.png');
  return name.slice(0, 200);
}

export async function addAttachment(
  db: Db,
  who: Who,
  ticketId: string,
  file: { filename: string; contentType: string; data: Buffer },
  now = new Date(),
) {
  mustWork(who, 'attaching files');
  if (file.data.length === 0) throw new Invalid('body: the file is empty');
  const filename = cleanFilename(file.filename);
  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(file.contentType)
    ? file.contentType.toLowerCase()
    : 'application/octet-stream';
  return db.transaction(async (tx) => {
    const ticket = await found(tx, ticketId, true);
    const [row] = await tx
      .insert(ticketAttachments)
      .values({
        ticketId,
        filename,
        contentType,
        size: file.data.length,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        data: file.data,
        createdById: who.actor.id,
        createdBy: who.actor.label,
        createdAt: now,
      })
      .returning({
        id: ticketAttachments.id,
        filename: ticketAttachments.filename,
        contentType: ticketAttachments.contentType,
        size: ticketAttachments.size,
        sha256: ticketAttachments.sha256,
        createdBy: ticketAttachments.createdBy,
        createdAt: ticketAttachments.createdAt,
      });
    await repo.insertEvents(tx, [
      {
        ticketId,
        at: now,
        kind: 'attachment',
        actorId: who.actor.id,
        actor: who.actor.label,
        body: `${filename} (${file.data.length} bytes)`,
        data: { attachmentId: row!.id, filename, size: file.data.length },
      },
    ]);
    await repo.updateTicket(tx, ticket.id, {});
    return serialize(row!);
  });
}

export async function getAttachment(db: Db, ticketId: string, id: string) {
  const row = await repo.attachment(db, ticketId, id);
  if (!row) throw new NotFound(`ticket ${ticketId} has no attachment ${id}`);
  return row;
}

export async function deleteAttachment(db: Db, who: Who, ticketId: string, id: string) {
  await db.transaction(async (tx) => {
    const row = await getAttachment(tx, ticketId, id);
    if (!isStaff(who.role) && row.createdById !== who.actor.id)
      throw new Forbidden('only whoever attached a file, or an engineer, can remove it');
    await tx
      .delete(ticketAttachments)
      .where(and(eq(ticketAttachments.ticketId, ticketId), eq(ticketAttachments.id, id)));
    await repo.insertEvents(tx, [
      {
        ticketId,
        kind: 'attachment',
        actorId: who.actor.id,
        actor: who.actor.label,
        body: `removed ${row.filename}`,
        data: { attachmentId: id, filename: row.filename, removed: true },
      },
    ]);
  });
}
