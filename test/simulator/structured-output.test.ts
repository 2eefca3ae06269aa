import { AnthropicError } from '@anthropic-ai/sdk'
import { Validator } from '@cfworker/json-schema'
import { jsonSchemaOutputFormat } from '@anthropic-ai/sdk/helpers/json-schema'
import { describe, expect, it } from 'vitest'
import { parseDirectives } from '../../src/simulator/directives.ts'
import { generateJson, parses, splitJsonText, structuredPieces } from '../../src/simulator/structured.ts'
import { ask, dataOf, post, readSse, setup } from './helpers.ts'

type Obj = Record<string, unknown>

/** Validation by a full JSON Schema validator (formats included), not the simulator's own matcher. */
const valid = (schema: Obj, value: unknown) => new Validator(schema as never, '2020-12', false).validate(value).valid
const withFormat = (content: string, schema: Obj, extra: Obj = {}) =>
  ask(content, { output_config: { format: { type: 'json_schema', schema } }, ...extra })

const contact = {
  type: 'object',
  properties: {
    notes: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string', format: 'email' },
    plan: { type: 'string', enum: ['basic', 'pro', 'enterprise'] },
    demo_requested: { type: 'boolean' },
  },
  required: ['name', 'email', 'plan', 'demo_requested'],
  additionalProperties: false,
}

const order = {
  type: 'object',
  $defs: {
    address: {
      type: 'object',
      properties: { street: { type: 'string', minLength: 12 }, zip: { type: 'integer', minimum: 10000, maximum: 99999 } },
      required: ['street', 'zip'],
      additionalProperties: false,
    },
    item: {
      type: 'object',
      properties: {
        sku: { type: 'string', format: 'uuid' },
        quantity: { type: 'integer', exclusiveMinimum: 2, maximum: 9 },
        price: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
      },
      required: ['sku', 'quantity', 'price'],
      additionalProperties: false,
    },
  },
  properties: {
    id: { type: 'integer', minimum: -50, maximum: -10 },
    ship_to: { $ref: '#/$defs/address' },
    items: { type: 'array', items: { $ref: '#/$defs/item' }, minItems: 2, maxItems: 3 },
    tags: { type: 'array', items: { type: 'string', enum: ['gift', 'express'] } },
    placed_at: { type: 'string', format: 'date-time' },
    due: { type: 'string', format: 'date' },
    site: { type: 'string', format: 'uri' },
    coupon: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 4 }] },
    discount: { type: ['null', 'number'], multipleOf: 0.25, minimum: 2.1 },
    status: { const: 'open' },
    meta: {
      type: 'object',
      properties: { source: { type: 'string' }, depth: { type: 'object', properties: { level: { type: 'integer' } } } },
      additionalProperties: false,
    },
  },
  required: ['id', 'ship_to', 'items', 'status'],
  additionalProperties: false,
}

const shapes = {
  definitions: {
    type: 'object',
    definitions: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } },
    properties: { shape: { oneOf: [{ $ref: '#/definitions/point' }, { type: 'string' }] }, origin: { $ref: '#/definitions/point' } },
    required: ['shape'],
    additionalProperties: false,
  },
  allOf: {
    allOf: [
      { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
      { properties: { b: { type: 'integer', minimum: 3 } }, required: ['b'] },
    ],
  },
  tuple: { type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'integer' }, { type: 'boolean' }] } } },
  time: {
    type: 'object',
    properties: { t: { type: 'string', format: 'time' }, ip: { type: 'string', format: 'ipv4' }, v6: { format: 'ipv6' } },
  },
}

