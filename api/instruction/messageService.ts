// The thread between the prefecture and the applicant: an agent's message goes out in the applicant's chat.
import type { DossierRepository } from '../../dossiers/dossierRepository';
import type { DossierMessage } from '../../dossiers/dossierSchema';
import { prefectureMessageText, type OwnerNotifier } from '../../bot/notifications';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { StaffPrincipal } from '../staff/staffSchema';

export class MessageService {
  constructor(
    private readonly deps: { repository: DossierRepository; notifyOwner: OwnerNotifier | undefined; logger: Logger; clock: () => Date },
  ) {}

  /** Stores the agent's message, then delivers it in the applicant's last conversation; the caller has checked the scope. */
  async fromStaff(staff: StaffPrincipal, reference: string, text: string): Promise<{ message: DossierMessage; delivered: boolean }> {
    const stored = await this.deps.repository.addMessage(reference, { by: { kind: 'staff', id: staff.id, name: staff.name }, text });
    if (!stored.ok) throw new AppError(stored.error.code === 'dossier_not_found' ? 'DOSSIER_NOT_FOUND' : stored.error.code === 'dossier_full' ? 'TOO_MANY_MESSAGES' : 'VALIDATION_FAILED');
    const { dossier, message } = stored.value;
    const delivered = this.deps.notifyOwner
      ? await this.deps.notifyOwner(dossier.owner, prefectureMessageText(dossier.reference, staff.name, message.text), { reference, reason: 'message' })
      : false;
    if (!delivered) return { message, delivered };
    const at = this.deps.clock();
    await this.deps.repository.markMessageDelivered(reference, message.id, at);
    return { message: { ...message, deliveredAt: at }, delivered };
  }
}
