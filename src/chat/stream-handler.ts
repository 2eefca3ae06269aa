import type { Context } from 'hono'
import { streamUIMessages } from '../stream/index.ts'
import { prepareChat } from './prepare.ts'
import { runChat, streamStep, streamToolHooks } from './run.ts'
import { saveTurn } from './save-turn.ts'

/**
 * `POST /v1/chat/stream`: the reply as an AI SDK UI message stream (docs/http.md#chat-stream). Bad input and
 * refused admission answer JSON errors before the stream starts; later failures become an
 * `error` part followed by `finish`. With tools, each model call is a step (`start-step` …
 * `finish-step`) holding its streamed tool input and the server tools' outputs.
 */
export async function chatStreamHandler(c: Context): Promise<Response> {
  const req = await prepareChat(c)
  return streamUIMessages(
    c,
    async (writer, signal) => {
      const result = await runChat(c, req, { signal, runStep: streamStep(c, writer, signal), ...streamToolHooks(writer) })
      await saveTurn(c, req, result)
      return { model: result.message.model, stopReason: result.stopReason, ...(result.object !== undefined && { object: result.object }) }
    },
    { warnings: req.warnings },
  )
}
