/*
 * Tutela: globals read by the Bootstrap Italia bundle when it loads.
 * Load this file BEFORE bootstrap-italia.bundle.min.js.
 *
 * The bundle embeds video.js, which at load time inserts an inline
 * <style class="vjs-styles-defaults"> into <head> unless
 * window.VIDEOJS_NO_DYNAMIC_STYLE is true (a documented video.js option).
 * Our CSP (style-src 'self') blocks inline styles, so that insertion would
 * only produce a CSP violation on every page: turn it off.
 *
 * Fonts need no setting here: the bundle does not load them by itself
 * (only an explicit bootstrap.loadFonts() call would inject an inline
 * <style>, which we never make); static/css/fonts.css declares them.
 */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