describe('the generated JSON', () => {
  it.each([
    ['contact (enum, format, optional property)', contact],
    ['order ($defs/$ref, nested objects, arrays, bounds, anyOf, type list, const)', order],
    ...Object.entries(shapes).map(([name, schema]) => [name, schema] as [string, Obj]),
  ])('validates against %s', (_, schema) => {
    for (const seed of ['a', 'b', 'c']) {
      const value = generateJson(schema, seed)
      expect(valid(schema, value), JSON.stringify(value)).toBe(true)
      expect(structuredPieces(schema, seed).join('')).toBe(JSON.stringify(value))
    }
  })

  it('has every property, required ones first, in schema order; honours the bounds', () => {
    const value = generateJson(order, 'seed') as Obj
    expect(Object.keys(value)).toEqual([
      'id',
      'ship_to',
      'items',
      'status',
      'tags',
      'placed_at',
      'due',
      'site',
      'coupon',
      'discount',
      'meta',
    ])
    expect(value.id).toBe(-10)
    expect(value.items).toHaveLength(2)
    expect((value.items as Obj[])[0]).toMatchObject({ quantity: 3, price: 0.5 })
    expect((value.ship_to as Obj).zip).toBe(10000)
    expect(value.discount).toBe(2.25)
    expect(value.status).toBe('open')
    expect(typeof value.coupon).toBe('string')
    expect(Object.keys(generateJson(contact, 'x') as Obj)).toEqual(['name', 'email', 'plan', 'demo_requested', 'notes'])
    expect((generateJson(contact, 'x') as Obj).plan).toBe('basic')
  })

  it('is deterministic per seed', () => {
    expect(generateJson(order, 'one')).toEqual(generateJson(order, 'one'))
    expect(generateJson(order, 'one')).not.toEqual(generateJson(order, 'two'))
  })

  it('splits into tokens that join to the text: words of strings, numbers, punctuation', () => {
    expect(splitJsonText('{"a b":"c d e","n":[1.5,true]}')).toEqual([
      '{',
      '"a',
      ' b"',
      ':',
      '"c',
      ' d',
      ' e"',
      ',',
      '"n"',
      ':',
      '[',
      '1.5',
      ',',
      'true',
      ']',
      '}',
    ])
    const text = JSON.stringify(generateJson(order, 'z'))
    expect(splitJsonText(text).join('')).toBe(text)
  })
})

describe('structured outputs over HTTP', () => {
  it('JSON and stream give the same schema-valid text; usage counts its tokens; end_turn', async () => {
    const { sim } = setup()
    const body = withFormat('Extract the order', order)
    const json = (await (await post(sim, body)).json()) as any
    expect(json.stop_reason).toBe('end_turn')
    expect(json.content).toHaveLength(1)
    const text = json.content[0].text as string
    expect(valid(order, JSON.parse(text))).toBe(true)
    expect(json.usage.output_tokens).toBe(splitJsonText(text).length)

    const events = dataOf((await readSse(await post(sim, { ...body, stream: true }))).frames)
    const deltas = events.filter((e) => e.delta?.type === 'text_delta').map((e) => e.delta.text as string)
    expect(deltas.join('')).toBe(text)
    expect(deltas).toHaveLength(json.usage.output_tokens)
    const end = events.find((e) => e.type === 'message_delta')!
    expect(end.delta.stop_reason).toBe('end_turn')
    expect(end.usage.output_tokens).toBe(json.usage.output_tokens)
  })

  it('the deprecated top-level output_format is honoured too', async () => {
    const { sim } = setup()
    const res = await post(sim, ask('x', { output_format: { type: 'json_schema', schema: contact } }))
    const text = ((await res.json()) as any).content[0].text
    expect(valid(contact, JSON.parse(text))).toBe(true)
  })

  it('text= still wins; tokens= does not change the document', async () => {
    const { sim } = setup()
    const scripted = (await (await post(sim, withFormat('x [sim text="{}"]', contact))).json()) as any
    expect(scripted.content[0].text).toBe('{}')
    const a = (await (await post(sim, withFormat('x [sim tokens=3]', contact))).json()) as any
    expect(valid(contact, JSON.parse(a.content[0].text))).toBe(true)
  })

  it('max_tokens cuts the JSON and says so', async () => {
    const { sim } = setup()
    const msg = (await (await post(sim, withFormat('x', order, { max_tokens: 10 }))).json()) as any
    expect(msg.stop_reason).toBe('max_tokens')
    expect(msg.usage.output_tokens).toBe(10)
    expect(parses(msg.content[0].text)).toBe(false)
  })

  it('with tools: the tool call as usual at step 1, the JSON in the final answer', async () => {
    const { client } = setup()
    const tools = [{ name: 'lookup', input_schema: { type: 'object' as const } }]
    const output_config = { format: { type: 'json_schema' as const, schema: contact } }
    const messages: any[] = [{ role: 'user', content: 'Find her [sim tool=lookup {"q":"Jane"}]' }]
    const first = await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 500, tools, output_config, messages })
    expect(first.stop_reason).toBe('tool_use')
    expect(first.content.map((b) => b.type)).toEqual(['tool_use'])
    const call = first.content[0]!
    messages.push(
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.type === 'tool_use' ? call.id : '', content: 'found' }] },
    )
    const second = await client.messages.create({ model: 'claude-haiku-5-5', max_tokens: 500, tools, output_config, messages })
    expect(second.stop_reason).toBe('end_turn')
    const text = second.content[0]!.type === 'text' ? second.content[0]!.text : ''
    expect(valid(contact, JSON.parse(text))).toBe(true)
  })
})

