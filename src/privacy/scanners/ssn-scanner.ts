// US Social Security numbers: 123-45-6789 or 123 45 6789, excluding numbers never issued (area
// 000, 666 or 900–999, group 00, serial 0000).
//
// The spaced form looks more like other digit groups than the dashed one, so it must stand alone:
// no digit one separator away on either side (`12 123 45 6789`, `123 45 6789 12` are parts of
// longer numbers, a list of ids or a phone number), and nothing glued to it. The dashed form keeps
// its narrower rule, which finds `Row 1 123-45-6789`.
import type { Scanner } from './scanner.js';

const US_SSN = /(?<![\w-]|\d\.)(\d{3})-(\d{2})-(\d{4})(?!\w|[-.]\d)/g;
const US_SSN_SPACED = /(?<![\w+-]|\d[ .,-])(\d{3}) (\d{2}) (\d{4})(?!\w|[ .,-]\d)/g;

function issued(area = '', group = '', serial = ''): boolean {
  return area !== '000' && area !== '666' && !area.startsWith('9') && group !== '00' && serial !== '0000';
}

export const scanSsns: Scanner = (text, report) => {
  for (const pattern of [US_SSN, US_SSN_SPACED]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (issued(m[1], m[2], m[3]) && report(m.index, m[0].length)) return true;
    }
  }
  return false;
};
