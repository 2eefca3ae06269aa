/** Token counts as Anthropic reports them (`usage` of a message), and as the gateway reports them to its clients. */
export interface Usage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens: number
  cache_read_input_tokens: number
  /** Split of cache writes by lifetime, when the API reports it. */
  cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null
}
