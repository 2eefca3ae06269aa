import { limitedApp } from '../limits/harness.ts'
import { budgetHoles } from './holes.ts'

budgetHoles('memory', (options) => limitedApp(options))
