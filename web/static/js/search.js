// Label autocomplete for every search box: asks /api/search and lists matches as links.
(function () {
  "use strict";
  function attach(input) {
    var list = input.parentElement.querySelector(".suggestions");
    var endpoint = input.getAttribute("data-autocomplete");
    var timer = null;
    var seq = 0;
    function render(results) {
      list.textContent = "";
      results.forEach(function (r) {
        if (!r.url) { return; }
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = r.url;
        a.textContent = r.label;
        if (r.type) {
          var t = document.createElement("span");
          t.className = "type";
          t.textContent = r.type;
          a.appendChild(t);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      list.hidden = list.children.length === 0;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { render([]); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetch(endpoint + "?q=" + encodeURIComponent(q) + "&limit=10", { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) { if (mine === seq) { render(data.results); } })
          .catch(function () { render([]); });
      }, 150);
    });
    input.form.addEventListener("submit", function (event) {
      // Enter opens the first match instead of showing the raw JSON.
      var first = list.querySelector("a");
      if (first) { event.preventDefault(); window.location.href = first.href; }
    });
    document.addEventListener("click", function (event) {
      if (!input.parentElement.contains(event.target)) { list.hidden = true; }
    });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(attach);
})();
