// The country calling codes of ITU-T E.164 (assigned, including the shared and non-geographic
// ones), for telling a phone number written with the `00` prefix from a zero-padded number.

const RANGES: readonly (readonly [number, number])[] = [
  [1, 1], [7, 7], [20, 20], [27, 27], [30, 34], [36, 36], [39, 41], [43, 49], [51, 58], [60, 66],
  [81, 82], [84, 84], [86, 86], [90, 95], [98, 98],
  [211, 212], [213, 213], [216, 216], [218, 218], [220, 258], [260, 269], [290, 291], [297, 299],
  [350, 359], [370, 383], [385, 387], [389, 389], [420, 421], [423, 423], [500, 509], [590, 599],
  [670, 670], [672, 683], [685, 692], [800, 800], [808, 808], [850, 850], [852, 853], [855, 856],
  [870, 870], [878, 878], [880, 883], [886, 886], [888, 888], [960, 968], [970, 977], [979, 979],
  [992, 996], [998, 998],
];

const CODES = new Set<string>();
for (const [from, to] of RANGES) for (let code = from; code <= to; code++) CODES.add(String(code));

/** Whether `digits` (no leading zero) is a country calling code. */
export function isCallingCode(digits: string): boolean {
  return CODES.has(digits);
}
