/*
 * Tutela: small, framework-free behaviours. Loaded with `defer`.
 * CSP-safe: no eval, no inline handlers, no inline styles.
 *
 *  - data-confirm="Messaggio": on a <form> or on its submit button, asks
 *    window.confirm(message) before submitting; declining cancels the submit
 *    (native and htmx-driven forms alike). On an element that triggers an
 *    htmx request outside a form submit (e.g. <button hx-post=...>), the same
 *    attribute is honoured through the htmx:confirm event.
 *  - after htmx swaps new content in, the Bootstrap Italia input labels of
 *    the new fields are initialised (the bundle only does it once, on
 *    DOMContentLoaded). Nothing heavier is re-initialised.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------ data-confirm
  // Fallback for browsers without SubmitEvent.submitter: remember the last
  // submit button that was clicked.
  var lastSubmitter = null;
  document.addEventListener(
    "click",
    function (event) {
      var target = event.target;
      if (!(target instanceof Element)) {
        return;
      }
      var button = target.closest("button, input[type='submit'], input[type='image']");
      lastSubmitter = button && button.form ? button : null;
    },
    true
  );

  function confirmMessageFor(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) {
      return submitter.getAttribute("data-confirm");
    }
    if (form.hasAttribute("data-confirm")) {
      return form.getAttribute("data-confirm");
    }
    return null;
  }

  // Capture phase on document: runs before the form's own listeners
  // (including htmx's), so a declined confirmation stops them all.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) {
        return;
      }
      var submitter = event.submitter || (lastSubmitter && lastSubmitter.form === form ? lastSubmitter : null);
      lastSubmitter = null;
      var message = confirmMessageFor(form, submitter);
      if (message === null) {
        return;
      }
      if (!window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // htmx requests not started by a form submit (already handled above).
  document.addEventListener("htmx:confirm", function (event) {
    var detail = event.detail || {};
    var elt = detail.elt;
    if (!(elt instanceof Element) || !elt.hasAttribute("data-confirm")) {
      return;
    }
    if (detail.triggeringEvent && detail.triggeringEvent.type === "submit") {
      return;
    }
    event.preventDefault();
    if (window.confirm(elt.getAttribute("data-confirm"))) {
      detail.issueRequest(true);
    }
  });

  // ------------------------------------------------ after htmx swaps content
  // Same exclusions as Bootstrap Italia's own DOMContentLoaded initialiser.
  var INPUT_SELECTOR = "input, textarea";
  var INPUT_EXCLUDES = [
    "input[type='hidden']",
    "input[data-bs-input][type='password']",
    "input.input-password[data-bs-input]",
    "input[data-bs-autocomplete][type='search']",
    "input[type='time']",
    "input[type='radio']",
    "input[type='checkbox']",
  ].join(", ");

  function initInputs(root) {
    var bi = window.bootstrap;
    if (!bi || !bi.Input || typeof bi.Input.getOrCreateInstance !== "function") {
      return;
    }
    if (!(root instanceof Element)) {
      return;
    }
    var fields = Array.prototype.slice.call(root.querySelectorAll(INPUT_SELECTOR));
    if (root.matches(INPUT_SELECTOR)) {
      fields.push(root);
    }
    fields.forEach(function (field) {
      if (field.matches(INPUT_EXCLUDES)) {
        return;
      }
      // Input-number widgets are their own component.
      if (field.type === "number" && field.parentNode && field.parentNode.querySelector("button[class^='input-number-']")) {
        return;
      }
      try {
        bi.Input.getOrCreateInstance(field);
      } catch (err) {
        // A missing label or an unusual widget must not break the page.
      }
    });
  }

  // htmx:load fires for every element htmx adds to the page (new content
  // after a swap), and once for <body> at start-up; Bootstrap Italia has
  // already initialised the initial page, and getOrCreateInstance is
  // idempotent, so skip the start-up event.
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt !== document.body) {
      initInputs(elt);
    }
  });
})();
