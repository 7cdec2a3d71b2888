// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Issue 16: chat and the header's count are pushed by an event stream (body[data-sse-connect]).
  // Where EventSource is missing, chat polls instead. This runs before htmx reads the page.
  if (!window.EventSource) {
    document.body.removeAttribute('data-sse-connect');
    var polls = document.querySelectorAll('[data-live-poll]');
    for (var i = 0; i < polls.length; i++) polls[i].setAttribute('data-hx-trigger', 'every 3s, chat-sent from:body');
  }
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector('[data-error-summary]');
    if (summary) summary.focus();
    return Boolean(summary);
  }
  function focusElement(el) {
    // A list item or a section takes focus from a script only (it is not in the Tab order).
    if (!el.matches('a[href], button, input, select, textarea, summary, [tabindex]')) el.setAttribute('tabindex', '-1');
    el.focus();
  }
  document.addEventListener('DOMContentLoaded', function () { focusErrorSummary(document); });
  // The focused element's id before a swap: a link or control the answer brings again keeps focus.
  var focusedId = null;
  document.addEventListener('htmx:beforeSwap', function () {
    var active = document.activeElement;
    focusedId = active && active !== document.body && active.id ? active.id : null;
  });
  // After an htmx swap has settled (htmx keeps the old element's attributes on the new one until
  // then, so data-focus and data-announce are read afterwards): focus a new error summary; otherwise the element the fragment names in
  // data-focus (what the person uses next), or the control that had focus; and announce
  // data-announce once in the live region.
  document.addEventListener('htmx:afterSettle', function (event) {
    var target = event.detail && event.detail.target;
    // An outerHTML swap replaces the target: read the element that took its place.
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target) return;
    if (focusErrorSummary(target)) return;
    var named = target.getAttribute('data-focus');
    var next = (named && document.getElementById(named)) || (focusedId && document.getElementById(focusedId));
    var active = document.activeElement;
    if (next && next !== active) focusElement(next);
    var message = target.getAttribute('data-announce');
    var live = document.getElementById('live-region');
    if (!message || !live) return;
    // Emptied first so the same message twice in a row is announced twice.
    live.textContent = '';
    setTimeout(function () { live.textContent = message; }, 50);
  });
})();