describe('official SDK', () => {
  it('messages.create and messages.stream with output_config', async () => {
    const { client } = setup()
    const params = {
      model: 'claude-haiku-5-5',
      max_tokens: 1000,
      messages: [{ role: 'user' as const, content: 'Extract: Jane Doe (jane@co.com) wants Pro' }],
      output_config: { format: { type: 'json_schema' as const, schema: contact } },
    }
    const msg = await client.messages.create(params)
    const block = msg.content[0]!
    expect(block.type).toBe('text')
    const text = block.type === 'text' ? block.text : ''
    expect(valid(contact, JSON.parse(text))).toBe(true)
    const streamed = await client.messages.stream(params).finalMessage()
    expect(streamed.content).toEqual(msg.content)
    expect(streamed.usage.output_tokens).toBe(msg.usage.output_tokens)
  })

  it('messages.parse with jsonSchemaOutputFormat gives parsed_output', async () => {
    const { client, sim } = setup()
    const format = jsonSchemaOutputFormat({
      type: 'object',
      properties: { answer: { type: 'integer', minimum: 4 }, unit: { type: 'string', enum: ['apples', 'pears'] } },
      required: ['answer', 'unit'],
    } as const)
    const msg = await client.messages.parse({
      model: 'claude-haiku-5-5',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'What is 2+2?' }],
      output_config: { format },
    })
    expect(msg.parsed_output).toEqual({ answer: 1, unit: 'apples' })
    // The SDK strips minimum (unsupported by the API) into the description and adds additionalProperties: false.
    const sent = (sim.requests[0]!.body as any).output_config.format.schema
    expect(sent).toMatchObject({ additionalProperties: false, properties: { answer: { type: 'integer' } } })
    expect(sent.properties.answer.minimum).toBeUndefined()
    // A reply that is not JSON fails the SDK's parse: what a gateway's repair has to handle.
    const broken = await client.messages
      .parse({
        model: 'claude-haiku-5-5',
        max_tokens: 1000,
        messages: [{ role: 'user', content: 'Again [sim json=broken]' }],
        output_config: { format },
      })
      .catch((e: unknown) => e)
    expect(broken).toBeInstanceOf(AnthropicError)
    expect((broken as Error).message).toMatch(/Failed to parse structured output/)
  })
})

describe('json=invalid and json=broken', () => {
  it('json=invalid times=1: valid JSON that breaks the schema once, then valid', async () => {
    const { sim } = setup()
    const body = withFormat('Extract [sim json=invalid times=1]', contact)
    const first = ((await (await post(sim, body)).json()) as any).content[0].text
    const doc = JSON.parse(first)
    expect(valid(contact, doc)).toBe(false)
    expect(doc.name).toBeUndefined() // the first required property is gone
    expect(doc.email).toBe(0) // the next one has the wrong type
    expect(Object.keys(doc)).toEqual(['email', 'plan', 'demo_requested', 'notes'])
    const second = ((await (await post(sim, body)).json()) as any).content[0].text
    expect(valid(contact, JSON.parse(second))).toBe(true)
  })

  it('json=broken times=1: text that is not JSON once (streamed too), then valid', async () => {
    const { sim } = setup()
    const body = withFormat('Extract [sim json=broken times=1]', order, { stream: true })
    const events = dataOf((await readSse(await post(sim, body))).frames)
    const text = events
      .filter((e) => e.delta?.type === 'text_delta')
      .map((e) => e.delta.text)
      .join('')
    expect(parses(text)).toBe(false)
    const full = JSON.stringify(generateJson(order, `1:${JSON.stringify('Extract [sim json=broken times=1]')}:json`))
    expect(full.startsWith(text)).toBe(true)
    expect(events.find((e) => e.type === 'message_delta')!.delta.stop_reason).toBe('end_turn')
    const again = ((await (await post(sim, { ...body, stream: false })).json()) as any).content[0].text
    expect(again).toBe(full)
  })

  it('violates object-free schemas too, and anyOf roots', () => {
    const roots: Obj[] = [
      { type: 'array', items: { type: 'string' } },
      { type: 'integer', minimum: 3 },
      { anyOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'string' }] },
      { type: 'object', properties: { a: {} }, additionalProperties: false },
      order,
    ]
    for (const schema of roots) {
      const invalid = structuredPieces(schema, 's', 'invalid').join('')
      expect(valid(schema, JSON.parse(invalid)), invalid).toBe(false)
      expect(parses(structuredPieces(schema, 's', 'broken').join(''))).toBe(false)
    }
  })

  it('json= groups apply only to requests with a format: others do not use up times=', async () => {
    const { sim } = setup()
    const prompt = 'Extract [sim json=invalid times=1]'
    const plain = (await (await post(sim, ask(prompt))).json()) as any
    expect(parses(plain.content[0].text)).toBe(false) // ordinary prose
    const first = ((await (await post(sim, withFormat(prompt, contact))).json()) as any).content[0].text
    expect(valid(contact, JSON.parse(first))).toBe(false)
  })

  it('parses json= like the other keys', () => {
    expect(parseDirectives('[sim json=invalid times=1]')).toEqual([{ raw: '[sim json=invalid times=1]', json: 'invalid', times: 1 }])
    expect(parseDirectives('[sim json=broken model=claude-opus-5-5]')[0]).toMatchObject({ json: 'broken', model: 'claude-opus-5-5' })
  })

  it('json=valid is the default; an unknown value is a 400', async () => {
    const { sim } = setup()
    const ok = ((await (await post(sim, withFormat('x [sim json=valid]', contact))).json()) as any).content[0].text
    expect(valid(contact, JSON.parse(ok))).toBe(true)
    const res = await post(sim, withFormat('x [sim json=maybe]', contact))
    expect(res.status).toBe(400)
    expect(((await res.json()) as any).error.message).toMatch(/json must be one of valid, invalid, broken/)
  })
})

