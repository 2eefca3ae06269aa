import { describe, expect, it } from 'vitest'
import { decodeBase64, imageSize } from '../../src/media/image-size.ts'

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)))
const be16 = (n: number) => [n >> 8, n & 0xff]
const le16 = (n: number) => [n & 0xff, n >> 8]
const be32 = (n: number) => [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]
const le24 = (n: number) => [n & 0xff, (n >> 8) & 0xff, n >> 16]
const toBase64 = (b: Uint8Array) => {
  let binary = ''
  for (const byte of b) binary += String.fromCharCode(byte)
  return btoa(binary)
}

// Real files, as browsers and encoders produce them.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
const GIF_1X1 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'
const WEBP_LOSSY_1X1 = 'UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA'
const WEBP_LOSSLESS_1X1 = 'UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA=='
const WEBP_ALPHA_1X1 = 'UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA=='

/** A PNG signature and IHDR chunk (the CRC is not checked) claiming `width × height`. */
const pngHeader = (width: number, height: number) =>
  bytes([0x89], 'PNG\r\n\x1a\n', be32(13), 'IHDR', be32(width), be32(height), [8, 2, 0, 0, 0], [0, 0, 0, 0])

/** A JPEG: SOI, an APP1 (EXIF) segment of `exifBytes`, a DQT and a DHT, then SOFn with the size. */
const jpeg = (width: number, height: number, { exifBytes = 20, sof = 0xc0 } = {}) =>
  bytes(
    [0xff, 0xd8],
    [0xff, 0xe1],
    be16(2 + exifBytes),
    'Exif\0\0',
    new Array<number>(exifBytes - 6).fill(0xff),
    [0xff, 0xdb],
    be16(2 + 65),
    new Array<number>(65).fill(1),
    [0xff, 0xc4],
    be16(2 + 20),
    new Array<number>(20).fill(0),
    [0xff, 0xff, 0xff, sof],
    be16(17),
    [8],
    be16(height),
    be16(width),
    [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
    [0xff, 0xda],
    be16(12),
    new Array<number>(10).fill(0),
    [0x12, 0x34, 0xff, 0xd9],
  )

describe('imageSize', () => {
  it('reads real 1×1 PNG, GIF and WebP (lossy VP8, lossless VP8L, extended VP8X) files', () => {
    for (const file of [PNG_1X1, GIF_1X1, WEBP_LOSSY_1X1, WEBP_LOSSLESS_1X1, WEBP_ALPHA_1X1]) {
      expect(imageSize(decodeBase64(file)), file).toEqual({ width: 1, height: 1 })
    }
  })

  it('PNG: the IHDR width and height (big-endian, beyond 16 bits)', () => {
    expect(imageSize(pngHeader(4000, 3000))).toEqual({ width: 4000, height: 3000 })
    expect(imageSize(pngHeader(70_000, 2))).toEqual({ width: 70_000, height: 2 })
  })

  it('JPEG: skips APP1/EXIF, DQT, DHT and fill bytes to the SOF0 or SOF2 frame header', () => {
    expect(imageSize(jpeg(640, 480))).toEqual({ width: 640, height: 480 })
    expect(imageSize(jpeg(4032, 3024, { sof: 0xc2 }))).toEqual({ width: 4032, height: 3024 })
    // A 40 KB EXIF block (a phone photo) is within the 64 KiB a caller decodes.
    const photo = bytes([...jpeg(3000, 4000, { exifBytes: 40_000 })], new Array<number>(100_000).fill(0x55))
    expect(imageSize(decodeBase64(toBase64(photo), 64 * 1024))).toEqual({ width: 3000, height: 4000 })
  })

  it('GIF: the logical screen size (little-endian)', () => {
    expect(imageSize(bytes('GIF89a', le16(320), le16(240), [0xf7, 0, 0]))).toEqual({ width: 320, height: 240 })
    expect(imageSize(bytes('GIF87a', le16(1), le16(65_535)))).toEqual({ width: 1, height: 65_535 })
  })

  it('WebP: VP8 14-bit sizes, VP8L (size − 1 in 14-bit fields), VP8X canvas (size − 1 in 24 bits)', () => {
    const riff = (chunk: string, payload: number[]) => bytes('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [0, 0, 0, 0], payload)
    expect(imageSize(riff('VP8 ', [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(1920), ...le16(1080)]))).toEqual({
      width: 1920,
      height: 1080,
    })
    const w = 1000 - 1
    const h = 700 - 1
    const bits = w | (h << 14)
    expect(imageSize(riff('VP8L', [0x2f, bits & 0xff, (bits >> 8) & 0xff, (bits >> 16) & 0xff, (bits >>> 24) & 0xff]))).toEqual({
      width: 1000,
      height: 700,
    })
    expect(imageSize(riff('VP8X', [0x10, 0, 0, 0, ...le24(5000 - 1), ...le24(20_000 - 1)]))).toEqual({ width: 5000, height: 20_000 })
  })

  it('undefined for garbage, other formats, truncated headers and empty sizes', () => {
    expect(imageSize(new Uint8Array())).toBeUndefined()
    expect(imageSize(bytes('hello, world, this is not an image at all'))).toBeUndefined()
    expect(imageSize(bytes('%PDF-1.7\n'))).toBeUndefined()
    expect(imageSize(bytes('BM', new Array<number>(60).fill(1)))).toBeUndefined() // BMP: not accepted by the API
    expect(imageSize(pngHeader(4000, 3000).slice(0, 20))).toBeUndefined()
    expect(imageSize(pngHeader(0, 3000))).toBeUndefined()
    expect(imageSize(bytes('GIF89a', le16(320)))).toBeUndefined()
    expect(imageSize(jpeg(640, 480).slice(0, 100))).toBeUndefined() // cut inside the DHT
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xda], be16(8), [1, 2, 3, 4, 5, 6]))).toBeUndefined() // scan before any frame
    expect(imageSize(bytes([0xff, 0xd8, 0x00, 0x00]))).toBeUndefined() // not a marker
    expect(imageSize(bytes('RIFF', [0, 0, 0, 0], 'WEBP', 'VP8 ', [0, 0, 0, 0], [0x10, 0x02, 0x00, 0x9d]))).toBeUndefined()
    expect(imageSize(bytes('RIFF', [0, 0, 0, 0], 'WAVE', 'fmt ', new Array<number>(20).fill(0)))).toBeUndefined()
  })
})

describe('decodeBase64', () => {
  it('decodes standard base64, all of it or only the whole groups the first maxBytes need', () => {
    expect([...decodeBase64('AAEC/w==')]).toEqual([0, 1, 2, 255])
    expect([...decodeBase64('')]).toEqual([])
    expect([...decodeBase64('AAECAwQFBgc=', 4)]).toEqual([0, 1, 2, 3])
    expect([...decodeBase64('AAECAwQFBgc=', 0)]).toEqual([])
    // Only what is decoded is checked: an invalid tail past maxBytes is not read.
    expect([...decodeBase64('AAEC!!!!', 3)]).toEqual([0, 1, 2])
  })

  it('is strict like the API: invalid characters, whitespace, base64url, bad length or padding throw', () => {
    for (const bad of ['AAEC!!!!', 'AAEC AwQF', 'AAEC\nAwQF', 'AA-_', 'AAE', 'AA=A', 'A===', 'AA==AAAA']) {
      expect(() => decodeBase64(bad), JSON.stringify(bad)).toThrow(TypeError)
    }
    // A prefix that ends in padding means padding in the middle of the data.
    expect(() => decodeBase64('AA==AAAA', 1)).toThrow(TypeError)
  })
})
