/**
 * WTF-8: UTF-8 extended to encode lone surrogates (U+D800..U+DFFF that are not
 * part of a pair) as the three bytes their code point would take. A JS string
 * holds any sequence of UTF-16 code units, and a topic key read from JSON
 * ("\ud800") may hold a lone one; UTF-8 would replace it with U+FFFD and merge
 * keys the model keeps apart. For a well-formed string the bytes are exactly its
 * UTF-8, so the common path is the platform's encoder and decoder. Pure.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

const isWellFormed = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false;
    const lo = s.charCodeAt(i + 1);
    if (!(lo >= 0xdc00 && lo <= 0xdfff)) return false;
    i++;
  }
  return true;
};

export function wtf8Encode(s: string): Uint8Array {
  if (isWellFormed(s)) return encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

/** Whether `b` holds an encoded surrogate (ED A0..BF xx), which UTF-8 decoders reject. */
function hasSurrogate(b: Uint8Array): boolean {
  for (let i = b.indexOf(0xed); i >= 0 && i + 1 < b.length; i = b.indexOf(0xed, i + 1)) {
    if ((b[i + 1] as number) >= 0xa0) return true;
  }
  return false;
}

export function wtf8Decode(b: Uint8Array): string {
  if (!hasSurrogate(b)) return decoder.decode(b);
  let s = "";
  let i = 0;
  while (i < b.length) {
    const b0 = b[i] as number;
    const len = b0 < 0x80 ? 1 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
    if (len === 3 && b0 === 0xed && (b[i + 1] as number) >= 0xa0 && i + 2 < b.length) {
      s += String.fromCharCode(((b0 & 0x0f) << 12) | (((b[i + 1] as number) & 0x3f) << 6) | ((b[i + 2] as number) & 0x3f));
    } else {
      s += decoder.decode(b.subarray(i, i + len));
    }
    i += len;
  }
  return s;
}
