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
 *    "localBases": {"<IRI prefix>": "<local path serving it>"},
 *    "schemaUrl": "/api/schema", "searchUrl": "/api/search"}
 *
 * Autocomplete comes from our own graph only: our prefixes; classes and, after a subject,
 * the properties its class really has (both from the build's VoID, served at schemaUrl;
 * every property when the query states no class for the subject); entities of our
 * prefixes (remedy:acu...) by label from searchUrl.
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
      schemaUrl: typeof raw.schemaUrl === "string" ? raw.schemaUrl : null,
      searchUrl: typeof raw.searchUrl === "string" ? raw.searchUrl : null,
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

  // Prefix autocompletion: our prefixes only (no bundled list, no prefix.cc fetch).
  // Not cached in localStorage (persistenceId null), so a changed prefix shows at once.
  function registerPrefixCompleter(Yasqe, prefixes) {
    if (!Yasqe.Autocompleters || !Yasqe.Autocompleters.prefixes) return null;
    var name = "remedyKgPrefixes";
    var ours = Object.keys(prefixes)
      .map(function (p) {
        return p + ": <" + prefixes[p] + ">";
      })
      .sort();
    Yasqe.forkAutocompleter(
      "prefixes",
      {
        name: name,
        persistenceId: null,
        get: function () {
          return Promise.resolve(ours);
        },
      },
      false
    );
    return name;
  }

  // --- Classes and properties from our VoID, entities from our search ----------------

  var SUGGESTIONS = 100;
  var TYPE_IRI = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(url + " answered " + response.status);
        return response.json();
      });
  }

  // The query text as terms and punctuation: comments dropped, strings kept whole (so a
  // "." inside one ends nothing), IRIs kept whole (their "#" starts no comment).
  var TOKEN = /<[^<>"{}|^`\\\s]*>|"""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*|[{}()\[\];,]|\.(?![0-9])|[^\s{}()\[\];,.#<"']+(?:\.[^\s{}()\[\];,.#<"']+)*/g;

  // Keywords between patterns: what follows them is no term of the statement before.
  var KEYWORD = /^(BASE|PREFIX|SELECT|CONSTRUCT|ASK|DESCRIBE|DISTINCT|REDUCED|FROM|NAMED|WHERE|OPTIONAL|MINUS|UNION|GRAPH|SERVICE|SILENT|FILTER|BIND|VALUES|NOT|EXISTS|AS|GROUP|ORDER|BY|HAVING|LIMIT|OFFSET)$/i;

  function tokens(text) {
    return (text.match(TOKEN) || []).filter(function (t) {
      return t.charAt(0) !== "#";
    });
  }

  // Triple patterns, read roughly: enough to know each statement's subject and the
  // types stated for it. Parenthesised expressions (FILTER, BIND) are skipped. Returns
  // the triples, and the subject whose predicate comes next at the end of the text.
  function readTriples(text) {
    var triples = [];
    var subject = null, predicate = null, expecting = "subject", depth = 0;
    tokens(text).forEach(function (t) {
      if (t === "(") { depth++; return; }
      if (t === ")") { depth = Math.max(0, depth - 1); return; }
      if (depth > 0) return;
      if (t === "{" || t === "}" || t === "." || t === "[" || t === "]" || KEYWORD.test(t)) {
        subject = null; predicate = null; expecting = "subject";
      } else if (t === ";") {
        predicate = null; expecting = "predicate";
      } else if (t === ",") {
        expecting = "object";
      } else if (expecting === "subject") {
        subject = t; expecting = "predicate";
      } else if (expecting === "predicate") {
        predicate = t; expecting = "object";
      } else if (expecting === "object") {
        triples.push([subject, predicate, t]);
        expecting = "next"; // "," or ";" or "." comes next
      }
    });
    return {
      triples: triples,
      subjectAwaitingPredicate: expecting === "predicate" ? subject : null,
    };
  }

  function expand(term, prefixes) {
    if (!term) return null;
    if (term === "a") return TYPE_IRI;
    if (term.charAt(0) === "<") return term.slice(1, -1);
    var colon = term.indexOf(":");
    if (colon < 0) return term; // a variable: compared as written
    var ns = prefixes[term.slice(0, colon)];
    return ns ? ns + term.slice(colon + 1) : term;
  }

  // The classes the query states for the subject at the cursor (none when it states none).
  function classesOfSubjectAt(yasqe) {
    var doc = yasqe.getDoc();
    var cursor = doc.getCursor();
    var token = yasqe.getCompleteToken();
    // The text before the term being typed: its last statement's subject is the one.
    var before = doc.getRange({ line: 0, ch: 0 }, { line: cursor.line, ch: token.start });
    var subject = readTriples(before).subjectAwaitingPredicate;
    if (!subject) return [];
    var prefixes = yasqe.getPrefixesFromQuery();
    var classes = [];
    readTriples(doc.getValue()).triples.forEach(function (triple) {
      if (triple[0] === subject && expand(triple[1], prefixes) === TYPE_IRI) {
        var cls = expand(triple[2], prefixes);
        if (cls && classes.indexOf(cls) < 0) classes.push(cls);
      }
    });
    return classes;
  }

  // Whether a suggestion fits what is typed: the full IRI so far, or a bare word that
  // starts the IRI's local name.
  function fits(iri, token) {
    var typed = token.autocompletionString || "";
    if (iri.indexOf(typed) === 0) return true;
    if (/[:<\/]/.test(typed)) return false;
    var local = iri.replace(/^.*[\/#]/, "").toLowerCase();
    return local.indexOf(typed.toLowerCase()) === 0;
  }

  // The namespace of an entity prefix (remedy:, condition:, ...) the token is typed in.
  function entityNamespace(yasqe, token, entityPrefixes) {
    var colon = token.string.indexOf(":");
    if (token.string.charAt(0) === "<" || colon < 0) return null;
    var prefix = token.string.slice(0, colon);
    if (entityPrefixes.indexOf(prefix) < 0) return null;
    return yasqe.getPrefixesFromQuery()[prefix] || null;
  }

  var EMPTY_SCHEMA = { classes: [], properties: [], classProperties: {}, prefixes: {} };

  function registerGraphCompleters(Yasqe, config) {
    var A = Yasqe.Autocompleters;
    if (!A || !A["class"] || !A.property || !config.schemaUrl) return [];
    var schema = null;
    function getSchema() {
      if (!schema) {
        schema = fetchJson(config.schemaUrl).catch(function (err) {
          console.warn("query-ui: no schema for autocomplete", err);
          schema = null; // ask again next time
          return EMPTY_SCHEMA;
        });
      }
      return schema;
    }
    // Our entity families: the prefixes whose namespace is one /id/{family}/ path.
    var entityPrefixes = Object.keys(config.prefixes).filter(function (p) {
      return /\/id\/[^\/]+\/$/.test(config.prefixes[p]);
    });
    function isEntityToken(yasqe) {
      return entityNamespace(yasqe, yasqe.getCompleteToken(), entityPrefixes) !== null;
    }
    var names = [];

    if (config.searchUrl) {
      Yasqe.forkAutocompleter(
        "property",
        {
          name: "remedyKgEntities",
          persistenceId: null,
          isValidCompletionPosition: isEntityToken,
          get: function (yasqe, token) {
            var ns = entityNamespace(yasqe, token, entityPrefixes);
            var words = token.string
              .slice(token.string.indexOf(":") + 1)
              .replace(/[-_]+/g, " ")
              .trim();
            if (!ns || !words) return Promise.resolve([]);
            var url = config.searchUrl + "?limit=50&q=" + encodeURIComponent(words);
            return fetchJson(url)
              .then(function (answer) {
                return (answer.results || [])
                  .map(function (r) {
                    return r.iri;
                  })
                  .filter(function (iri) {
                    return typeof iri === "string" && iri.indexOf(ns) === 0;
                  });
              })
              .catch(function () {
                return [];
              });
          },
        },
        false
      );
      names.push("remedyKgEntities");
    }

    Yasqe.forkAutocompleter(
      "class",
      {
        name: "remedyKgClasses",
        persistenceId: null,
        get: function (yasqe, token) {
          return getSchema().then(function (s) {
            return s.classes
              .map(function (c) {
                return c.iri;
              })
              .filter(function (iri) {
                return fits(iri, token);
              })
              .slice(0, SUGGESTIONS);
          });
        },
      },
      false
    );
    names.push("remedyKgClasses");

    var propertyPosition = A.property.isValidCompletionPosition;
    Yasqe.forkAutocompleter(
      "property",
      {
        name: "remedyKgProperties",
        persistenceId: null,
        isValidCompletionPosition: function (yasqe) {
          return propertyPosition(yasqe) && !isEntityToken(yasqe);
        },
        get: function (yasqe, token) {
          var classes = classesOfSubjectAt(yasqe);
          return getSchema().then(function (s) {
            var known = classes.filter(function (c) {
              return s.classProperties[c];
            });
            // The properties the members of these classes carry, most used first; with no
            // class stated for the subject, every property.
            var candidates = [];
            if (known.length) {
              known.forEach(function (c) {
                s.classProperties[c].forEach(function (p) {
                  if (candidates.indexOf(p) < 0) candidates.push(p);
                });
              });
            } else {
              candidates = s.properties.map(function (p) {
                return p.iri;
              });
            }
            return candidates
              .filter(function (iri) {
                return fits(iri, token);
              })
              .slice(0, SUGGESTIONS);
          });
        },
      },
      false
    );
    names.push("remedyKgProperties");
    return names;
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

    // Autocompleters: variables, our prefixes, and classes, properties and entities from
    // our own graph. Yasqe's own "property" and "class" ones ask lov.linkeddata.es and its
    // "prefixes" one prefix.cc (connect-src 'self' forbids both): none of them is enabled.
    // Yasgui merges arrays index by index, so the defaults are changed in place.
    var completers = ["variables"];
    var prefixCompleter = registerPrefixCompleter(Yasqe, config.prefixes);
    if (prefixCompleter) completers.push(prefixCompleter);
    completers = completers.concat(registerGraphCompleters(Yasqe, config));
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
