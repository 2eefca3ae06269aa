import { decodeBase64, imageSize } from '../media/image-size.ts'

/** Enough of an image to reach its dimensions: PNG, GIF and WebP need a few bytes, JPEG the frame header after any EXIF. */
const HEADER_BYTES = 64 * 1024

/** Width and height of a base64 image from its first bytes; undefined when they cannot be read. */
export function base64ImageSize(data: string): { width: number; height: number } | undefined {
  try {
    return imageSize(decodeBase64(data, HEADER_BYTES))
  } catch {
    return undefined
  }
}
