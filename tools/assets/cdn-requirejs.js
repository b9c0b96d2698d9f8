/* Written by tools/assets.py without npm: loads RequireJS from a CDN (needs a network). */
document.write('<script src="https://cdn.jsdelivr.net/npm/requirejs@__VERSION__/require.js"></' + 'script>');
