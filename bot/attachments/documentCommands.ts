// The words about documents an official can type at any time: list, remove, or (in Teams) receive one.
import { normalizeText } from '../../knowledge/parsers';

export type DocumentCommand = { kind: 'list' } | { kind: 'remove'; target: string } | { kind: 'send'; target: string };

const DOCUMENT = "(?:le |la |l'|mon |ma )?(?:document|piece jointe|piece|fichier|justificatif)";

export function recognizeDocumentCommand(text: string | undefined): DocumentCommand | undefined {
  const normalized = normalizeText(text ?? '').replace(/[!.]+$/, '').trim();
  if (!normalized) return undefined;
  if (/^(mes documents|mes pieces( jointes| justificatives)?|mes fichiers|liste des (documents|pieces jointes|fichiers)|voir (mes|les) (documents|pieces jointes|fichiers)|documents joints|pieces jointes)$/.test(normalized)) {
    return { kind: 'list' };
  }
  const remove = new RegExp(`^(?:supprimer|supprime|retirer|retire|enlever|enleve|effacer|efface) ${DOCUMENT}\\s*(.*)$`).exec(normalized);
  if (remove) return { kind: 'remove', target: cleanTarget(remove[1] ?? '') };
  const send = new RegExp(`^(?:envoyer|envoie|envoyez|recevoir|telecharger|renvoyer|renvoie)(?:-moi| moi)? ${DOCUMENT}\\s*(.*)$`).exec(normalized);
  if (send) return { kind: 'send', target: cleanTarget(send[1] ?? '') };
  return undefined;
}

function cleanTarget(target: string): string {
  return target.replace(/^[«"'\s]+|[»"'\s]+$/g, '').replace(/^(n°|no|numero)\s*/, '').trim();
}

/** The document a target names: its number in the list (« 2 »), or a part of its name. */
export function findDocument<T extends { name: string }>(documents: readonly T[], target: string): T | undefined | 'ambiguous' {
  if (/^\d{1,2}$/.test(target)) return documents[Number(target) - 1];
  if (!target) return documents.length === 1 ? documents[0] : 'ambiguous';
  const wanted = normalizeText(target);
  const exact = documents.find((document) => normalizeText(document.name) === wanted || normalizeText(document.name.replace(/\.[a-z0-9]+$/i, '')) === wanted);
  if (exact) return exact;
  const partial = documents.filter((document) => normalizeText(document.name).includes(wanted));
  if (partial.length > 1) return 'ambiguous';
  return partial[0];
}
