/**
 * The simulator's own text-token count: a small deterministic pre-tokenizer, deliberately
 * independent of the gateway's estimator (src/context/estimate-tokens.ts), so that tests can see
 * the estimator underestimate on hard input. It imitates a byte-level BPE vocabulary by runs of
 * characters. The rates were set by hand against the tokenizer Anthropic published for its
 * earlier models (npm @anthropic-ai/tokenizer, used once offline, not a dependency): within
 * ±10 % of it on each TypeScript and Markdown file of this repository (chars/4 is 15–20 % under),
 * within ±30 % on short hard samples (digits, hex, base64, CJK, Hangul, Cyrillic, Arabic,
 * Devanagari, emoji, code, URLs), and further off (up to ±60 %) on Greek, lorem ipsum, long
 * camelCase identifiers and compact JSON. An imitation, not a tokenizer.
 *
 * Cost of each run, on the 'legacy' tokenizer (fractions add up; each piece is rounded up once):
 * - Latin letters, split at case changes (`getUserName` → get|User|Name, `HTTPServer` → HTTP|Server):
 *   a lower-case or Capitalised segment costs 1 up to 7 letters (common words are one token) and
 *   1/3 per letter after that; an ALL-CAPS segment 1 per 4 letters (at least 1). So mixed-case
 *   noise such as base64 costs about 1 per 2 characters, and long compound words 1 per 3.
 * - Digits: 1 per 2.5 digits (at least 1).
 * - Han, Hiragana, Katakana: 1 per character; Hangul: 1.5 per syllable.
 * - Cyrillic, Greek, Armenian, Georgian: 1 per 1.5 letters; other letters (Arabic, Hebrew,
 *   Devanagari and the other Indic scripts, Thai…): 1 per character. Combining marks join the run.
 * - Astral characters (most emoji): 2 each; a zero-width joiner or variation selector 1.
 * - Punctuation and symbols: a run of one repeated character costs 1 per 8 (`!!!!` is 1, a
 *   Markdown rule 1 or 2); a mixed run 1 per 2 characters (`":`, `})`, `->` are single tokens).
 * - Whitespace: a single space before anything is free (BPE merges it into the next token);
 *   any other run (newlines, indentation) costs 1 per 16 characters, at least 1.
 * - Any other character: 1.
 *
 * The 'v2' tokenizer (Claude 4.7 and later, every 5.x model) costs 30 % more for the same runs.
 *
 * HARD RULE: byte-level BPE never produces more tokens than the UTF-8 bytes of its input (each
 * token covers at least one byte), and non-empty text is at least one token. So every piece is
 * clamped to [1, its UTF-8 byte length]; test/simulator/tokens.test.ts fuzzes it.
 */
export type TokenizerKind = 'legacy' | 'v2'

/** How much more the 'v2' tokenizer counts than 'legacy' for the same text. */
export const V2_FACTOR = 1.3

/** Kinds of run, numbered like the groups of RUN. */
const Run = { Space: 1, Latin: 2, Digit: 3, Cjk: 4, Hangul: 5, Alphabet: 6, Letter: 7, Astral: 8, Joiner: 9, Punct: 10, Other: 11 } as const

// One group per kind of run, tried in order; combining marks (\p{M}) join any letter run.
const RUN = new RegExp(
  [
    String.raw`(\s+)`,
    String.raw`([\p{Script=Latin}\p{M}]+)`,
    String.raw`(\p{Nd}+)`,
    String.raw`([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC\p{M}]+)`,
    String.raw`([\p{Script=Hangul}\p{M}]+)`,
    String.raw`([\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Georgian}\p{M}]+)`,
    String.raw`([\p{L}\p{M}]+)`,
    String.raw`([\u{10000}-\u{10FFFF}])`,
    String.raw`([\u200D\uFE00-\uFE0F])`,
    String.raw`([\p{P}\p{S}]+)`,
    '([^])',
  ].join('|'),
  'gu',
)

/** Code points of a string (an emoji is one, not two UTF-16 units). */
function codePoints(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xfc00) !== 0xdc00) n++
  return n
}

const UPPER = /\p{Lu}/u
const isUpper = (s: string, i: number) => {
  const c = s.charCodeAt(i)
  return c < 0x80 ? c >= 0x41 && c <= 0x5a : UPPER.test(s[i]!)
}

/**
 * A Latin run split into case segments (lower-case words, Capitalised words, ALL-CAPS runs:
 * `getUserName` → get|User|Name, `HTTPServer` → HTTP|Server), each costed as documented above.
 * Counted in UTF-16 units: Latin letters are BMP characters (bar the rare Latin Extended-F/G).
 */
function latinTokens(run: string): number {
  let tokens = 0
  let start = 0
  let lower = false
  for (let i = 0; i <= run.length; i++) {
    const upper = i < run.length && isUpper(run, i)
    const boundary = i === run.length || (i > start && upper && (lower || (i + 1 < run.length && !isUpper(run, i + 1))))
    if (boundary) {
      const n = i - start
      tokens += lower ? 1 + Math.max(0, n - 7) / 3 : Math.max(1, n / 4)
      start = i
      lower = false
    }
    if (i < run.length && !upper) lower = true
  }
  return tokens
}

function punctTokens(run: string): number {
  const n = codePoints(run)
  const first = run.codePointAt(0)
  let same = true
  for (const ch of run)
    if (ch.codePointAt(0) !== first) {
      same = false
      break
    }
  return Math.max(1, same ? n / 8 : n / 2)
}

/** The unrounded 'legacy' cost of a text, by runs. */
function legacyCost(text: string): number {
  let tokens = 0
  for (const match of text.matchAll(RUN)) {
    const run = match[0]
    // The first group that matched is the kind of run (the order of RUN's alternatives).
    let kind = 1
    while (match[kind] === undefined) kind++
    switch (kind) {
      case Run.Space:
        if (!(run === ' ' && match.index + 1 < text.length)) tokens += Math.max(1, run.length / 16)
        break
      case Run.Latin:
        tokens += latinTokens(run)
        break
      case Run.Digit:
        tokens += Math.max(1, codePoints(run) / 2.5)
        break
      case Run.Cjk:
        tokens += codePoints(run)
        break
      case Run.Hangul:
        tokens += codePoints(run) * 1.5
        break
      case Run.Alphabet:
        tokens += Math.max(1, codePoints(run) / 1.5)
        break
      case Run.Letter:
        tokens += codePoints(run)
        break
      case Run.Astral:
        tokens += 2
        break
      case Run.Punct:
        tokens += punctTokens(run)
        break
      default:
        tokens += 1 // joiner, variation selector, anything else
    }
  }
  return tokens
}

/** UTF-8 length of a string without allocating its bytes. */
export function utf8Bytes(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4
      i++
    } else bytes += 3 // BMP, or a lone surrogate (encoded as U+FFFD, 3 bytes)
  }
  return bytes
}

/** Tokens of one piece of text: 0 for '', else within [1, UTF-8 bytes] (see the hard rule above). */
export function tokenizeCount(text: string, tokenizer: TokenizerKind): number {
  if (!text) return 0
  const cost = legacyCost(text) * (tokenizer === 'v2' ? V2_FACTOR : 1)
  return Math.max(1, Math.min(Math.ceil(cost - 1e-9), utf8Bytes(text)))
}
