// zod/mini keeps the Worker bundle small (about 6 KB gzip instead of about 90 KB for classic zod).
// Import `* as z from 'zod/mini'` directly where needed (a re-exported namespace defeats
// tree-shaking) and import this module once for its effect: English error messages
// ("expected string, received number") instead of zod/mini's bare "Invalid input".
import { config } from 'zod/mini'
import en from 'zod/v4/locales/en.js'

config(en())
