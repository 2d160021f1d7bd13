/* Dateline: the timeline's filters.
 *
 * Without JavaScript the home page shows the newest events and the archive holds every one;
 * this script adds filters by tag, actor, place, status and date range, in any combination.
 * It never downloads the dataset: it reads the small static files of data/index/ (written by
 * dateline/site/filterindex.py, whose docstring describes them) as a filter needs them, and
 * decides what matches by the API's own rules, from the Store's own rows: a date range
 * matches every event whose span overlaps it, a place the places within it, an actor the
 * events that name it or carry a claim by it. The filters live in the URL query
 * (?tag=...&from=2017), so a filtered view can be shared, and loading that URL restores it.
 */
(function () {
  "use strict";

  window.dateline = window.dateline || {};

  // A facet file's positions: ascending, written as differences from the previous one (the
  // first from -1). The time axis reads the same files (assets/dateline/axis.js).
  window.dateline.decoded = function (steps) {
    var out = new Int32Array(steps.length);
    var at = -1;
    for (var i = 0; i < steps.length; i++) {
      at += steps[i];
      out[i] = at;
    }
    return out;
  };

  var box = document.querySelector("[data-dl-filters]");
  if (!box) {
    return;
  }
  var form = box.querySelector("form");
  var fields = box.querySelector("[data-dl-fields]");
  var problems = box.querySelector("[data-dl-problems]");
  var results = document.querySelector("[data-dl-results]");
  var latest = document.querySelector("[data-dl-latest]");
  var list = results.querySelector("[data-dl-list]");
  var count = results.querySelector("[data-dl-count]");
  var more = results.querySelector("[data-dl-more]");
  var root = box.getAttribute("data-root") || "";
  var INDEX = root + "data/index/";
  var FACETS = ["tag", "actor", "place", "status"];
  var TEXT = ["tag", "actor", "place"]; // typed, with suggestions; status is a menu
  var DATES = ["from", "to"];
  var NAMES = { tag: "tags", actor: "actors", place: "places" };
  var STATUSES = ["reported", "confirmed", "disputed", "retracted"];
  var SUGGESTIONS = 30;
  var BATCH = 50;
  // Filtered results come in batches ("Show more"): each batch reads the row shards its
  // events are in, so a small first batch keeps a sparse filter quick.
  var pageSize = Math.min(BATCH, Number(box.getAttribute("data-page-size")) || BATCH);

  // --- the index, each file fetched once

  var files = new Map();

  function json(path) {
    if (!files.has(path)) {
      files.set(
        path,
        fetch(INDEX + path).then(function (response) {
          if (!response.ok) {
            throw new Error(path + ": HTTP " + response.status);
          }
          return response.json();
        })
      );
    }
    return files.get(path);
  }

  var derived = new Map(); // what is computed from a file, once

  function once(key, make) {
    if (!derived.has(key)) {
      derived.set(key, make());
    }
    return derived.get(key);
  }

  function names(facet) {
    // id -> [id, name, count], and the lower-cased name -> id
    return once("names:" + facet, function () {
      return json(NAMES[facet] + ".json").then(function (rows) {
        var byId = new Map();
        var byName = new Map();
        rows.forEach(function (row) {
          byId.set(row[0], row);
          var key = row[1].toLowerCase();
          byName.set(key, byName.has(key) ? null : row[0]); // null: two share the name
        });
        return { byId: byId, byName: byName, rows: rows };
      });
    });
  }

  function positions(facet, value) {
    return once(facet + ":" + value, function () {
      return json(facet + "/" + encodeURIComponent(value) + ".json").then(window.dateline.decoded);
    });
  }

  function farSpans() {
    return once("far", function () {
      return json("far.json").then(function (rows) {
        var byPosition = new Map();
        rows.forEach(function (row) {
          byPosition.set(row[0], row);
        });
        return byPosition;
      });
    });
  }

  function rows(shard) {
    return json("rows/" + shard + ".json");
  }

  // The rows [entry, start key, end key] of events at these positions, reading each shard
  // they are in once.
  function rowsOf(manifest, positions) {
    var size = manifest.shard_size;
    var wanted = new Set();
    positions.forEach(function (position) {
      wanted.add(Math.floor(position / size));
    });
    var shards = Array.from(wanted);
    return Promise.all(shards.map(rows)).then(function (loaded) {
      var byShard = new Map();
      shards.forEach(function (shard, n) {
        byShard.set(shard, loaded[n]);
      });
      return positions.map(function (position) {
        return byShard.get(Math.floor(position / size))[position % size];
      });
    });
  }

  // --- state: the URL query <-> the form

  function stateFrom(read) {
    var state = { order: read("order") === "oldest" ? "oldest" : "newest" };
    FACETS.concat(DATES).forEach(function (name) {
      state[name] = (read(name) || "").trim();
    });
    return state;
  }

  function stateFromQuery(search) {
    var params = new URLSearchParams(search);
    return stateFrom(function (name) {
      return params.get(name);
    });
  }

  function stateFromForm() {
    return stateFrom(function (name) {
      return form.elements[name].value;
    });
  }

  function showState(state) {
    FACETS.concat(DATES).forEach(function (name) {
      form.elements[name].value = state[name];
    });
    form.elements.order.value = state.order;
  }

  function query(state) {
    var params = new URLSearchParams();
    FACETS.concat(DATES).forEach(function (name) {
      if (state[name]) {
        params.set(name, state[name]);
      }
    });
    if (state.order !== "newest") {
      params.set("order", state.order);
    }
    var text = params.toString();
    return text ? "?" + text : location.pathname;
  }

  function filtering(state) {
    return FACETS.concat(DATES).some(function (name) {
      return state[name] !== "";
    });
  }

  // Whether the page shows a list of its own making (filtered, or oldest first) rather than
  // the latest events.
  function viewing(state) {
    return filtering(state) || state.order !== "newest";
  }

  // --- dates: a partial date as a span key (YYYY-MM-DDT00:00:00), as the Store compares them

  var PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

  function pad(number, width) {
    return String(number).padStart(width, "0");
  }

  // The key of the start of a partial date's span, or (end) of the day after it; null if the
  // text is not a date.
  function key(text, end) {
    var match = PARTIAL.exec(text);
    if (!match) {
      return null;
    }
    var year = Number(match[1]);
    var month = match[2] ? Number(match[2]) : null;
    var day = match[3] ? Number(match[3]) : null;
    if (month !== null && (month < 1 || month > 12)) {
      return null;
    }
    var date = new Date(Date.UTC(year, (month || 1) - 1, day || 1));
    date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
    if (day !== null && date.getUTCDate() !== day) {
      return null; // 2026-02-30
    }
    if (end) {
      if (day !== null) {
        date.setUTCDate(date.getUTCDate() + 1);
      } else if (month !== null) {
        date.setUTCMonth(date.getUTCMonth() + 1);
      } else {
        date.setUTCFullYear(year + 1);
      }
    }
    return pad(date.getUTCFullYear(), 4) + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2) + "T00:00:00";
  }

  // --- checking a state: what is applied, and what is said about the rest

  function quote(text) {
    return "\u201c" + text + "\u201d";
  }

  function checked(state) {
    var applied = Object.assign({}, state);
    var said = [];
    var resolved = false;
    var range = { from: null, to: null };
    DATES.forEach(function (name) {
      var input = form.elements[name];
      var bad = state[name] !== "" && key(state[name], name === "to") === null;
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad) {
        said.push((name === "from" ? "From" : "To") + " " + quote(state[name]) + " is not a date: write it as YYYY, YYYY-MM or YYYY-MM-DD; it is not applied.");
        applied[name] = "";
      } else if (state[name]) {
        range[name] = key(state[name], name === "to");
      }
    });
    if (range.from && range.to && range.from >= range.to) {
      said.push("To " + quote(state.to) + " ends before From " + quote(state.from) + " begins: no event can match.");
    }
    if (state.status && STATUSES.indexOf(state.status) < 0) {
      said.push("There is no status " + quote(state.status) + "; it is not applied. The statuses are " + STATUSES.join(", ") + ".");
      applied.status = "";
    }
    var lookups = ["tag", "actor", "place"].filter(function (facet) {
      return state[facet];
    }).map(function (facet) {
      return names(facet).then(function (known) {
        var value = state[facet];
        if (known.byId.has(value)) {
          return;
        }
        var id = known.byName.get(value.toLowerCase());
        if (id) {
          applied[facet] = id; // a name typed in full: its id, in the form and the URL
          form.elements[facet].value = id;
          resolved = true;
          return;
        }
        said.push("There is no " + facet + " " + quote(value) + "; it is not applied. Pick one of the suggestions as you type.");
        applied[facet] = "";
      });
    });
    return Promise.all(lookups).then(function () {
      TEXT.forEach(function (facet) {
        form.elements[facet].setAttribute("aria-invalid", state[facet] && !applied[facet] ? "true" : "false");
      });
      if (resolved) {
        history.replaceState(null, "", query(stateFromForm()));
      }
      return { state: applied, said: said, range: range };
    });
  }

  // --- matching: ascending positions (the Store's n - 1) of the events that match

  function intersect(a, b) {
    var out = [];
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) {
        out.push(a[i]);
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return out;
  }

  function overlaps(range, start, end) {
    // Spans overlap; a missing bound is open, so it overlaps everything on its side.
    return (range.to === null || start < range.to) && (range.from === null || end === null || end > range.from);
  }

  // Whether all, none or some of a shard's near events overlap the range, from its manifest
  // entry [min start, max start, min end, max end, count] alone.
  function decide(range, near) {
    if (near === null) {
      return "none";
    }
    if ((range.to !== null && near[0] >= range.to) || (range.from !== null && near[3] <= range.from)) {
      return "none";
    }
    if ((range.to === null || near[1] < range.to) && (range.from === null || near[2] > range.from)) {
      return "all";
    }
    return "some";
  }

  function facetPositions(state) {
    var wanted = FACETS.filter(function (facet) {
      return state[facet];
    });
    return Promise.all(
      wanted.map(function (facet) {
        return positions(facet, state[facet]).catch(function () {
          return new Int32Array(0); // a value that selects nothing has no file
        });
      })
    ).then(function (lists) {
      if (!lists.length) {
        return null; // no facet: every event
      }
      lists.sort(function (a, b) {
        return a.length - b.length;
      });
      return lists.slice(1).reduce(intersect, Array.prototype.slice.call(lists[0]));
    });
  }

  // The positions that match both the facets (``candidates``, from facetPositions; null for
  // every event) and the date range: a new array, which the caller may reorder.
  function matching(candidates, range, manifest) {
    var total = manifest.total;
    var all = candidates === null;
    if (range.from === null && range.to === null) {
      if (!all) {
        return Promise.resolve(candidates.slice());
      }
      var everything = new Array(total);
      for (var p = 0; p < total; p++) {
        everything[p] = p;
      }
      return Promise.resolve(everything);
    }
    return farSpans().then(function (far) {
      var size = manifest.shard_size;
      var verdicts = manifest.shards.map(function (near) {
        return decide(range, near);
      });
      var each = all ? null : candidates;
      var count = all ? total : each.length;
      var kept = [];
      var pending = []; // positions whose shard must be read
      for (var i = 0; i < count; i++) {
        var position = all ? i : each[i];
        var span = far.get(position);
        if (span) {
          if (overlaps(range, span[1], span[2])) {
            kept.push(position);
          }
          continue;
        }
        var verdict = verdicts[Math.floor(position / size)];
        if (verdict === "all") {
          kept.push(position);
        } else if (verdict === "some") {
          pending.push(position);
        }
      }
      return rowsOf(manifest, pending).then(function (found) {
        found.forEach(function (row, n) {
          if (overlaps(range, row[1], row[2])) {
            kept.push(pending[n]);
          }
        });
        return kept.sort(function (a, b) {
          return a - b;
        });
      });
    });
  }

  // --- showing

  var shownState = null; // what the list shows: {order, positions, shown}

  function entries(manifest, wanted) {
    return rowsOf(manifest, wanted).then(function (found) {
      return found.map(function (row) {
        return row[0];
      });
    });
  }

  function showMore(manifest) {
    var view = shownState;
    var next = view.positions.slice(view.shown, view.shown + pageSize);
    return entries(manifest, next).then(function (html) {
      if (view !== shownState) {
        return; // a newer filter has been applied meanwhile
      }
      // The entries are the site's own rendering (escaped by its templates), with links
      // relative to the site's root.
      var template = document.createElement("template");
      template.innerHTML = html.join("");
      if (root) {
        template.content.querySelectorAll("a[href]").forEach(function (link) {
          link.setAttribute("href", root + link.getAttribute("href"));
        });
      }
      list.appendChild(template.content);
      view.shown += next.length;
      more.hidden = view.shown >= view.positions.length;
      more.textContent = "Show " + Math.min(pageSize, view.positions.length - view.shown) + " more";
    });
  }

  function number(n) {
    return n.toLocaleString("en");
  }

  function describe(total, matched, state) {
    var word = state.order === "oldest" ? "oldest first" : "newest first";
    if (!filtering(state)) {
      return number(total) + " events, " + word + ".";
    }
    var verb = matched === 1 ? " matches" : " match";
    var noun = total === 1 ? " event" : " events";
    return number(matched) + " of " + number(total) + noun + verb + " these filters, " + word + ".";
  }

  function say(lines) {
    problems.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      problems.appendChild(p);
    });
  }

  var applied = 0;

  function apply(state) {
    var run = ++applied;
    if (viewing(state)) {
      box.open = true; // show what is applied, and what is said about it
    }
    // Busy from the change until the last change's list is shown, so that a reader's screen
    // reader (and a test) knows the list is not yet the one the form and the URL say.
    results.setAttribute("aria-busy", "true");
    return checked(state)
      .then(function (check) {
        if (run !== applied) {
          return;
        }
        say(check.said);
        var active = check.state;
        if (!viewing(active)) {
          results.hidden = true;
          latest.hidden = false;
          document.documentElement.removeAttribute("data-dl-filtered");
          tell({ state: active, range: check.range, facets: null, matched: null });
          return;
        }
        return Promise.all([json("manifest.json"), facetPositions(active)]).then(function (both) {
          var manifest = both[0];
          var facets = both[1];
          return matching(facets, check.range, manifest).then(function (found) {
            if (run !== applied) {
              return;
            }
            var view = {
              state: active,
              range: check.range,
              facets: facets,
              matched: filtering(active) ? found.slice() : null
            };
            if (active.order === "newest") {
              found.reverse();
            }
            shownState = { positions: found, shown: 0 };
            list.textContent = "";
            // The axis and the map are told once the list is shown (or could not be): drawing
            // them while the list's rows were on their way held the page's one thread when
            // they came.
            return showMore(manifest).then(
              function () {
                if (run !== applied) {
                  return;
                }
                // Said last, once the list shows what it says.
                count.textContent = describe(manifest.total, found.length, active);
                results.hidden = false;
                latest.hidden = true;
                document.documentElement.setAttribute("data-dl-filtered", "");
                tell(view);
              },
              function (error) {
                if (run === applied) {
                  tell(view);
                }
                throw error;
              }
            );
          });
        });
      })
      .catch(function (error) {
        if (run === applied) {
          say(["The filters could not load the event index (" + error.message + "). The archive lists every event."]);
        }
      })
      .finally(function () {
        if (run === applied) {
          results.removeAttribute("aria-busy");
        }
      });
  }

  // --- what the time axis and the map are told (assets/dateline/axis.js, map.js)

  // The view the filters select, for the axis and the map to draw: the applied state, its
  // date range as span keys, the ascending positions its facets select (null: every event)
  // and those the whole filter selects (null: every event). Kept, for a script that starts
  // later, and sent as a "dateline:view" event on the document.
  function tell(view) {
    window.dateline.view = view;
    document.dispatchEvent(new CustomEvent("dateline:view", { detail: view }));
  }

  // How the axis and the map change the filters: through the form, so that there is one
  // state and one URL, whoever changes it.
  window.dateline.select = function (changes) {
    Object.keys(changes).forEach(function (name) {
      form.elements[name].value = changes[name];
    });
    box.open = true;
    return changed();
  };

  // --- suggestions for the typed facets: the first matches by name, never the whole list

  function suggest(facet) {
    var input = form.elements[facet];
    var datalist = document.getElementById(input.getAttribute("list"));
    names(facet).then(function (known) {
      var typed = input.value.trim().toLowerCase();
      datalist.textContent = "";
      if (!typed) {
        return;
      }
      var found = 0;
      for (var i = 0; i < known.rows.length && found < SUGGESTIONS; i++) {
        var row = known.rows[i];
        if (row[1].toLowerCase().indexOf(typed) >= 0 || row[0].indexOf(typed) >= 0) {
          var option = document.createElement("option");
          option.value = row[0];
          option.label = row[1] + " (" + number(row[2]) + ")";
          datalist.appendChild(option);
          found++;
        }
      }
    });
  }

  function changed() {
    var state = stateFromForm();
    var target = query(state);
    if (target !== location.search && !(target === location.pathname && !location.search)) {
      history.pushState(null, "", target);
    }
    return apply(state);
  }

  TEXT.forEach(function (facet) {
    form.elements[facet].addEventListener("input", function () {
      suggest(facet);
    });
  });
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    changed();
  });
  form.addEventListener("reset", function () {
    // The browser resets the fields after this event; read them once it has.
    setTimeout(changed, 0);
  });
  more.addEventListener("click", function () {
    json("manifest.json").then(showMore);
  });
  window.addEventListener("popstate", function () {
    var state = stateFromQuery(location.search);
    showState(state);
    apply(state);
  });

  function start() {
    fields.disabled = false;
    var initial = stateFromQuery(location.search);
    showState(initial);
    if (viewing(initial)) {
      apply(initial);
    } else {
      tell({ state: initial, range: { from: null, to: null }, facets: null, matched: null });
    }
    // The page says whether the script has finished starting (the tests wait for it).
    box.setAttribute("data-dl-ready", "");
  }

  // Material opens and closes every <details> as it sets the page up (for printing); start
  // after it has, or a filtered view's box would be closed again.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    var started = false;
    window.document$.subscribe(function () {
      if (!started) {
        started = true;
        start();
      }
    });
  } else {
    start();
  }
})();

/* Dateline: "cite this record" on an event page. Without JavaScript the page shows the
 * permanent link and the citation as built; this script writes the link out in full (a
 * site built without site_url knows only its relative form), fills in today's date as the
 * retrieval date, and offers to copy the link. */
(function () {
  "use strict";

  var link = document.querySelector("[data-dl-permalink]");
  if (!link) {
    return;
  }
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var url = link.href; // resolved against the page: absolute
  link.textContent = url;
  document.querySelectorAll("[data-dl-permalink-text]").forEach(function (span) {
    span.textContent = url;
  });
  var today = new Date();
  document.querySelectorAll("[data-dl-today]").forEach(function (span) {
    span.textContent = today.getDate() + " " + MONTHS[today.getMonth()] + " " + today.getFullYear();
  });
  var copy = document.querySelector("[data-dl-copy]");
  var said = document.querySelector("[data-dl-copied]");
  if (copy && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(url).then(
        function () {
          said.textContent = "Link copied.";
        },
        function () {
          said.textContent = "Your browser did not let the page copy; select the link instead.";
        }
      );
    });
  }
})();
