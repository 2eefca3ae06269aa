/**
 * Page count of a PDF from its bytes, for the simulator's billing (the gateway bounds PDFs through
 * Anthropic's count_tokens instead: a PDF's pages may sit in compressed object streams, which this
 * does not read).
 *
 * Counts the page objects: dictionaries with `/Type /Page`, whitespace (or none) between the two
 * names, not `/Pages` (the page-tree nodes) nor any longer name. Undefined when the bytes do not
 * start with a `%PDF-` header (within the first 1 KiB, as readers allow) or no page is found,
 * e.g. every page inside a compressed object stream. An incremental update that rewrites a page
 * object counts it again: an over-count, which bills more, never less.
 */
export function pdfPageCount(bytes: Uint8Array): number | undefined {
  if (indexOf(bytes, HEADER, 0, 1024 + HEADER.length) < 0) return undefined
  let pages = 0
  for (let i = indexOf(bytes, TYPE, 0); i >= 0; i = indexOf(bytes, TYPE, i + TYPE.length)) {
    let j = i + TYPE.length
    while (j < bytes.length && isWhite(bytes[j]!)) j++
    if (!startsWith(bytes, PAGE, j)) continue
    const next = bytes[j + PAGE.length]
    if (next === undefined || isWhite(next) || isDelimiter(next)) pages++
  }
  return pages > 0 ? pages : undefined
}

const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
const HEADER = bytesOf('%PDF-')
const TYPE = bytesOf('/Type')
const PAGE = bytesOf('/Page')

/** PDF white-space characters: NUL, HT, LF, FF, CR, SP. */
const isWhite = (c: number) => c === 0x00 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20
/** PDF delimiters, which end a name: ( ) < > [ ] { } / %. */
const isDelimiter = (c: number) => '()<>[]{}/%'.includes(String.fromCharCode(c))

function startsWith(bytes: Uint8Array, needle: Uint8Array, at: number): boolean {
  if (at + needle.length > bytes.length) return false
  for (let k = 0; k < needle.length; k++) if (bytes[at + k] !== needle[k]) return false
  return true
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from: number, to = bytes.length): number {
  const last = Math.min(to, bytes.length) - needle.length
  for (let i = from; i <= last; i++) {
    if (bytes[i] === needle[0] && startsWith(bytes, needle, i)) return i
  }
  return -1
}
