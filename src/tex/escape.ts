/** Escaping for TeX: every string from a config, a file name or a user option goes through here. */

const SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '#': '\\#',
  '^': '\\textasciicircum{}',
  _: '\\_',
  '%': '\\%',
  '~': '\\textasciitilde{}',
  // Under pdfTeX's OT1 encoding these would print as ¡ ¿ —.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

/** The text, to be set literally: special characters escaped, control characters dropped. */
export function escapeTex(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) continue;
    out += SPECIAL[ch] ?? ch;
  }
  return out;
}
