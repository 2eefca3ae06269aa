// zod/mini keeps the Worker bundle small (about 6 KB gzip instead of about 90 KB for classic zod);
// the English locale gives readable messages ("expected string, received number").
import * as z from 'zod/mini'
import en from 'zod/v4/locales/en.js'

z.config(en())

export { z }
