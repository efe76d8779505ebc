/**
 * Reading XeTeX's XDV output before it becomes a PDF. XeTeX's own file access is confined by
 * kpathsea (`openin_any=p`), but its PDF backend, xdvipdfmx, reads whatever the `\special`s in the
 * XDV name: `pdf:fstream @x (/etc/passwd)` embeds any readable file, `pdf:image` any picture,
 * `dvipdfmx:config` changes its settings. So every special is checked against an allow-list of
 * what TikZ, xcolor and the page set-up emit (drawing code, colour, graphics state, page size),
 * and anything else in the file — an unknown special, an unknown opcode — refuses the document.
 *
 * The format: DVI (Knuth's `dvitype`) with XeTeX's opcodes 250–254 (reflect, native font
 * definitions, positioned glyphs), as xdvipdfmx reads them.
 */

/** What a document asks of the PDF backend, and whether it may. */
export interface XdvReport {
  specials: string[];
  /** The first special or opcode that is not allowed, or null. */
  refused: string | null;
}

/**
 * Specials that only draw: PGF's `pdf:literal`/`pdf:content` drawing code, `pdf:code`,
 * colour stacks, graphics state, page size, PGF's colour-space dictionaries. Forms that name
 * files or run things (`fstream`, `image`, `epdf`, `uxobj`, `config`, `ps:`, `PSfile`) are not in it.
 */
const ALLOWED = [
  /^pdf:(literal|content|code)( direct| page)?\s/,
  /^pdf:\s?(bcontent|econtent)$/,
  // PGF's colour-space resources (checked further below).
  /^pdf:obj @pgf\w* <</,
  /^pdf:put @(resources|pgf\w*) <</,
  /^pdf:(bcolor|ecolor|bgcolor|scolor)\b/,
  /^pdf:(btrans|etrans|bt|et)\b/,
  /^pdf:pagesize\b/,
  /^color (push|pop)\b/,
  /^color\s/,
  /^x:(gsave|grestore)$/,
  /^papersize=/,
  /^pdfcolorstack\b/,
];

/** Drawing code may not reach for named resources or other files: only operators, numbers, names of its own. */
const LITERAL_FORBIDDEN = /@[A-Za-z]|\(|\bDo\b|\bBI\b|\bID\b/;

/**
 * A dictionary of names, numbers, arrays and `@pgf…` references only: no string (literal or hex,
 * which could name a file or hold a script) and none of the keys that make a PDF act (actions,
 * JavaScript, links, launches, embedded files).
 */
function resourceDictionary(body: string): boolean {
  if (!body.startsWith('<<') || !body.endsWith('>>')) return false;
  if (/[()\\%]/.test(body.replace(/<<|>>/g, '')) || /[<>]/.test(body.replace(/<<|>>/g, ''))) return false;
  if (/\/(S|JS|JavaScript|URI|Launch|F|UF|EF|FS|A|AA|OpenAction|Annots|Names|EmbeddedFiles|Type\s*\/Filespec)\b/.test(body)) return false;
  return [...body.matchAll(/@(\w+)/g)].every((m) => m[1]!.startsWith('pgf'));
}

export function specialAllowed(special: string): boolean {
  const text = special.trim();
  if (!ALLOWED.some((re) => re.test(text))) return false;
  if (/^pdf:(literal|content|code)/.test(text)) return !LITERAL_FORBIDDEN.test(text.replace(/^pdf:\w+( direct| page)?/, ''));
  if (/^pdf:(obj|put)/.test(text)) return resourceDictionary(text.replace(/^pdf:\w+ @\w+ /, ''));
  return true;
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}
  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) throw new RangeError('truncated XDV');
  }
  u(n: number): number {
    this.need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.bytes[this.pos++]!;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  text(n: number): string {
    this.need(n);
    const s = Buffer.from(this.bytes.subarray(this.pos, this.pos + n)).toString('latin1');
    this.pos += n;
    return s;
  }
}

/** Native font flags that add a 4-byte field (XeTeX's `XDV_FLAG_*`). */
const FONT_FLAG_FIELDS = [0x0200, 0x1000, 0x2000, 0x4000];

/** Every special of an XDV (or DVI) file, and the first that is not allowed. */
export function inspectXdv(bytes: Uint8Array): XdvReport {
  const r = new Reader(bytes);
  const specials: string[] = [];
  let refused: string | null = null;
  const refuse = (why: string) => {
    refused ??= why;
  };
  try {
    if (r.u(1) !== 247) return { specials, refused: 'not a DVI/XDV file' };
    // Version 7 (XeTeX since 2015): opcode 251 is end-of-reflect; in older versions it named a picture file.
    const version = r.u(1);
    if (version !== 7) return { specials, refused: `XDV version ${version} (only version 7 is read)` };
    r.skip(12);
    r.skip(r.u(1));
    for (;;) {
      const op = r.u(1);
      if (op <= 127 || (op >= 171 && op <= 234) || op === 138 || op === 140 || op === 141 || op === 142 || op === 147 || op === 152 || op === 161 || op === 166 || op === 250 || op === 251) continue;
      if (op >= 128 && op <= 131) r.skip(op - 127); // set1–4
      else if (op >= 133 && op <= 136) r.skip(op - 132); // put1–4
      else if (op === 132 || op === 137) r.skip(8); // rules
      else if (op === 139) r.skip(44); // bop
      else if (op >= 143 && op <= 146) r.skip(op - 142); // right
      else if (op >= 148 && op <= 151) r.skip(op - 147); // w
      else if (op >= 153 && op <= 156) r.skip(op - 152); // x
      else if (op >= 157 && op <= 160) r.skip(op - 156); // down
      else if (op >= 162 && op <= 165) r.skip(op - 161); // y
      else if (op >= 167 && op <= 170) r.skip(op - 166); // z
      else if (op >= 235 && op <= 238) r.skip(op - 234); // fnt
      else if (op >= 239 && op <= 242) {
        const special = r.text(r.u(op - 238));
        specials.push(special);
        if (!specialAllowed(special)) refuse(`\\special{${special.slice(0, 120)}}`);
      } else if (op >= 243 && op <= 246) {
        r.skip(op - 242 + 12); // TFM font: number, checksum, size, design size
        const a = r.u(1);
        const l = r.u(1);
        r.skip(a + l);
      } else if (op === 252) {
        r.skip(4 + 4);
        const flags = r.u(2);
        r.skip(r.u(1) + 4); // font file name (or PostScript name) and face index
        for (const flag of FONT_FLAG_FIELDS) if (flags & flag) r.skip(4);
      } else if (op === 253) {
        r.skip(4);
        r.skip(r.u(2) * 10);
      } else if (op === 254) {
        r.skip(r.u(2) * 2 + 4);
        r.skip(r.u(2) * 10);
      } else if (op === 248) {
        r.skip(28); // postamble; the font definitions after it are read by the loop
      } else if (op === 249) {
        break; // post_post: the rest is padding
      } else {
        refuse(`an unknown XDV opcode ${op}`);
        break;
      }
    }
  } catch {
    refuse('a truncated or malformed XDV file');
  }
  return { specials, refused };
}
