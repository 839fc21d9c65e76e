import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const API = 'http://localhost:3000';

/** Removes every `@media screen\0 …{…}` block: Internet Explorer hacks that Lightning CSS cannot parse. */
function withoutIeHacks(css: string): string {
  let out = css;
  for (let start = out.indexOf('@media screen\\0'); start !== -1; start = out.indexOf('@media screen\\0')) {
    let depth = 0;
    let end = out.indexOf('{', start);
    for (; end < out.length; end++) {
      if (out[end] === '{') depth++;
      else if (out[end] === '}' && --depth === 0) break;
    }
    out = out.slice(0, start) + out.slice(end + 1);
  }
  return out;
}

/**
 * nhsuk-frontend's compiled CSS loads the Frutiger web font from assets.nhs.uk and points its icons at
 * `/assets/images/`. Our content security policy allows fonts and images from our own origin only, so drop the
 * `@font-face` rules (the stack falls back to Arial, as NHS.UK does when the font is unavailable) and point
 * the icons at the package's own files, which Vite then bundles. Internet Explorer hacks go too.
 */
function nhsukFrontendCss(): Plugin {
  return {
    name: 'pathflow:nhsuk-frontend-css',
    enforce: 'pre',
    transform(code, id) {
      if (!/nhsuk-frontend[\\/].*\.css(\?|$)/.test(id)) return null;
      return {
        code: withoutIeHacks(code)
          .replace(/@font-face\s*{[^}]*}/g, '')
          .replace(/url\(\s*(['"]?)\/assets\/images\//g, 'url($1./assets/images/'),
        map: null,
      };
    },
  };
}

export default defineConfig({
  plugins: [nhsukFrontendCss(), react()],
  server: {
    proxy: {
      '/api': API,
      '/oauth2': API,
      '/health': API,
      '/fhir': API,
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
