/*
 * Remedy KG SPARQL query page.
 *
 * Mounts Yasgui (vendored in /static/vendor/yasgui/, see scripts/build-query-ui.sh)
 * in <div id="yasgui">. Everything it needs comes from the JSON in
 * <script type="application/json" id="query-ui-config">:
 *
 *   {"endpoint": "/sparql", "prefixes": {"rkg": "<namespace IRI>"},
 *    "examples": [{"name": "...", "title": "...", "query": "..."}],
 *    "query": "initial query or empty", "timeoutSeconds": 10,
 *    "localBases": {"<IRI prefix>": "<local path serving it>"}}
 *
 * Written for a strict CSP (script-src 'self', connect-src 'self'): no inline code,
 * no eval, and no request to any host but this one (Yasgui's endpoint catalogue and
 * its Linked Open Vocabularies / prefix.cc autocompleters are switched off).
 */
(function () {
  "use strict";

  var DEFAULT_BODY = "SELECT * WHERE {\n  ?s ?p ?o .\n}\nLIMIT 10\n";

  function readConfig() {
    var el = document.getElementById("query-ui-config");
    var raw = {};
    if (el) {
      try {
        raw = JSON.parse(el.textContent || "{}") || {};
      } catch (err) {
        console.error("query-ui: #query-ui-config is not valid JSON", err);
      }
    } else {
      console.error("query-ui: no #query-ui-config element on the page");
    }
    var prefixes = {};
    if (raw.prefixes && typeof raw.prefixes === "object") {
      Object.keys(raw.prefixes).forEach(function (p) {
        if (typeof raw.prefixes[p] === "string") prefixes[p] = raw.prefixes[p];
      });
    }
    var examples = Array.isArray(raw.examples)
      ? raw.examples.filter(function (ex) {
          return ex && typeof ex.name === "string" && typeof ex.query === "string";
        })
      : [];
    var timeout = Number(raw.timeoutSeconds);
    return {
      endpoint: typeof raw.endpoint === "string" && raw.endpoint ? raw.endpoint : "/sparql",
      prefixes: prefixes,
      examples: examples,
      query: typeof raw.query === "string" ? raw.query : "",
      timeoutSeconds: timeout > 0 ? timeout : null,
      localBases: raw.localBases && typeof raw.localBases === "object" ? raw.localBases : {},
    };
  }

  function prologue(prefixes) {
    return Object.keys(prefixes)
      .map(function (p) {
        return "PREFIX " + p + ": <" + prefixes[p] + ">\n";
      })
      .join("");
  }

  // The page's own address with ?query=: what the server reads back into config.query.
  function permalink(query, absolute) {
    var path = window.location.pathname + "?query=" + encodeURIComponent(query);
    return absolute ? window.location.origin + path : path;
  }

  // Prefix autocompletion: Yasqe's bundled prefix list (no prefix.cc fetch), with
  // ours first-class: a bundled entry with one of our prefix names is replaced by ours.
  // Not cached in localStorage (persistenceId null), so a changed prefix shows at once.
  function registerPrefixCompleter(Yasqe, prefixes) {
    var base = Yasqe.Autocompleters && Yasqe.Autocompleters.prefixes;
    if (!base) return null;
    var name = "remedyKgPrefixes";
    var ours = Object.keys(prefixes).map(function (p) {
      return p + ": <" + prefixes[p] + ">";
    });
    Yasqe.forkAutocompleter(
      "prefixes",
      {
        name: name,
        persistenceId: null,
        get: function (yasqe) {
          return Promise.resolve(base.get(yasqe))
            .catch(function () {
              return [];
            })
            .then(function (bundled) {
              var others = (bundled || []).filter(function (entry) {
                return !Object.prototype.hasOwnProperty.call(prefixes, entry.split(":")[0]);
              });
              return ours.concat(others).sort();
            });
        },
      },
      false
    );
    return name;
  }

  // Shown in Yasgui's control bar, next to the endpoint field.
  function timeoutNote(seconds) {
    var span = document.createElement("span");
    span.className = "query-ui-timeout";
    span.style.alignSelf = "center";
    span.style.margin = "0 0.75em";
    span.style.whiteSpace = "nowrap";
    span.textContent = "Queries stop after " + seconds + " s";
    return span;
  }

  function loadIntoEditor(yasgui, query) {
    var tab = yasgui.getTab();
    if (!tab) tab = yasgui.addTab(true);
    tab.setQuery(query);
    var yasqe = tab.getYasqe();
    if (yasqe) {
      yasqe.focus();
      yasqe.getWrapperElement().scrollIntoView({ block: "nearest" });
    }
  }

  // The page may list the examples itself (<li><a data-example="name">); any example
  // in the config that it does not list is added. Plain clicks load the query into the
  // editor; the href is the example's permalink, so a new-tab click works too.
  function renderExamples(list, examples, onPick) {
    if (!list) return;
    var byName = {};
    examples.forEach(function (ex) {
      byName[ex.name] = ex;
    });
    var shown = {};
    Array.prototype.forEach.call(list.querySelectorAll("[data-example]"), function (el) {
      var ex = byName[el.getAttribute("data-example")];
      if (!ex) return;
      shown[ex.name] = true;
      wire(el, ex);
    });
    examples.forEach(function (ex) {
      if (shown[ex.name]) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.setAttribute("data-example", ex.name);
      a.textContent = ex.title || ex.name;
      li.appendChild(a);
      list.appendChild(li);
      wire(a, ex);
    });

    function wire(el, ex) {
      if (el.tagName === "A") el.setAttribute("href", permalink(ex.query, false));
      if (ex.title && !el.getAttribute("title")) el.setAttribute("title", ex.title);
      el.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
          return; // let the browser open the permalink elsewhere
        }
        event.preventDefault();
        onPick(ex);
      });
    }
  }

  // Result tables link IRIs to themselves, and ours (under the w3id.org base) resolve only
  // online: point those links at this server's own pages instead, whenever Yasr renders.
  // localBases maps an IRI prefix to the local path that serves it.
  function localiseResultLinks(root, bases) {
    var prefixes = Object.keys(bases || {}).sort(function (a, b) {
      return b.length - a.length;
    });
    if (!prefixes.length || typeof MutationObserver !== "function") return;
    function localise() {
      Array.prototype.forEach.call(root.querySelectorAll("a[href]"), function (a) {
        var href = a.getAttribute("href");
        for (var i = 0; i < prefixes.length; i++) {
          if (href.indexOf(prefixes[i]) === 0) {
            a.setAttribute("href", bases[prefixes[i]] + href.slice(prefixes[i].length));
            a.removeAttribute("target");
            a.setAttribute("title", href);
            return;
          }
        }
      });
    }
    new MutationObserver(localise).observe(root, { childList: true, subtree: true });
    localise();
  }

  // Yasgui leaves some controls without names and puts its "add tab" button inside the
  // tab list, where ARIA allows only tabs: name them, and make it a tab (one that adds a
  // query tab). Run after each render.
  var NAMES = [
    [".CodeMirror textarea", "SPARQL query"],
    ["input.autocomplete", "SPARQL endpoint"],
    ["select.tableSizer", "Rows per page"],
  ];
  function makeAccessible(root) {
    NAMES.forEach(function (pair) {
      Array.prototype.forEach.call(root.querySelectorAll(pair[0]), function (el) {
        if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", pair[1]);
      });
    });
    // (Moving it out would break Yasgui, which inserts new tabs before it.)
    Array.prototype.forEach.call(root.querySelectorAll("[role=tablist] button:not([role])"),
      function (b) {
        b.setAttribute("role", "tab");
        b.setAttribute("aria-selected", "false");
      });
    // The editor scrolls inside its own box (CodeMirror makes it tabindex -1): keyboard
    // users must be able to reach it.
    Array.prototype.forEach.call(root.querySelectorAll(".CodeMirror-scroll"), function (el) {
      if (el.getAttribute("tabindex") !== "0") el.setAttribute("tabindex", "0");
    });
  }

  function mount() {
    var config = readConfig();
    var el = document.getElementById("yasgui");
    if (!el) {
      console.error("query-ui: no #yasgui element on the page");
      return;
    }
    var Yasgui = window.Yasgui && (window.Yasgui.default || window.Yasgui.Yasgui || window.Yasgui);
    if (typeof Yasgui !== "function") {
      el.textContent = "The query editor could not be loaded (yasgui.min.js is missing).";
      return;
    }
    var Yasqe = Yasgui.Yasqe;
    // Absolute: Yasgui passes the endpoint to `new URL()` in places (its error
    // renderer, GET requests), which throws on a path such as "/sparql".
    var endpoint = new URL(config.endpoint, window.location.href).href;
    var startQuery = prologue(config.prefixes) + (Object.keys(config.prefixes).length ? "\n" : "") + DEFAULT_BODY;

    // Autocompleters: variables and our prefix list only. The "property" and "class"
    // ones ask lov.linkeddata.es, which connect-src 'self' forbids. Yasgui merges
    // arrays index by index, so the defaults are changed in place rather than passed.
    var completers = ["variables"];
    var prefixCompleter = registerPrefixCompleter(Yasqe, config.prefixes);
    if (prefixCompleter) completers.push(prefixCompleter);
    var defaults = Yasqe.defaults.autocompleters;
    defaults.splice.apply(defaults, [0, defaults.length].concat(completers));

    // Yasqe's share button: the same ?query= permalink as the address bar.
    if (Yasgui.Tab && Yasgui.Tab.prototype) {
      Yasgui.Tab.prototype.getShareableLink = function () {
        return permalink(this.getQuery(), true);
      };
    }

    var yasgui = new Yasgui(el, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      // Only our endpoint: no catalogue of public endpoints, no endpoint history.
      endpointCatalogueOptions: {
        getData: function () {
          return [{ endpoint: endpoint }];
        },
        keys: [],
      },
      // Nothing in localStorage: each visit starts from this page's config, and
      // tabs do not pile up across visits.
      persistenceId: null,
      // ?query= is read by the server (config.query); Yasgui's own URL reading would
      // also honour ?endpoint= and friends, which this page does not want.
      populateFromUrl: false,
      autofocus: true,
      endpointInfo: config.timeoutSeconds
        ? function () {
            return timeoutNote(config.timeoutSeconds);
          }
        : undefined,
      // The PREFIX block of an empty editor is folded to one line, so the query shows.
      yasqe: { value: startQuery, prefixCcApi: null, collapsePrefixesOnLoad: true },
      // Shorten result IRIs with our prefixes; downloads stay on (Yasr default).
      yasr: { prefixes: config.prefixes },
    });

    if (config.query) loadIntoEditor(yasgui, config.query);

    // Permalink: running a query puts it in the address bar.
    yasgui.on("query", function (instance, tab) {
      try {
        window.history.replaceState(window.history.state, "", permalink(tab.getQuery(), false));
      } catch (err) {
        console.warn("query-ui: could not update the address bar", err);
      }
    });

    renderExamples(document.getElementById("query-examples"), config.examples, function (ex) {
      loadIntoEditor(yasgui, ex.query);
    });

    localiseResultLinks(el, config.localBases);
    makeAccessible(el);
    if (typeof MutationObserver === "function") {
      new MutationObserver(function () {
        makeAccessible(el);
      }).observe(el, { childList: true, subtree: true });
    }

    window.remedyKgQueryUi = { yasgui: yasgui, config: config };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
