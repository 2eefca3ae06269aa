import { expect } from 'vitest'
import { ChatError } from '../../client/chat-error.ts'

/** The ChatError `promise` rejects with (anything else fails the test). */
export async function rejection(promise: Promise<unknown>): Promise<ChatError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection')
    },
    (e: unknown) => e,
  )
  if (!ChatError.isInstance(error)) throw error
  return error
}

/** Waits (at most about 200 turns of the event loop) until `condition` holds. */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 1))
  expect(condition()).toBe(true)
}
