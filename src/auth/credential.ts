import { GatewayError } from '../errors.ts'

/** Longest credential accepted; keys are 49 characters, session tokens a few hundred. */
export const MAX_CREDENTIAL_LENGTH = 4096

/** token68 (RFC 7235): what a key or a JWT is made of. */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/
const BEARER = /^Bearer +(\S+) *$/i

export type CredentialKind = 'key' | 'session'

export interface PresentedCredential {
  kind: CredentialKind
  token: string
}

function malformed(message: string): GatewayError {
  return new GatewayError('authentication_error', message)
}

/**
 * Reads the caller's credential from `Authorization: Bearer …` or `x-api-key: …` (the Anthropic
 * SDKs send one or the other). Returns undefined when neither is present; throws a 401 for a
 * malformed or ambiguous one. A token of three dot-separated parts is a session token (a JWT),
 * anything else a secret key. Error messages never repeat the credential.
 */
export function readCredential(headers: Headers): PresentedCredential | undefined {
  const authorization = headers.get('authorization')?.trim() || undefined
  const apiKey = headers.get('x-api-key')?.trim() || undefined
  let fromAuthorization: string | undefined
  if (authorization !== undefined) {
    const match = authorization.length <= MAX_CREDENTIAL_LENGTH + 16 ? BEARER.exec(authorization) : null
    if (!match || !valid(match[1]!)) {
      throw malformed('Malformed Authorization header: expected `Authorization: Bearer <claude-edge key or session token>`, sent once.')
    }
    fromAuthorization = match[1]!
  }
  if (apiKey !== undefined && !valid(apiKey)) {
    throw malformed('Malformed x-api-key header: expected one claude-edge key or session token.')
  }
  if (fromAuthorization !== undefined && apiKey !== undefined && fromAuthorization !== apiKey) {
    throw malformed('Two different credentials were sent (Authorization and x-api-key): send one.')
  }
  const token = fromAuthorization ?? apiKey
  if (token === undefined) return undefined
  return { kind: token.split('.').length === 3 ? 'session' : 'key', token }
}

function valid(token: string): boolean {
  return token.length <= MAX_CREDENTIAL_LENGTH && TOKEN.test(token)
}
