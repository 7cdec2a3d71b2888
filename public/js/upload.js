// Upload progress where JavaScript runs (R-F2): the same form is sent with XMLHttpRequest so a
// <progress> can follow it; the answer (the folder after the redirect, or a 413/422 page) then
// replaces the page's main content. Without this file the form posts as usual.
(function () {
  'use strict';
  if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) return;

  function show(html, url, redirected) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var fresh = doc.getElementById('main');
    var main = document.getElementById('main');
    if (!fresh || !main) { window.location.assign(url); return; }
    main.innerHTML = fresh.innerHTML;
    document.title = doc.title;
    if (redirected && url !== window.location.href) window.history.pushState(null, '', url);
    if (window.htmx) window.htmx.process(main);
    var summary = main.querySelector('[data-error-summary]');
    (summary || main).focus();
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-upload')) return;
    var input = form.querySelector('input[type="file"]');
    // Nothing chosen: let the server answer with its "choose a file" message.
    if (!input || !input.files || input.files.length === 0) return;
    event.preventDefault();
    var box = form.querySelector('[data-upload-progress]');
    var bar = box && box.querySelector('progress');
    var status = box && box.querySelector('[data-upload-status]');
    var button = form.querySelector('button[type="submit"]');
    if (box) box.hidden = false;
    if (button) button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable || !bar) return;
      var percent = Math.floor((e.loaded / e.total) * 100);
      bar.value = percent;
      if (status && percent % 10 === 0) status.textContent = percent + '%';
    });
    xhr.addEventListener('load', function () {
      show(xhr.responseText, xhr.responseURL || form.action, xhr.responseURL !== form.action);
    });
    xhr.addEventListener('error', function () {
      if (button) button.disabled = false;
      if (status) status.textContent = form.getAttribute('data-upload-failed') || '';
    });
    xhr.send(new FormData(form));
  });
})();
