/** Header of the Worker's requests to a conversation's Durable Object (which no one else can reach). */
export const INTERNAL_ROUTE = 'x-claude-edge-conversation'
export type InternalRoute = 'run' | 'resume' | 'stop' | 'store'

/** What the gateway uses of a Durable Object namespace binding (what `CONVERSATIONS_BINDING` names). */
export interface ObjectNamespace {
  idFromName(name: string): ObjectId
  get(id: ObjectId): ObjectStub
}

/** A Durable Object id, as the namespace hands it out. */
export type ObjectId = object

export interface ObjectStub {
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>
}

export function isNamespace(value: unknown): value is ObjectNamespace {
  return typeof value === 'object' && value !== null && typeof (value as ObjectNamespace).idFromName === 'function'
}
