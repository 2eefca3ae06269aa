import { calculator } from './calculator.ts'
import { currentTime } from './current-time.ts'

export { calculator } from './calculator.ts'
export { currentTime } from './current-time.ts'

/** The two safe tools the deployable Worker ships with. */
export const demoTools = [currentTime, calculator] as const
