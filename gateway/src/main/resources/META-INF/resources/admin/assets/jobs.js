// Keeps a training job's page live: re-fetches the page's "live" fragment every second and swaps it in, until
// the job is finished. Without JavaScript the page still shows the state at load time.
(function () {
  var section = document.getElementById('live');
  if (!section || section.dataset.finished === 'true') {
    return;
  }
  var url = section.dataset.live;
  function refresh() {
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('HTTP ' + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        section.innerHTML = html;
        if (!/id="status"[^>]*>(SUCCEEDED|FAILED|CANCELLED)</.test(html)) {
          setTimeout(refresh, 1000);
        }
      })
      .catch(function () {
        setTimeout(refresh, 5000);
      });
  }
  setTimeout(refresh, 1000);
})();
