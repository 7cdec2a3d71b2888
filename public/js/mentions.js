// Issue 18: suggestions while typing "@…" in a text box with data-mentions (progressive enhancement:
// without this file "@Full Name" or "@e-mail" typed in full is resolved by the server).
// The list is fetched with htmx from /mentions; ArrowDown/ArrowUp move, Enter or Tab picks, Escape closes.
(function () {
  'use strict';
  var counter = 0;
  function query(box) {
    var before = box.value.slice(0, box.selectionStart);
    var m = /(?:^|[\s(])@([^@\n]{0,40})$/.exec(before);
    if (!m || /\s{2}|^\s/.test(m[1])) return null;
    return { text: m[1], start: before.length - m[1].length - 1 };
  }
  function where(box) {
    var form = box.form;
    var target = form && form.querySelector('select[name="target"]');
    if (target) return target.value === 'all' ? 'all' : 'group-' + target.value;
    return box.getAttribute('data-mentions');
  }
  function setup(box) {
    if (box.getAttribute('data-mentions-ready')) return;
    box.setAttribute('data-mentions-ready', '1');
    var list = document.createElement('div');
    list.id = 'mention-suggestions-' + (++counter);
    list.className = 'mention-suggestions';
    list.hidden = true;
    box.insertAdjacentElement('afterend', list);
    box.setAttribute('aria-autocomplete', 'list');
    box.setAttribute('aria-controls', list.id);
    var active = -1;
    var timer = null;
    function options() { return list.querySelectorAll('[role="option"]'); }
    function close() {
      list.hidden = true; list.innerHTML = ''; active = -1;
      box.removeAttribute('aria-activedescendant');
    }
    function highlight(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) {
        opts[k].id = list.id + '-' + k;
        opts[k].setAttribute('aria-selected', k === active ? 'true' : 'false');
      }
      box.setAttribute('aria-activedescendant', opts[active].id);
    }
    function pick(option) {
      var q = query(box);
      if (!q) return close();
      var name = option.getAttribute('data-mention');
      var after = box.value.slice(box.selectionStart);
      box.value = box.value.slice(0, q.start) + '@' + name + ' ' + after.replace(/^\S*/, '');
      var caret = q.start + name.length + 2;
      box.setSelectionRange(caret, caret);
      close();
      box.focus();
    }
    function refresh() {
      var q = query(box);
      if (!q || q.text.trim() === '' || !window.htmx) return close();
      var url = '/mentions?in=' + encodeURIComponent(where(box) || '') + '&q=' + encodeURIComponent(q.text);
      window.htmx.ajax('GET', url, { target: list, swap: 'innerHTML' }).then(function () {
        if (!query(box)) return close();
        list.hidden = false; active = -1;
      });
    }
    box.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(refresh, 150); });
    box.addEventListener('blur', function () { setTimeout(close, 150); });
    box.addEventListener('keydown', function (e) {
      if (list.hidden || !options().length) return;
      if (e.key === 'ArrowDown') { e.preventDefault(); highlight(active + 1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active - 1); }
      else if ((e.key === 'Enter' || e.key === 'Tab') && active >= 0) { e.preventDefault(); pick(options()[active]); }
      else if (e.key === 'Escape') { e.preventDefault(); close(); }
    });
    list.addEventListener('mousedown', function (e) {
      var option = e.target.closest && e.target.closest('[role="option"]');
      if (option) { e.preventDefault(); pick(option); }
    });
  }
  function scan(root) {
    var boxes = (root || document).querySelectorAll('textarea[data-mentions]');
    for (var i = 0; i < boxes.length; i++) setup(boxes[i]);
  }
  document.addEventListener('DOMContentLoaded', function () { scan(document); });
  document.addEventListener('htmx:afterSettle', function (e) { scan(e.target && e.target.isConnected ? e.target.parentNode || document : document); });
})();
