// The official Anthropic SDK, pointed at claude-edge instead of api.anthropic.com.
//
//   CLAUDE_EDGE_URL=https://chat.example.com CLAUDE_EDGE_KEY=ce_sk_… node examples/node-sdk/index.ts "Your question"
//
// `baseURL` is the Worker; `apiKey` is a claude-edge client key (from `npm run keys:new`, listed
// in the Worker's CLIENT_KEYS), never an Anthropic key: the Worker holds that one.
import Anthropic from '@anthropic-ai/sdk'

const baseURL = process.env.CLAUDE_EDGE_URL ?? 'http://127.0.0.1:8787'
const apiKey = process.env.CLAUDE_EDGE_KEY
if (!apiKey) {
  console.error('Set CLAUDE_EDGE_KEY to a claude-edge client key (npm run keys:new), or run `npm run example:node`.')
  process.exit(1)
}
const question = process.argv[2] ?? 'In one sentence: why do SSE streams need heartbeats behind proxies?'

const client = new Anthropic({ baseURL, apiKey })

// 1. One request, the whole answer at once.
const message = await client.messages.create({
  model: 'claude-haiku-5-5',
  max_tokens: 300,
  messages: [{ role: 'user', content: question }],
})
const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('')
console.log(`[create] ${message.model} (${message.stop_reason}, ${message.usage.input_tokens} in / ${message.usage.output_tokens} out):`)
console.log(text)

// 2. The same question, streamed: text is printed as it arrives.
console.log('[stream] ')
let deltas = 0
const stream = client.messages.stream({
  model: 'claude-haiku-5-5',
  max_tokens: 300,
  messages: [{ role: 'user', content: question }],
})
stream.on('text', (delta) => {
  deltas += 1
  process.stdout.write(delta)
})
const final = await stream.finalMessage()
console.log(`\n[stream] ${final.model} (${final.stop_reason}, ${final.usage.output_tokens} tokens in ${deltas} text deltas)`)
