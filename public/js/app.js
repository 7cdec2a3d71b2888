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
  }
  document.addEventListener('DOMContentLoaded', function () { focusErrorSummary(document); });
  // After an htmx swap, move focus to a new error summary, or announce the change.
  document.addEventListener('htmx:afterSwap', function (event) {
    var target = event.detail && event.detail.target;
    // An outerHTML swap replaces the target: read the element that took its place.
    if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
    if (!target) return;
    if (target.querySelector('[data-error-summary]')) { focusErrorSummary(target); return; }
    var message = target.getAttribute('data-announce');
    var live = document.getElementById('live-region');
    if (!message || !live) return;
    // Emptied first so the same message twice in a row is announced twice.
    live.textContent = '';
    setTimeout(function () { live.textContent = message; }, 50);
  });
})();
