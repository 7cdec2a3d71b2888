// The task board (R-T9), progressive enhancement only: every card keeps its move form, which works
// without this file. With it, a card is dragged to another column, or focused and moved with the
// left and right arrow keys; either way the card's own form is sent (same route, same rule), the
// card moves when the server agrees, keeps the focus, and the move is announced in the live region.
(function () {
  'use strict';
  function announce(message) {
    var live = document.getElementById('live-region');
    if (!live) return;
    live.textContent = '';
    setTimeout(function () { live.textContent = message; }, 50);
  }
  function columns(board) { return Array.prototype.slice.call(board.querySelectorAll('[data-status]')); }
  function columnOf(card) { return card.closest('[data-status]'); }
  function refreshEmpty(column) {
    var empty = column.querySelector('.board__empty');
    if (empty) empty.hidden = column.querySelector('.card') !== null;
  }
  // Cards are newest first, as the server orders them.
  function place(card, column) {
    var list = column.querySelector('.board__cards');
    var id = Number(card.getAttribute('data-task-id'));
    var before = Array.prototype.find.call(list.children, function (other) { return Number(other.getAttribute('data-task-id')) < id; });
    list.insertBefore(card, before || null);
  }
  function move(board, card, column) {
    var from = columnOf(card);
    var form = card.querySelector('form[data-board-move]');
    if (!form || !column || column === from) return;
    var status = column.getAttribute('data-status');
    form.elements.status.value = status;
    card.setAttribute('aria-busy', 'true');
    fetch(form.action, { method: 'POST', body: new URLSearchParams(new FormData(form)), headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      .then(function (res) { return res.text().then(function (text) { return { ok: res.ok, text: text }; }); })
      .then(function (answer) {
        card.removeAttribute('aria-busy');
        if (!answer.ok) throw new Error(answer.text);
        place(card, column);
        refreshEmpty(from);
        refreshEmpty(column);
        var overdue = card.querySelector('[data-overdue]');
        if (overdue) overdue.hidden = status === 'completed';
        card.focus();
        announce(answer.text);
      })
      .catch(function () {
        card.removeAttribute('aria-busy');
        form.elements.status.value = from.getAttribute('data-status');
        card.focus();
        announce(board.getAttribute('data-move-failed'));
      });
  }
  function enhance(board) {
    var dragged = null;
    Array.prototype.forEach.call(board.querySelectorAll('.card'), function (card) {
      if (!card.querySelector('form[data-board-move]') || card.hasAttribute('draggable')) return;
      card.setAttribute('draggable', 'true');
      card.setAttribute('tabindex', '0');
      card.setAttribute('aria-describedby', 'board-key-hint');
      card.addEventListener('dragstart', function (event) {
        dragged = card;
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', card.id);
      });
      card.addEventListener('dragend', function () { dragged = null; });
      card.addEventListener('keydown', function (event) {
        if (event.target !== card || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
        event.preventDefault();
        var all = columns(board);
        var next = all[all.indexOf(columnOf(card)) + (event.key === 'ArrowRight' ? 1 : -1)];
        if (next) move(board, card, next);
      });
    });
    columns(board).forEach(function (column) {
      column.addEventListener('dragover', function (event) {
        if (!dragged) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
      });
      column.addEventListener('drop', function (event) {
        if (!dragged) return;
        event.preventDefault();
        move(board, dragged, column);
        dragged = null;
      });
    });
  }
  function start(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll('[data-board]'), enhance);
  }
  document.addEventListener('DOMContentLoaded', function () { start(document); });
  // The filters replace the board through htmx.
  document.addEventListener('htmx:afterSwap', function (event) { start(event.detail && event.detail.target); });
})();
