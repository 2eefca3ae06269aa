export { messagesHandler, countTokensHandler } from './handler.ts'
export { prepareMessages, prepareCountTokens, type PreparedMessages } from './prepare.ts'
