/* Written by tools/assets.py without npm: loads the widget manager from a CDN (needs a network). */
document.write('<script src="https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@__VERSION__/dist/embed-amd.js"></' + 'script>');
