// The bench's upstream: the simulator as a standalone server (own process, no request log), so its
// CPU is neither the load generator's nor the runtime's. Prints its URL on the first line.
import { startSimulatorServer } from '../scripts/simulator.ts'

const { url } = await startSimulatorServer({ port: Number(process.env.PORT ?? 0) })
console.log(url)
