// Types for the workerd test run: `exports` of cloudflare:workers is the deployable Worker.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('../src/worker.ts')
  }
}
