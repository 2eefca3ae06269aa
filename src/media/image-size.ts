/**
 * Image dimensions from the first bytes of a PNG, JPEG, GIF or WebP file (the formats the
 * Messages API accepts), without decoding pixels and without a dependency.
 */
export interface ImageSize {
  width: number
  height: number
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8)
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!)
const ascii = (b: Uint8Array, i: number, s: string) => b.length >= i + s.length && [...s].every((c, k) => b[i + k] === c.charCodeAt(0))
const size = (width: number, height: number): ImageSize | undefined => (width > 0 && height > 0 ? { width, height } : undefined)

/** Width and height of an image from its leading bytes; undefined for another format or a truncated header. */
export function imageSize(bytes: Uint8Array): ImageSize | undefined {
  // PNG: 8-byte signature, then the IHDR chunk (length, "IHDR", width and height as big-endian u32).
  if (ascii(bytes, 0, '\x89PNG\r\n\x1a\n')) {
    return ascii(bytes, 12, 'IHDR') && bytes.length >= 24 ? size(u32be(bytes, 16), u32be(bytes, 20)) : undefined
  }
  // GIF: "GIF87a" or "GIF89a", then the logical screen width and height as little-endian u16.
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) {
    return bytes.length >= 10 ? size(u16le(bytes, 6), u16le(bytes, 8)) : undefined
  }
  // JPEG: SOI (FF D8), then segments; the size is in the first SOFn frame header.
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes)
  // WebP: RIFF container, "WEBP", then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk.
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return webpSize(bytes)
  return undefined
}

/**
 * Walks the JPEG markers from after SOI: each segment is FF, a marker byte, then a big-endian
 * length that counts itself. APPn (EXIF, JFIF, ICC), DQT, DHT, COM… are skipped; SOF0–SOF15
 * (except DHT C4, JPG C8 and DAC CC) hold precision, height, width. Reaching SOS or EOI first,
 * or running out of bytes, means no size.
 */
function jpegSize(b: Uint8Array): ImageSize | undefined {
  let i = 2
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) return undefined
    const marker = b[i + 1]!
    if (marker === 0xff) {
      i++
      continue
    } // fill byte before a marker
    i += 2
    // Standalone markers carry no length: TEM, RST0–7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue
    if (marker === 0xd9 || marker === 0xda) return undefined // EOI or SOS before any frame header
    if (i + 2 > b.length) return undefined
    const length = u16be(b, i)
    if (length < 2) return undefined
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
    if (isSof) return i + 7 <= b.length ? size(u16be(b, i + 5), u16be(b, i + 3)) : undefined
    i += length
  }
  return undefined
}

function webpSize(b: Uint8Array): ImageSize | undefined {
  // Lossy: chunk header (12..20), 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (LE).
  if (ascii(b, 12, 'VP8 ')) {
    if (b.length < 30 || b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined
    return size(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff)
  }
  // Lossless: signature 0x2F, then width − 1 and height − 1 as two 14-bit fields, little-endian bit order.
  if (ascii(b, 12, 'VP8L')) {
    if (b.length < 25 || b[20] !== 0x2f) return undefined
    const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0
    return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1)
  }
  // Extended: flags (1 byte), 3 reserved, then canvas width − 1 and height − 1 as 24-bit little-endian.
  if (ascii(b, 12, 'VP8X')) {
    return b.length >= 30 ? size(u24le(b, 24) + 1, u24le(b, 27) + 1) : undefined
  }
  return undefined
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Decodes standard base64 (RFC 4648 alphabet, `=` padding), at most the first `maxBytes` bytes:
 * only the whole 4-character groups needed are decoded, so a large image costs no more than its
 * header. Strict like the Messages API, which rejects invalid base64: whitespace, the URL-safe
 * alphabet, misplaced padding or a length that is not a multiple of 4 throw a `TypeError`.
 * Only the characters decoded are checked; the rest of a long string is not read.
 */
export function decodeBase64(data: string, maxBytes = Infinity): Uint8Array {
  const groups = Math.ceil(Math.max(0, maxBytes) / 3)
  const whole = groups * 4 >= data.length
  const text = whole ? data : data.slice(0, groups * 4)
  // A prefix cut before the end cannot hold padding; the whole string may end with one or two '='.
  if (text.length % 4 !== 0 || !BASE64.test(text) || (!whole && text.endsWith('='))) {
    throw new TypeError('invalid base64 data')
  }
  const binary = atob(text)
  const out = new Uint8Array(Math.min(binary.length, maxBytes))
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i)
  return out
}
