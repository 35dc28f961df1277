// IBANs: country code, 2 check digits and up to 30 letters or digits, compact or in groups of
// four separated by single spaces, mod-97 checked. Lower case is accepted (people type it); the
// country code must be one that issues IBANs, which with mod-97 keeps hashes and ids out.
import { isDigit, LOWER_A, SPACE, ZERO } from './char-classes.js';
import type { Scanner } from './scanner.js';

const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,4})?(?![A-Za-z0-9])/g;

// The SWIFT IBAN registry, plus countries that publish IBANs outside it (mostly in Africa) and
// territories with codes of their own.
const IBAN_COUNTRIES = new Set(
  (
    'AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI GL GR ' +
    'GT HN HR HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL NO OM PK ' +
    'PL PS PT QA RO RS RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK YE ' +
    'AO BF BJ CF CG CI CM CV DZ GA GQ GW IR KM MA MG ML MZ NE SN TD TG ' +
    'AX BL GF GG GP IM JE MF MQ NC PF PM RE TF WF YT'
  ).split(' '),
);

function isIbanCountry(text: string, start: number): boolean {
  return IBAN_COUNTRIES.has(text.slice(start, start + 2).toUpperCase());
}

/** mod-97 of BBAN + country + check digits, each letter read as two digits (A = 10 ... Z = 35). */
function ibanChecksumValid(text: string, start: number, end: number): boolean {
  let length = 4;
  let remainder = 0;
  for (let pass = 0; pass < 2; pass++) {
    const from = pass === 0 ? start + 4 : start;
    const to = pass === 0 ? end : start + 4;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      if (code === SPACE) continue;
      if (pass === 0) length++;
      remainder = isDigit(code)
        ? (remainder * 10 + (code - ZERO)) % 97
        : (remainder * 100 + ((code | 0x20) - LOWER_A + 10)) % 97;
    }
  }
  return length >= 15 && length <= 34 && remainder === 1;
}

export const scanIbans: Scanner = (text, report) => {
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m !== null; m = IBAN.exec(text)) {
    if (!isIbanCountry(text, m.index)) continue;
    // A trailing word ("... 7034 for") may have been read as a last group: retry without it.
    for (let end = m.index + m[0].length; end > m.index + 4; end = text.lastIndexOf(' ', end - 1)) {
      if (ibanChecksumValid(text, m.index, end)) {
        if (report(m.index, end - m.index)) return true;
        break;
      }
    }
  }
  return false;
};
