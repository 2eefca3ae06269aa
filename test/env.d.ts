// Types for the workerd test run: `exports` of cloudflare:workers is the deployable Worker.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/worker.ts')
  }
  interface Env {
    /** wrangler.toml: the Durable Object of conversations and resumable generations. */
    CONVERSATIONS: DurableObjectNamespace
  }
}
