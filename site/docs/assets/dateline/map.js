/* Dateline: the map of where events happened.
 *
 * On the home page, a map of the events the filters and the time axis select: a point per
 * place, sized by its number of events. Zoomed out, the places within a place are rolled up
 * into it (countries first, then regions, then towns, as the reader zooms in), so each point
 * counts the events at it or at a place within it that is not drawn; a place without
 * coordinates is counted at the nearest place it is within that has them. Choosing a point
 * filters the timeline by that place, through the filter form (one state, one URL). On a
 * place's or an event's page, a small locator map shows where.
 *
 * It works offline: the outlines are Natural Earth's countries at 1:110m (npm world-atlas,
 * public domain), shipped with the site; a tile server is used only if mkdocs.yml names one.
 * It reads data/map/ (dateline/site/axisindex.py describes it), once the page's time axis
 * has drawn: the places, with what every event draws at each level of roll-up, and with a
 * filter, the places of the events in the shards the filter's events are in.
 */
(function () {
  "use strict";

  var sections = document.querySelectorAll("[data-dl-map]");
  if (!sections.length || !window.L || !window.topojson) {
    return;
  }
  var L = window.L;
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var files = new Map();

  function json(url) {
    if (!files.has(url)) {
      files.set(url, fetch(url).then(function (response) {
        if (!response.ok) {
          throw new Error(url + ": HTTP " + response.status);
        }
        return response.json();
      }));
    }
    return files.get(url);
  }

  function plural(n, word) {
    return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  }

  // --- places: [id, name, lat, lon, parent, depth, count] (places.json's "places")

  function Places(rows) {
    this.rows = rows;
    this.byId = new Map(rows.map(function (row, n) {
      return [row[0], n];
    }));
    this.deepest = rows.reduce(function (most, row) {
      return Math.max(most, row[5]);
    }, 0);
  }

  // The place a place is drawn at when places deeper than `level` are rolled up: its
  // ancestor at that depth (or itself), or the nearest above that with coordinates; -1 if
  // none has any.
  Places.prototype.drawnAt = function (n, level) {
    var rows = this.rows;
    while (rows[n][5] > level) {
      n = rows[n][4];
    }
    while (n >= 0 && rows[n][2] === null) {
      n = rows[n][4];
    }
    return n;
  };

  // Events per drawn place at a level, each event counted once at each point.
  Places.prototype.count = function (events, level) {
    var counts = new Map();
    var self = this;
    events.forEach(function (places) {
      var seen = new Set();
      places.forEach(function (n) {
        var at = self.drawnAt(n, level);
        if (at >= 0 && !seen.has(at)) {
          seen.add(at);
          counts.set(at, (counts.get(at) || 0) + 1);
        }
      });
    });
    return counts;
  };

  function basemap(map, root, section) {
    var tiles = section.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { attribution: section.getAttribute("data-tiles-attribution") || "" }).addTo(map);
      return Promise.resolve();
    }
    return json(root + "assets/vendor/world-atlas/countries-110m.json").then(function (topology) {
      L.geoJSON(window.topojson.feature(topology, topology.objects.countries), {
        interactive: false,
        style: { className: "dl-map__land", weight: 0.6 }
      }).addTo(map);
    });
  }

  function newMap(section, canvas, options) {
    var map = L.map(canvas, Object.assign({
      minZoom: 1,
      maxZoom: 11,
      worldCopyJump: false,
      maxBounds: [[-85, -200], [85, 200]],
      zoomAnimation: !reduced,
      fadeAnimation: !reduced,
      markerZoomAnimation: !reduced,
      attributionControl: true
    }, options));
    map.attributionControl.setPrefix(false);
    if (!section.getAttribute("data-tiles")) {
      map.attributionControl.addAttribution("Outlines: Natural Earth (public domain)");
    }
    // Leaflet's container is focusable for its keyboard controls: name it.
    canvas.setAttribute("aria-label", section.getAttribute("data-label") || "Map");
    return map;
  }

  function point(layer, row, count, biggest, label, onChoose) {
    var size = Math.round(14 + 26 * Math.sqrt(count / biggest));
    var marker = L.marker([row[2], row[3]], {
      icon: L.divIcon({
        className: "dl-map__point",
        html: onChoose ? "<span aria-hidden=\"true\">" + count.toLocaleString("en") + "</span>" : "",
        iconSize: [size, size]
      }),
      title: label,
      keyboard: Boolean(onChoose),
      interactive: Boolean(onChoose)
    }).addTo(layer);
    var element = marker.getElement();
    element.setAttribute("data-place", row[0]);
    element.setAttribute("data-count", count);
    if (onChoose) {
      element.setAttribute("aria-label", label);
      marker.on("click", onChoose);
    } else {
      element.setAttribute("aria-hidden", "true");
      element.removeAttribute("tabindex");
    }
    return marker;
  }

  // --- the home page's map, following the filters

  function overview(section, root) {
    var canvas = section.querySelector("[data-dl-map-canvas]");
    var summary = section.querySelector("[data-dl-map-summary]");
    var map = newMap(section, canvas, { center: [25, 20], zoom: 2 });
    var layer = L.layerGroup().addTo(map);
    var places;
    var tally = null; // what is drawn; null: not loaded yet
    var wanted = null; // the view being loaded
    var fitted = false;
    var MAP = root + "data/map/";

    function level() {
      return Math.max(0, Math.min(places.deepest, map.getZoom() - 4));
    }

    // What the map draws of a selection: its events per drawn place at a level, how many
    // events it has, and how many of those are drawn at some point.
    function everyEvent(index) {
      return {
        counts: function (at) {
          return new Map(index.levels[at] || []);
        },
        total: index.total,
        mapped: index.mapped
      };
    }

    function someEvents(events) {
      return {
        counts: function (at) {
          return places.count(events, at);
        },
        total: events.length,
        mapped: events.filter(function (list) {
          return list.some(function (n) {
            return places.drawnAt(n, places.deepest) >= 0;
          });
        }).length
      };
    }

    // The tally of the events at these ascending positions (null: every event, precomputed
    // in places.json), reading each place shard they are in once.
    function tallyOf(positions, index) {
      if (positions === null) {
        return Promise.resolve(everyEvent(index));
      }
      var size = index.shard_size;
      var shards = Array.from(new Set(Array.prototype.map.call(positions, function (p) {
        return Math.floor(p / size);
      })));
      return Promise.all(shards.map(function (k) {
        return json(MAP + "at/" + k + ".json");
      })).then(function (loaded) {
        var byShard = new Map();
        shards.forEach(function (k, n) {
          byShard.set(k, loaded[n]);
        });
        return someEvents(Array.prototype.map.call(positions, function (p) {
          return byShard.get(Math.floor(p / size))[p % size];
        }));
      });
    }

    function draw() {
      layer.clearLayers();
      var at = level();
      var counts = tally.counts(at);
      var biggest = 1;
      counts.forEach(function (n) {
        biggest = Math.max(biggest, n);
      });
      var shown = [];
      counts.forEach(function (n, at) {
        var row = places.rows[at];
        var label = row[1] + ": " + plural(n, "event") + ". Filter the timeline by " + row[1] + ".";
        shown.push(point(layer, row, n, biggest, label, function () {
          window.dateline.select({ place: row[0] });
        }));
      });
      var total = tally.total;
      var mapped = tally.mapped;
      summary.textContent = "The map shows " + plural(mapped, "event") + " of the " + plural(total, "event") +
        " selected, at " + plural(counts.size, "point") + (total > mapped ? "; " + plural(total - mapped, "event") + (total - mapped === 1 ? " names" : " name") + " no place with coordinates" : "") +
        ". Zoom in to see the places within these. Choose a point to filter the timeline by its place.";
      section.setAttribute("data-dl-map-points", counts.size);
      section.setAttribute("data-dl-map-level", at);
      if (!fitted && shown.length) {
        fitted = true;
        map.fitBounds(L.featureGroup(shown).getBounds(), { padding: [30, 30], maxZoom: 6, animate: false });
      }
    }

    function follow(view, index) {
      var positions = view ? view.matched : null;
      wanted = positions;
      section.setAttribute("aria-busy", "true");
      return tallyOf(positions, index).then(function (found) {
        if (wanted !== positions) {
          return;
        }
        tally = found;
        draw();
        // Ready once it draws the filters' view: before they have told one (a filtered URL's
        // is told once they have matched it), the map draws every event, which is not it.
        if (view || !document.querySelector("[data-dl-filters]")) {
          section.setAttribute("data-dl-map-ready", "");
        }
        section.removeAttribute("aria-busy");
      });
    }

    return Promise.all([json(MAP + "places.json"), basemap(map, root, section)]).then(function (loaded) {
      var index = loaded[0];
      places = new Places(index.places);
      map.on("zoomend", function () {
        if (tally) {
          draw();
        }
      });
      document.addEventListener("dateline:view", function (event) {
        follow(event.detail, index);
      });
      return follow(window.dateline && window.dateline.view, index);
    });
  }

  // --- a place's or an event's locator map

  function locator(section, root) {
    var canvas = section.querySelector("[data-dl-map-canvas]");
    var ids = (section.getAttribute("data-places") || "").split(" ").filter(Boolean);
    var map = newMap(section, canvas, {
      center: [25, 20], zoom: 2, zoomControl: false, dragging: false, scrollWheelZoom: false,
      doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false
    });
    return Promise.all([json(root + "data/map/places.json"), basemap(map, root, section)]).then(function (loaded) {
      var places = new Places(loaded[0].places);
      var shown = [];
      ids.forEach(function (id) {
        var n = places.byId.has(id) ? places.drawnAt(places.byId.get(id), places.deepest) : -1;
        if (n >= 0) {
          shown.push(point(map, places.rows[n], 1, 1, places.rows[n][1], null));
        }
      });
      if (shown.length) {
        map.fitBounds(L.featureGroup(shown).getBounds(), { padding: [40, 40], maxZoom: 5, animate: false });
      }
      section.setAttribute("data-dl-map-ready", "");
    });
  }

  // A map starts once the page's time axis has drawn (or failed), so that its data and its
  // outlines do not compete with the axis's first paint; the map is lower on the page. If the
  // axis has not settled within a few seconds (its script did not run), the map starts anyway.
  function afterAxis() {
    var axis = document.querySelector("[data-dl-axis]");
    if (!axis || axis.hasAttribute("data-dl-axis-settled")) {
      return Promise.resolve();
    }
    return new Promise(function (resolve) {
      document.addEventListener("dateline:axis-settled", resolve, { once: true });
      setTimeout(resolve, 5000);
    });
  }

  sections.forEach(function (section) {
    var root = section.getAttribute("data-root") || "";
    section.hidden = false;
    var start = section.getAttribute("data-dl-map") === "locator" ? locator : overview;
    afterAxis().then(function () {
      return start(section, root);
    }).catch(function (error) {
      var summary = section.querySelector("[data-dl-map-summary]");
      if (summary) {
        summary.textContent = "The map could not load its data (" + error.message + ").";
      }
    });
  });
})();
