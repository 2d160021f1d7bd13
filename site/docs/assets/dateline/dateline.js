/* Dateline: the timeline's filters.
 *
 * The page already lists every event (server-rendered, newest first), so without JavaScript it
 * is complete. This script only narrows and reorders that list. It decides what matches from
 * the site's static JSON, data/events.json (the API's list shape), by the same rules as the
 * API: a date range matches every event whose span overlaps it, a place matches the places
 * within it too, and an actor matches the events that name it or carry a claim by it (for
 * which data/claims.json, the API's list of claims, is loaded when an actor is chosen). The filters live in the URL query (?tag=...&from=2017), so a filtered view can
 * be shared, and loading that URL restores it.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-dl-filters]");
  var timeline = document.querySelector("[data-dl-timeline]");
  if (!form || !timeline) {
    return;
  }
  var FACETS = ["tag", "actor", "place", "status"];
  var DATES = ["from", "to"];
  var count = form.querySelector("[data-dl-count]");
  var total = document.querySelector(".dl-total");
  var items = Array.prototype.slice.call(timeline.querySelectorAll("li[data-id]"));
  var order = "newest"; // the server renders newest first
  var events = null; // a promise of id -> item, once data/events.json has loaded
  var claimants = null; // a promise of event id -> Set of the actors who claim something in it

  function getJSON(attribute) {
    var url = form.getAttribute(attribute);
    return fetch(url).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  function loadEvents() {
    if (!events) {
      events = getJSON("data-events").then(function (page) {
        var byId = new Map();
        page.items.forEach(function (item) {
          byId.set(item.id, item);
        });
        return byId;
      });
    }
    return events;
  }

  function loadClaimants() {
    if (!claimants) {
      claimants = getJSON("data-claims").then(function (page) {
        var byEvent = new Map();
        page.items.forEach(function (claim) {
          if (!byEvent.has(claim.event.id)) {
            byEvent.set(claim.event.id, new Set());
          }
          byEvent.get(claim.event.id).add(claim.by.id);
        });
        return byEvent;
      });
    }
    return claimants;
  }

  // --- state: the URL query <-> the form

  function stateFromQuery(search) {
    var params = new URLSearchParams(search);
    var state = { order: params.get("order") === "oldest" ? "oldest" : "newest" };
    FACETS.concat(DATES).forEach(function (name) {
      state[name] = (params.get(name) || "").trim();
    });
    return state;
  }

  function stateFromForm() {
    var state = { order: form.elements.order.value === "oldest" ? "oldest" : "newest" };
    FACETS.concat(DATES).forEach(function (name) {
      state[name] = form.elements[name].value.trim();
    });
    return state;
  }

  function showState(state) {
    FACETS.forEach(function (name) {
      var select = form.elements[name];
      var known = Array.prototype.some.call(select.options, function (option) {
        return option.value === state[name];
      });
      select.value = known ? state[name] : "";
    });
    DATES.forEach(function (name) {
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

  // --- dates: a partial date as the start of its span, or the (exclusive) end of its span

  var PARTIAL = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

  function pad(number, width) {
    return String(number).padStart(width, "0");
  }

  function bound(text, end) {
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
    if (day !== null && date.getUTCDate() !== day) {
      return null; // 2026-02-30
    }
    date.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
    if (end) {
      if (day !== null) {
        date.setUTCDate(date.getUTCDate() + 1);
      } else if (month !== null) {
        date.setUTCMonth(date.getUTCMonth() + 1);
      } else {
        date.setUTCFullYear(year + 1);
      }
    }
    return pad(date.getUTCFullYear(), 4) + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2);
  }

  // --- places: a place and every place within it, from the options' data-within

  function placesWithin(id) {
    var children = new Map();
    Array.prototype.forEach.call(form.elements.place.options, function (option) {
      var parent = option.getAttribute("data-within");
      if (parent) {
        if (!children.has(parent)) {
          children.set(parent, []);
        }
        children.get(parent).push(option.value);
      }
    });
    var found = new Set();
    var stack = [id];
    while (stack.length) {
      var next = stack.pop();
      if (!found.has(next)) {
        found.add(next);
        (children.get(next) || []).forEach(function (child) {
          stack.push(child);
        });
      }
    }
    return found;
  }

  function matcher(state, claimed) {
    var from = state.from ? bound(state.from, false) : null;
    var to = state.to ? bound(state.to, true) : null;
    var places = state.place ? placesWithin(state.place) : null;
    return function (item) {
      if (state.tag && item.tags.indexOf(state.tag) < 0) {
        return false;
      }
      if (state.status && item.status !== state.status) {
        return false;
      }
      if (state.actor) {
        var named = item.actors.some(function (actor) {
          return actor.id === state.actor;
        });
        var claims = claimed.get(item.id);
        if (!named && !(claims && claims.has(state.actor))) {
          return false;
        }
      }
      if (places && !item.places.some(function (place) { return places.has(place.id); })) {
        return false;
      }
      // Spans overlap; a missing bound is open, so it overlaps everything on its side.
      if (to && item.date.start !== null && !(item.date.start < to)) {
        return false;
      }
      if (from && item.date.end !== null && !(item.date.end > from)) {
        return false;
      }
      return true;
    };
  }

  // --- showing

  function reverseChildren(parent, selector) {
    var children = Array.prototype.filter.call(parent.children, function (child) {
      return child.matches(selector);
    });
    children.reverse().forEach(function (child) {
      parent.appendChild(child);
    });
  }

  function setOrder(wanted) {
    if (wanted === order) {
      return;
    }
    reverseChildren(timeline, ".dl-year");
    timeline.querySelectorAll(".dl-year").forEach(function (year) {
      reverseChildren(year, ".dl-month");
    });
    timeline.querySelectorAll(".dl-events").forEach(function (list) {
      reverseChildren(list, "li");
    });
    order = wanted;
  }

  function hideEmptyGroups() {
    timeline.querySelectorAll(".dl-month, .dl-year").forEach(function (group) {
      group.hidden = !group.querySelector("li[data-id]:not([hidden])");
    });
  }

  function describe(shown, state) {
    var word = state.order === "oldest" ? "oldest first" : "newest first";
    if (!filtering(state)) {
      return items.length + " events, " + word + ".";
    }
    var noun = shown === 1 ? "event matches" : "events match";
    return shown + " of " + items.length + " " + noun + " these filters, " + word + ".";
  }

  function markDates(state) {
    var ok = true;
    DATES.forEach(function (name) {
      var input = form.elements[name];
      var bad = state[name] !== "" && bound(state[name], false) === null;
      input.setCustomValidity(bad ? "Write a date as YYYY, YYYY-MM or YYYY-MM-DD." : "");
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      ok = ok && !bad;
    });
    return ok;
  }

  var applied = 0;

  function apply(state) {
    var run = ++applied;
    setOrder(state.order);
    markDates(state);
    if (!filtering(state)) {
      items.forEach(function (li) {
        li.hidden = false;
      });
      hideEmptyGroups();
      report(items.length, state);
      return Promise.resolve();
    }
    form.setAttribute("aria-busy", "true");
    return Promise.all([loadEvents(), state.actor ? loadClaimants() : Promise.resolve(new Map())])
      .then(function (loaded) {
        if (run !== applied) {
          return; // a newer change has been applied meanwhile
        }
        var byId = loaded[0];
        var matches = matcher(state, loaded[1]);
        var shown = 0;
        items.forEach(function (li) {
          var item = byId.get(li.getAttribute("data-id"));
          var visible = Boolean(item) && matches(item);
          li.hidden = !visible;
          shown += visible ? 1 : 0;
        });
        hideEmptyGroups();
        report(shown, state);
      })
      .catch(function (error) {
        count.textContent = "The filters could not load the event data (" + error.message + "); the list shows every event.";
      })
      .finally(function () {
        form.removeAttribute("aria-busy");
      });
  }

  function report(shown, state) {
    var text = describe(shown, state);
    count.textContent = filtering(state) ? text : "";
    if (total) {
      total.textContent = filtering(state) ? "" : text;
    }
    document.documentElement.toggleAttribute("data-dl-filtered", filtering(state));
  }

  function changed() {
    var state = stateFromForm();
    var target = query(state);
    if (target !== location.search && !(target === location.pathname && !location.search)) {
      history.pushState(null, "", target);
    }
    apply(state);
  }

  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    changed();
  });
  form.addEventListener("reset", function () {
    // The browser resets the fields after this event; read them once it has.
    setTimeout(changed, 0);
  });
  window.addEventListener("popstate", function () {
    var state = stateFromQuery(location.search);
    showState(state);
    apply(state);
  });

  form.hidden = false;
  var initial = stateFromQuery(location.search);
  showState(initial);
  apply(initial);
})();