describe('validation of output_config', () => {
  const errorOf = async (body: unknown) => {
    const res = await post(setup().sim, body)
    return { status: res.status, ...((await res.json()) as any).error }
  }

  it.each([
    [{ output_config: 'json' }, 'output_config: Input should be a valid object'],
    [{ output_config: { format: 'json' } }, 'output_config.format: Input should be a valid object'],
    [{ output_config: { format: { type: 'json_object', schema: contact } } }, "output_config.format.type: Input should be 'json_schema'"],
    [{ output_config: { format: { type: 'json_schema' } } }, 'output_config.format.schema: Field required'],
    [{ output_config: { format: { type: 'json_schema', schema: '{}' } } }, 'output_config.format.schema: Input should be a valid object'],
    [
      { output_config: { format: { type: 'json_schema', schema: [contact] } } },
      'output_config.format.schema: Input should be a valid object',
    ],
    [
      { output_config: { format: { type: 'json_schema', json_schema: { name: 'x', schema: contact } } } },
      'output_config.format.schema: Field required',
    ],
    [
      { output_config: { format: { type: 'json_schema', schema: contact, name: 'contact' } } },
      'output_config.format.name: Extra inputs are not permitted',
    ],
    [{ output_format: { type: 'text' } }, "output_format.type: Input should be 'json_schema'"],
  ])('%j → 400', async (extra, message) => {
    expect(await errorOf(ask('x', extra))).toEqual({ status: 400, type: 'invalid_request_error', message })
  })

  it('refuses $ref that is external, dangling or recursive', async () => {
    const schema = (properties: Obj, more: Obj = {}) => ({
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties, ...more } } },
    })
    expect((await errorOf(ask('x', schema({ a: { $ref: 'https://example.com/a.json' } })))).message).toMatch(
      /^output_config\.format\.schema: \$ref "https:\/\/example.com\/a.json": only local references/,
    )
    expect((await errorOf(ask('x', schema({ a: { $ref: '#/$defs/missing' } })))).message).toMatch(
      /\$ref "#\/\$defs\/missing" does not resolve/,
    )
    const tree = schema(
      { root: { $ref: '#/$defs/node' } },
      { $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } } },
    )
    expect(await errorOf(ask('x', tree))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/recursive schemas are not supported/),
    })
  })

  it('accepts format null, effort alone, and count_tokens with a format', async () => {
    const { sim } = setup()
    expect((await post(sim, ask('x', { output_config: { format: null } }))).status).toBe(200)
    expect((await post(sim, ask('x', { output_config: { effort: 'high' } }))).status).toBe(200)
    const count = await post(sim, withFormat('x', contact, { max_tokens: undefined }), undefined, '/v1/messages/count_tokens')
    expect(count.status).toBe(200)
  })
})
