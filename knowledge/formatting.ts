// French formatting of numbers and amounts, shared by every message the user reads.

const WHOLE_EUROS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const EUROS_AND_CENTS = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const INTEGERS = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const PERCENT = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });

/** "12 500 €", or "12 500,50 €" when there are cents, with the French thin spaces. */
export function formatEuros(amount: number): string {
  return Number.isInteger(amount) ? WHOLE_EUROS.format(amount) : EUROS_AND_CENTS.format(amount);
}

/** "12 000" with the French thin space. */
export function formatInteger(value: number): string {
  return INTEGERS.format(value);
}

/** A share between 0 and 1 as "42,5 %". */
export function formatShare(share: number): string {
  return PERCENT.format(share);
}

/** "1 action", "3 actions", "0 champ": French puts the singular for 0 and 1. */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatInteger(count)} ${Math.abs(count) >= 2 ? plural : singular}`;
}

/** +33612345678 → « 06 12 34 56 78 », as a French reader writes it (and no leading « + » for a spreadsheet to read as a formula); other numbers as stored. */
export function formatPhone(phone: string): string {
  const french = /^\+33(\d)(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(phone);
  return french ? `0${french.slice(1).join(' ')}` : phone;
}
