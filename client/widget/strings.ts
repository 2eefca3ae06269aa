/**
 * Every text `<claude-chat>` shows or announces, in English. A site localises the widget by setting
 * the element's `strings` property to any subset (documented in docs/browser-client.md#strings);
 * `{name}` is the assistant's name and `{wait}`, `{id}`, `{position}` are filled in where noted.
 */
export const DEFAULT_STRINGS = {
  /** The assistant's name, put in for `{name}`. */
  name: 'Claude',
  heading: 'Chat with {name}',
  placeholder: 'Ask {name} anything…',
  /** The placeholder when a custom heading is set but neither `placeholder` nor `name` is. */
  neutralPlaceholder: 'Write a message…',
  /** The empty state's text. */
  greeting: 'Ask a question to get started.',
  suggestions: 'Suggestions',
  inputLabel: 'Message to {name}',
  send: 'Send message',
  sendTitle: 'Send (Enter)',
  stop: 'Stop',
  stopLabel: 'Stop the reply',
  stopTitle: 'Stop (Esc)',
  newChat: 'New chat',
  /** Under the input; not shown on touch screens, where Enter adds a line. */
  hint: 'Enter to send · Shift+Enter for a new line',
  regenerate: 'Regenerate',
  tryAgain: 'Try again',
  reference: 'Reference: {id}',
  /** While the request waits for a free upstream slot (`{position}`: its place in the queue). */
  queued: 'Waiting for a free slot…',
  /** Screen-reader labels of the turns. */
  you: 'You said:',
  assistant: '{name} said:',
  stopped: 'Stopped',
  incomplete: 'Incomplete reply',
  /** Announced to screen readers. */
  replying: '{name} is replying…',
  replied: '{name} has replied.',
  cleared: 'New chat.',
  /** Inside replies (see assistant-message.ts). */
  thinking: 'Thinking',
  tool: 'Tool',
  toolDetails: 'Details',
  toolPreparing: 'Preparing…',
  toolRunning: 'Running…',
  toolDone: 'Done',
  toolFailed: 'Failed',
  toolInput: 'Input:',
  toolResult: 'Result:',
  toolError: 'Error:',
  copy: 'Copy',
  copyCode: 'Copy code',
  copyMessage: 'Copy message',
  copied: 'Copied',
  copyFailed: 'Copy failed',
  /** Under a reply with `show-usage` (`{count}`: the number of tokens). */
  tokens: '{count} tokens',
  /** A file in a reply. */
  attachment: 'Attachment',
  /** Errors (`{wait}`: e.g. "30 seconds" or "2 hours (at 18:00)", in the page's language). */
  errorRateLimit: "You've sent too many messages in a short time. Please wait a moment and try again.",
  errorRateLimitWait: "You've sent too many messages in a short time. You can send again in {wait}.",
  errorBudget: 'This chat has used up its budget for today. Please try again later.',
  errorBudgetWait: 'This chat has used up its budget for today. It will be available again in {wait}.',
  errorOverloaded: '{name} is very busy right now. Please try again in a moment.',
  errorOverloadedWait: '{name} is very busy right now. Please try again in {wait}.',
  /** Put before the timeout, overload and other errors when part of the reply had arrived. */
  errorCutPrefix: 'The reply was cut off. ',
  errorTimeout: 'The reply took too long. Please try again.',
  errorSession: 'Your session has expired or is not valid. Reload the page to continue.',
  errorPermission: "This chat can't be used from this page or with this account.",
  errorTooLong: 'This conversation has grown too long. Start a new chat to continue.',
  errorRejected: "The chat service couldn't accept this message. Try rephrasing it or start a new chat.",
  errorNotFound: "The chat service wasn't found at its address. Please let the site owner know.",
  errorOffline: "Couldn't reach the chat service. Check your connection and try again.",
  errorDropped: 'The connection was lost before the reply finished. Please try again.',
  errorCutOff: 'The reply was cut off before it finished. Please try again.',
  errorOther: 'Something went wrong on our side. Please try again.',
}

export type ClaudeChatStrings = typeof DEFAULT_STRINGS

/** `{key}` → `values[key]` (unknown keys are left as they are). */
export function fill(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match))
}
