import { describe, expect, it } from 'vitest'
import { pdfPageCount } from '../../src/media/pdf-pages.ts'

const encode = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))

/** A small uncompressed PDF whose page objects are written with `pageDicts`. */
function pdf(pageDicts: string[], { header = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n' } = {}): Uint8Array {
  const kids = pageDicts.map((_, i) => `${i + 3} 0 R`).join(' ')
  const objects = [
    '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
    `2 0 obj\n<< /Type /Pages /Kids [${kids}] /Count ${pageDicts.length} >>\nendobj\n`,
    ...pageDicts.map((d, i) => `${i + 3} 0 obj\n${d}\nendobj\n`),
  ]
  return encode(`${header}${objects.join('')}trailer\n<< /Root 1 0 R >>\n%%EOF\n`)
}

describe('pdfPageCount', () => {
  it('counts /Type /Page objects, not the /Pages tree nodes', () => {
    expect(pdfPageCount(pdf(['<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>']))).toBe(1)
    expect(pdfPageCount(pdf(new Array(12).fill('<< /Type /Page /Parent 2 0 R >>')))).toBe(12)
  })

  it('tolerates any PDF whitespace, or none, between the two names, and any delimiter after', () => {
    const dicts = [
      '<</Type/Page/Parent 2 0 R>>',
      '<< /Type\r\n/Page\n/Parent 2 0 R >>',
      '<< /Parent 2 0 R /Type\t/Page>>',
      '<< /Type /Page[] >>',
      '<< /Type /Page%comment\n>>',
      '<< /Type /Page',
    ]
    expect(pdfPageCount(pdf(dicts))).toBe(dicts.length)
  })

  it('ignores longer names that start with /Page', () => {
    expect(pdfPageCount(pdf(['<< /Type /Page >>', '<< /Type /PageLabel >>', '<< /Type /Pages /Count 0 >>']))).toBe(1)
  })

  it('accepts a little junk before the header (as readers do)', () => {
    expect(pdfPageCount(pdf(['<< /Type /Page >>'], { header: 'junk\r\n%PDF-1.4\n' }))).toBe(1)
  })

  it('undefined without a %PDF- header in the first KiB, or without a readable page', () => {
    expect(pdfPageCount(new Uint8Array())).toBeUndefined()
    expect(pdfPageCount(encode('<< /Type /Page >>'))).toBeUndefined()
    expect(pdfPageCount(pdf(['<< /Type /Page >>'], { header: `${' '.repeat(2000)}%PDF-1.4\n` }))).toBeUndefined()
    expect(pdfPageCount(encode('<!DOCTYPE html><html><body>withdrawn</body></html>'))).toBeUndefined()
    // Pages inside a compressed object stream cannot be seen.
    expect(
      pdfPageCount(
        encode('%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length 3 >>\nstream\nx\x9c\x03\nendstream\nendobj\n%%EOF'),
      ),
    ).toBeUndefined()
  })
})
