import { seededRandom } from './hash.ts'

const WORDS = (
  'the a of to and in that it is was for on are as with his they at be this from have or by one had ' +
  'not but what all were when we there can an your which their said if do will each about how up out ' +
  'them then she many some so these would other into has more her two like him see time could no make ' +
  'than first been its who now people my made over did down only way find use may water long little ' +
  'very after words called just where most know get through back much before go good new write our used ' +
  'me man too any day same right look think also around another came come work three word must because ' +
  'does part even place well such here take why things help put years different away again off went old ' +
  'number great tell men say small every found still between name should home big give air line set own ' +
  'under read last never us left end along while might next sound below saw something thought both few ' +
  'those always looked show large often together asked house world going want school important until form ' +
  'food keep children feet land side without boy once animals life enough took sometimes four head above ' +
  'kind began almost live page got earth need far hand high year mother light parts country father'
).split(' ')

/**
 * `count` readable English-ish tokens derived from `seed`: words with a leading space, sentence
 * ends (".") and the occasional comma as tokens of their own. Same seed, same tokens.
 */
export function generatePieces(seed: string, count: number): string[] {
  const next = seededRandom(seed)
  const pieces: string[] = []
  let sentenceLeft = 0
  while (pieces.length < count) {
    if (sentenceLeft === 0) sentenceLeft = 5 + Math.floor(next() * 9)
    const word = WORDS[Math.floor(next() * WORDS.length)]!
    const startsSentence = pieces.length === 0 || pieces.at(-1) === '.'
    const text = startsSentence ? word[0]!.toUpperCase() + word.slice(1) : word
    pieces.push(pieces.length === 0 ? text : ` ${text}`)
    sentenceLeft--
    if (pieces.length >= count) break
    if (sentenceLeft === 0) pieces.push('.')
    else if (next() < 0.06) pieces.push(',')
  }
  return pieces
}

/** `count` words of the simulator's vocabulary, lower case, drawn from `next`. */
export function randomWords(next: () => number, count: number): string[] {
  return Array.from({ length: count }, () => WORDS[Math.floor(next() * WORDS.length)]!)
}

/** Splits given text into tokens the way it is streamed: each word with its leading whitespace. */
export function splitText(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? []
}

/** Splits JSON into `input_json_delta` fragments of at most `size` characters. */
export function splitJson(json: string, size = 10): string[] {
  const chars = Array.from(json)
  const out: string[] = []
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''))
  return out
}
