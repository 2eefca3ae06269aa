import type { Context } from 'hono'
import { pipeModelStream, streamUIMessages } from '../stream/index.ts'
import { messageParams } from '../upstream/params.ts'
import { prepareChat } from './prepare.ts'

/**
 * `POST /v1/chat/stream`: the reply as an AI SDK UI message stream (SPEC §1.4). Bad input and
 * refused admission answer JSON errors before the stream starts; later failures become an
 * `error` part followed by `finish`.
 */
export async function chatStreamHandler(c: Context): Promise<Response> {
  const req = await prepareChat(c)
  const upstream = c.get('upstream')
  const meter = c.get('meter')
  const idleTimeoutMs = c.get('config').upstreamIdleTimeoutMs
  return streamUIMessages(
    c,
    async (writer, signal) => {
      const { value: stream, model } = await upstream.stream(messageParams(req), { signal, meter })
      writer.startStep()
      const { message } = await pipeModelStream(stream, writer, { model, meter, signal, idleTimeoutMs })
      writer.finishStep()
      return { model: message.model, stopReason: message.stop_reason }
    },
    { warnings: req.warnings },
  )
}
