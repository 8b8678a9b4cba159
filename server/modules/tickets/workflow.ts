import type { Role, TicketStatus } from '../../domain.ts';

/** The caller as the workflow sees them: their role and how they stand to this ticket. */
export interface Standing {
  role: Role;
  isAssignee: boolean;
  isReporter: boolean;
}

export const isStaff = (role: Role) => role === 'engineer' || role === 'admin';

/**
 * Where an engineer can take a ticket from each status. Resolving from the waiting states is
 * allowed: the client's answer can be the fix.
 */
const staffMoves: Record<TicketStatus, TicketStatus[]> = {
  new: ['triaged', 'in_progress', 'closed'],
  triaged: ['in_progress', 'closed'],
  in_progress: ['waiting_client', 'waiting_vendor', 'resolved'],
  waiting_client: ['in_progress', 'waiting_vendor', 'resolved'],
  waiting_vendor: ['in_progress', 'waiting_client', 'resolved'],
  // Approve (closed) or return with feedback (in_progress).
  pending_review: ['closed', 'in_progress'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

/**
 * A junior works the tickets assigned to them; their resolve goes to review. The reporter may
 * reopen a resolved ticket that is still broken.
 */
function juniorMoves(status: TicketStatus, who: Standing): TicketStatus[] {
  const moves: TicketStatus[] = [];
  if (who.isAssignee) {
    if (status === 'new' || status === 'triaged') moves.push('in_progress');
    if (status === 'in_progress') moves.push('waiting_client', 'waiting_vendor', 'resolved');
    if (status === 'waiting_client' || status === 'waiting_vendor')
      moves.push(
        'in_progress',
        status === 'waiting_client' ? 'waiting_vendor' : 'waiting_client',
        'resolved',
      );
  }
  if (status === 'resolved' && (who.isAssignee || who.isReporter)) moves.push('in_progress');
  return moves;
}

/** The statuses the caller may ask for from here ('resolved' from a junior lands in review). */
export function allowedMoves(status: TicketStatus, who: Standing): TicketStatus[] {
  if (isStaff(who.role)) return staffMoves[status];
  if (who.role === 'junior') return juniorMoves(status, who);
  return [];
}

/** Where a requested move actually lands. */
export function landing(requested: TicketStatus, who: Standing): TicketStatus {
  return requested === 'resolved' && who.role === 'junior' ? 'pending_review' : requested;
}

export type MoveNeed = 'resolution' | 'note' | null;

/** What a move needs said: a resolution to resolve or close, a note to return or reopen. */
export function moveNeeds(from: TicketStatus, to: TicketStatus): MoveNeed {
  if (to === 'resolved' || to === 'pending_review') return 'resolution';
  if (to === 'closed' && (from === 'new' || from === 'triaged')) return 'resolution';
  if (to === 'in_progress' && ['pending_review', 'resolved', 'closed'].includes(from))
    return 'note';
  return null;
}

export const isOpen = (status: TicketStatus) => status !== 'resolved' && status !== 'closed';
