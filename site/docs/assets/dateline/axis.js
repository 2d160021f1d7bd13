/* Dateline: the time axis.
 *
 * Above the list of the home page (and of a tag's, an actor's or a place's page), an axis of
 * time that zooms from centuries to hours (wheel, pinch, the buttons or the keyboard) and
 * pans (drag the scale, or the arrow keys). Zoomed out it draws how many events began in each
 * decade, year, month or day; once the view holds few enough events, the events themselves,
 * each kind of date drawn its own way (see the legend in the page). Dragging across the plot
 * (or Enter, or "Select this view") selects a range, and so does a click on a counted bar
 * (its period): on the home page that is the From/To
 * filter, through the filter form, so the list and the URL follow and the URL restores it;
 * elsewhere it opens the home page filtered by this page's tag, actor or place and the range.
 *
 * It reads the static files of data/axis/ and data/index/ (dateline/site/axisindex.py and
 * filterindex.py describe them), never the dataset: counts per month from one small file,
 * per day from one file per year as the view needs them, and the marks of the events in view.
 * The list stays the accessible representation; the axis says in words what it shows.
 */
(function () {
  "use strict";

  var section = document.querySelector("[data-dl-axis]");
  if (!section || !window.d3 || !window.dateline) {
    return;
  }
  var d3 = window.d3;
  var root = section.getAttribute("data-root") || "";
  var facet = section.getAttribute("data-facet"); // a tag's, actor's or place's page
  var value = section.getAttribute("data-value");
  var MARKS = Number(section.getAttribute("data-marks")) || 300; // most events drawn one by one
  var plot = section.querySelector("[data-dl-axis-plot]");
  var summary = section.querySelector("[data-dl-axis-summary]");
  var said = section.querySelector("[data-dl-axis-selection]");
  var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var DAY = 864e5;
  var YEAR = 365.2425 * DAY;
  var HEIGHT = 132;
  var SCALE = 26; // the axis's strip, under the plot
  var LANE = 15;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  // --- the static files, each fetched once

  var files = new Map();

  function json(path) {
    if (!files.has(path)) {
      files.set(path, fetch(root + path).then(function (response) {
        if (!response.ok) {
          throw new Error(path + ": HTTP " + response.status);
        }
        return response.json();
      }));
    }
    return files.get(path);
  }

  // --- time: span keys, months and days as numbers

  function keyTime(key) {
    // "YYYY-MM-DDTHH:MM:SS" (UTC) -> ms
    var date = new Date(Date.UTC(2000, 0, 1));
    date.setUTCFullYear(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
    date.setUTCHours(Number(key.slice(11, 13)) || 0, Number(key.slice(14, 16)) || 0, Number(key.slice(17, 19)) || 0);
    return date.getTime();
  }

  function monthTime(month) {
    var date = new Date(Date.UTC(2000, 0, 1));
    date.setUTCFullYear(Math.floor(month / 12), month % 12, 1);
    return date.getTime();
  }

  function pad(n, width) {
    return String(n).padStart(width, "0");
  }

  function ymd(time) {
    var date = new Date(time);
    return pad(date.getUTCFullYear(), 4) + "-" + pad(date.getUTCMonth() + 1, 2) + "-" + pad(date.getUTCDate(), 2);
  }

  function words(time) {
    var date = new Date(time);
    return date.getUTCDate() + " " + MONTHS[date.getUTCMonth()] + " " + date.getUTCFullYear();
  }

  // A selected range [start, end) of whole days as the filter's From and To (inclusive),
  // written as months or years when it is whole ones.
  function asFilter(start, end) {
    var first = new Date(start);
    var last = new Date(end - DAY);
    var from = ymd(start);
    var to = ymd(end - DAY);
    var wholeMonths = first.getUTCDate() === 1 && new Date(end).getUTCDate() === 1;
    if (wholeMonths) {
      from = from.slice(0, 7);
      to = to.slice(0, 7);
      if (first.getUTCMonth() === 0 && new Date(end).getUTCMonth() === 0) {
        from = from.slice(0, 4);
        to = to.slice(0, 4);
      }
    }
    return { from: from, to: to, words: words(first.getTime()) + " to " + words(last.getTime()) };
  }

  // --- what is selected: the positions of the page's facet or of the filters' facets

  var view = { facets: null, range: { from: null, to: null } };

  function selectedIn(first, last, positions) {
    // how many of the ascending positions are in [first, last)
    return d3.bisectLeft(positions, last) - d3.bisectLeft(positions, first);
  }

  // --- drawing

  var months; // data/axis/months.json
  var width = 0;
  var svg = d3.select(plot).append("svg").attr("class", "dl-axis__svg").attr("role", "group")
    .attr("aria-label", "Time axis").attr("height", HEIGHT);
  var defs = svg.append("defs");
  var hatch = defs.append("pattern").attr("id", "dl-hatch").attr("patternUnits", "userSpaceOnUse")
    .attr("width", 6).attr("height", 6).attr("patternTransform", "rotate(45)");
  hatch.append("rect").attr("width", 6).attr("height", 6).attr("class", "dl-hatch__ground");
  hatch.append("line").attr("x1", 0).attr("y1", 0).attr("x2", 0).attr("y2", 6).attr("class", "dl-hatch__line");
  defs.append("filter").attr("id", "dl-soft").attr("x", "-50%").attr("width", "200%")
    .append("feGaussianBlur").attr("stdDeviation", 2.2);
  [["dl-fade-start", 0, 1], ["dl-fade-end", 1, 0]].forEach(function (g) {
    var gradient = defs.append("linearGradient").attr("id", g[0]);
    gradient.append("stop").attr("offset", "0%").attr("class", "dl-fade__stop").attr("stop-opacity", g[1] ? 0 : 1);
    gradient.append("stop").attr("offset", "100%").attr("class", "dl-fade__stop").attr("stop-opacity", g[1] ? 1 : 0);
  });
  var bucketsLayer = svg.append("g").attr("class", "dl-axis__buckets");
  var brushLayer = svg.append("g").attr("class", "dl-axis__brush");
  var marksLayer = svg.append("g").attr("class", "dl-axis__marks"); // above the brush: links
  var scaleLayer = svg.append("g").attr("class", "dl-axis__scale").attr("transform", "translate(0," + (HEIGHT - SCALE) + ")");
  var zoomStrip = svg.append("rect").attr("class", "dl-axis__pan").attr("y", HEIGHT - SCALE).attr("height", SCALE);

  var base = d3.scaleUtc();
  var current = base;
  var zoom = d3.zoom().on("zoom", function (event) {
    current = event.transform.rescaleX(base);
    schedule();
  });
  // A finger pans and two pinch, on the plot as on the scale: touch does not brush (a tap
  // still selects a bar's period, through the click the browser makes of it).
  var brush = d3.brushX().filter(function (event) {
    return !event.ctrlKey && !event.button && !event.touches;
  }).on("end", brushed);
  var moving = false; // the brush moved by the script, not the reader
  var selected = null; // [start, end) ms of the selected range

  function brushed(event) {
    if (moving || !event.sourceEvent) {
      return;
    }
    if (!event.selection) {
      // a click (or tap) without a drag: a bar selects its period, anywhere else clears
      var source = event.sourceEvent.changedTouches ? event.sourceEvent.changedTouches[0] : event.sourceEvent;
      var bar = barAt(d3.pointer(source, svg.node())[0]);
      choose(bar ? [bar.start, bar.end] : null);
      return;
    }
    var start = d3.utcDay.floor(current.invert(event.selection[0]));
    var end = d3.utcDay.ceil(current.invert(event.selection[1]));
    if (end <= start) {
      end = d3.utcDay.offset(start, 1);
    }
    choose([start.getTime(), end.getTime()]);
  }

  // The reader chose a range (or none): the filters take it, or the home page does.
  function choose(range) {
    var filter = range ? asFilter(range[0], range[1]) : { from: "", to: "" };
    if (facet) {
      if (!range) {
        return;
      }
      var params = new URLSearchParams();
      params.set(facet, value);
      params.set("from", filter.from);
      params.set("to", filter.to);
      location.assign(root + "?" + params.toString());
      return;
    }
    if (window.dateline && window.dateline.select) {
      window.dateline.select({ from: filter.from, to: filter.to });
    }
  }

  var frame = null;

  function schedule() {
    if (frame === null) {
      frame = requestAnimationFrame(function () {
        frame = null;
        render();
      });
    }
  }

  // The buckets the view is counted in, from the pixels a month and a day take.
  function unit() {
    var dayWidth = current(new Date(DAY)) - current(new Date(0));
    if (dayWidth >= 4) {
      return "day";
    }
    if (dayWidth * 30.4 >= 4) {
      return "month";
    }
    if (dayWidth * 365 >= 4) {
      return "year";
    }
    if (dayWidth * 3652 >= 4) {
      return "decade";
    }
    return "century";
  }

  var GROUP = { year: 1, decade: 10, century: 100 };

  // [start ms, end ms, first position, end position] per month in view (positions of every
  // event; a selection is counted from them).
  function monthRuns(from, to) {
    var runs = [];
    var list = months.months;
    for (var i = 0; i < list.length; i++) {
      var start = monthTime(list[i][0]);
      var end = monthTime(list[i][0] + 1);
      if (end <= from || start >= to) {
        continue;
      }
      runs.push([start, end, list[i][1], i + 1 < list.length ? list[i + 1][1] : months.total]);
    }
    return runs;
  }

  function dayRuns(from, to) {
    var years = d3.range(new Date(from).getUTCFullYear(), new Date(to).getUTCFullYear() + 1);
    var known = new Set(months.months.map(function (m) {
      return Math.floor(m[0] / 12);
    }));
    years = years.filter(function (year) {
      return known.has(year);
    });
    return Promise.all(years.map(function (year) {
      return json("data/axis/days/" + year + ".json");
    })).then(function (loaded) {
      var days = [].concat.apply([], loaded);
      // the end of each day's run is the next day's first, or the next year's, or the total
      var out = [];
      days.forEach(function (day, n) {
        var start = day[0] * DAY;
        var next = n + 1 < days.length ? days[n + 1][1] : endOfDay(day);
        if (start + DAY > from && start < to) {
          out.push([start, start + DAY, day[1], next]);
        }
      });
      return out;
    });
  }

  function endOfDay(day) {
    // the first position after the last day of a loaded year: the next month's first
    var month = new Date(day[0] * DAY);
    var index = month.getUTCFullYear() * 12 + month.getUTCMonth();
    var list = months.months;
    for (var i = 0; i < list.length; i++) {
      if (list[i][0] > index) {
        return list[i][1];
      }
    }
    return months.total;
  }

  function grouped(runs, years) {
    var out = [];
    runs.forEach(function (run) {
      var year = new Date(run[0]).getUTCFullYear();
      var first = Math.floor(year / years) * years;
      var last = out[out.length - 1];
      if (last && last.year === first) {
        last[1] = Math.max(last[1], monthTime((first + years) * 12));
        last[3] = run[3];
      } else {
        var bucket = [monthTime(first * 12), monthTime((first + years) * 12), run[2], run[3]];
        bucket.year = first;
        out.push(bucket);
      }
    });
    return out;
  }

  function count(run) {
    return view.facets ? selectedIn(run[2], run[3], view.facets) : run[3] - run[2];
  }

  var drawn = 0;

  // How long each drawing took, from the zoom to the drawn marks (benchmarks/timeline.py).
  var frames = (window.dateline = window.dateline || {}).axisFrames = [];

  function render() {
    var run = ++drawn;
    var ofView = followed; // whether this drawing is of the filters' view (see shown)
    var began = performance.now();
    var domain = current.domain();
    var from = domain[0].getTime();
    var to = domain[1].getTime();
    section.setAttribute("data-dl-axis-view", ymd(from) + "/" + ymd(to));
    scaleLayer.call(d3.axisBottom(current).ticks(Math.max(2, Math.floor(width / 90))));
    placeBrush();
    var level = unit();
    var runs = level === "day" ? dayRuns(from, to) : Promise.resolve(monthRuns(from, to));
    return runs.then(function (found) {
      if (run !== drawn) {
        return;
      }
      if (GROUP[level]) {
        found = grouped(found, GROUP[level]);
      }
      var inView = 0;
      found.forEach(function (r) {
        inView += count(r);
      });
      var first = found.length ? found[0][2] : 0;
      var last = found.length ? found[found.length - 1][3] : 0;
      return spanning(from).then(function (long) {
        if (run !== drawn) {
          return;
        }
        if (inView + long.length <= MARKS) {
          return drawMarks(first, last, long, from, to, run);
        }
        drawBuckets(found, level);
        describe(level, inView, from, to);
        return true;
      }).then(function (drew) {
        if (drew) {
          frames.push(performance.now() - began);
          shown(ofView);
        }
      });
    }).catch(function (error) {
      summary.textContent = "The time axis could not load its data (" + error.message + "). The list below shows every event.";
      shown(true);
    });
  }

  // The first drawing that was not superseded by a later one (a drawing superseded returns
  // without drawing), or the first failure, makes the axis ready: what tests and benchmarks
  // wait for before they read the marks. On the home page that drawing must be of the
  // filters' view: a filtered URL's view is told only once the filters have matched it,
  // which can be after the axis first drew every event with no range selected. The first
  // drawing of any kind settles the axis (the map waits for that, not for the filters).
  var followed = Boolean(facet) || !document.querySelector("[data-dl-filters]");
  var ready = false;
  var drewOnce = false;

  function shown(ofTheView) {
    if (!drewOnce) {
      drewOnce = true;
      settled();
    }
    if (!ready && ofTheView) {
      ready = true;
      section.setAttribute("data-dl-axis-ready", "");
    }
  }

  // Events that began before the view and reach into it (long or open spans): the filters'
  // far.json lists every span that is long or open, with its keys.
  var farSpans = null; // [position, start ms, end ms], read and parsed once

  function spanning(from) {
    if (!farSpans) {
      farSpans = json("data/index/far.json").then(function (far) {
        return far.map(function (row) {
          return [row[0], row[1] ? keyTime(row[1]) : -Infinity, row[2] ? keyTime(row[2]) : Infinity];
        });
      });
    }
    return farSpans.then(function (far) {
      var out = [];
      for (var i = 0; i < far.length; i++) {
        var row = far[i];
        if (row[1] < from && row[2] > from && (!view.facets || selectedIn(row[0], row[0] + 1, view.facets))) {
          out.push(row[0]);
        }
      }
      return out;
    });
  }

  function drawBuckets(runs, level) {
    marksLayer.selectAll("*").remove();
    var counts = runs.map(count);
    var most = d3.max(counts) || 1;
    var y = d3.scaleSqrt().domain([0, most]).range([0, HEIGHT - SCALE - 6]);
    var bars = bucketsLayer.selectAll("rect").data(runs.map(function (r, n) {
      return { start: r[0], end: r[1], count: counts[n] };
    }).filter(function (b) {
      return b.count > 0;
    }));
    bars.exit().remove();
    bars.enter().append("rect").merge(bars)
      .attr("class", "dl-bucket dl-bucket--" + level)
      .attr("x", function (b) {
        return current(new Date(b.start));
      })
      .attr("width", function (b) {
        return Math.max(1, current(new Date(b.end)) - current(new Date(b.start)) - 1);
      })
      .attr("y", function (b) {
        return HEIGHT - SCALE - y(b.count);
      })
      .attr("height", function (b) {
        return y(b.count);
      })
      .attr("data-count", function (b) {
        return b.count;
      })
      .attr("data-period", function (b) {
        return ymd(b.start) + "/" + ymd(b.end - DAY);
      })
      .each(function (b) {
        var title = this.querySelector("title") || this.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title"));
        title.textContent = period(b.start, level) + ": " + b.count + (b.count === 1 ? " event" : " events");
      });
    section.setAttribute("data-dl-axis-level", level);
  }

  // The counted bar drawn at x, if any (the brush lies over the bars and takes the clicks).
  function barAt(x) {
    var found = null;
    bucketsLayer.selectAll("rect.dl-bucket").each(function (b) {
      var left = current(new Date(b.start));
      if (x >= left && x < Math.max(left + 1, current(new Date(b.end)))) {
        found = b;
      }
    });
    return found;
  }

  function period(start, level) {
    var date = new Date(start);
    var year = date.getUTCFullYear();
    if (level === "day") {
      return words(start);
    }
    if (level === "month") {
      return MONTHS[date.getUTCMonth()] + " " + year;
    }
    if (level === "year") {
      return String(year);
    }
    return year + "\u2013" + (year + GROUP[level] - 1);
  }

  // --- the events themselves

  function marksOf(positions) {
    return json("data/index/manifest.json").then(function (manifest) {
      var size = manifest.shard_size;
      var shards = Array.from(new Set(positions.map(function (p) {
        return Math.floor(p / size);
      })));
      return Promise.all(shards.map(function (k) {
        return json("data/axis/marks/" + k + ".json");
      })).then(function (loaded) {
        var byShard = new Map();
        shards.forEach(function (k, n) {
          byShard.set(k, loaded[n]);
        });
        return positions.map(function (p) {
          return byShard.get(Math.floor(p / size))[p % size];
        });
      });
    });
  }

  function drawMarks(first, last, long, from, to, run) {
    var positions = long.slice();
    for (var p = first; p < last; p++) {
      if (!view.facets || selectedIn(p, p + 1, view.facets)) {
        positions.push(p);
      }
    }
    return marksOf(positions).then(function (marks) {
      if (run !== drawn) {
        return false;
      }
      bucketsLayer.selectAll("*").remove();
      var lanes = [];
      var items = marks.map(function (m) {
        var item = {
          start: m[0], end: m[1], kind: m[2], qualifiers: m[3], status: m[4], label: m[5], title: m[6], id: m[7]
        };
        var open = item.qualifiers;
        var x0 = item.start ? current(new Date(keyTime(item.start))) : -20;
        var x1 = item.end ? current(new Date(keyTime(item.end))) : width + 20;
        if (open.indexOf("unknown-end") >= 0 || open.indexOf("open-end") >= 0) {
          x1 = open.indexOf("open-end") >= 0 ? width + 20 : x0 + 48; // unknown: fades out
        }
        if (open.indexOf("unknown-start") >= 0) {
          x0 = x1 - 48;
        }
        if (item.kind === "day" || item.kind === "moment") {
          var at = item.kind === "day" ? (x0 + x1) / 2 : x0;
          x0 = at - 5;
          x1 = at + 5;
          item.point = at;
        }
        item.x0 = x0;
        item.x1 = Math.max(x1, x0 + 3);
        var lane = 0;
        while (lane < lanes.length && lanes[lane] > item.x0 - 2) {
          lane++;
        }
        lanes[lane] = item.x1;
        item.lane = lane;
        return item;
      });
      var rows = Math.max(1, Math.floor((HEIGHT - SCALE - 8) / LANE));
      var joined = marksLayer.selectAll("a.dl-mark").data(items, function (item) {
        return item.id;
      });
      joined.exit().remove();
      var entered = joined.enter().append("a").attr("class", "dl-mark");
      entered.append("title");
      entered.append("g").attr("class", "dl-mark__shape");
      entered.merge(joined).each(function (item) {
        drawMark(d3.select(this), item, rows);
      });
      section.setAttribute("data-dl-axis-level", "events");
      var count = items.length;
      summary.textContent = "The axis shows " + count + (count === 1 ? " event" : " events") + " one by one, from " +
        words(from) + " to " + words(to) + ". Each is a link to its page; Tab moves through them." + unstarted();
      return true;
    });
  }

  function drawMark(link, item, rows) {
    var classes = ["dl-mark", "dl-mark--" + item.kind, "dl-mark--" + item.status].concat(item.qualifiers.map(function (q) {
      return "dl-mark--" + q;
    }));
    var status = item.status === "reported" ? "" : " (" + item.status + ")";
    link.attr("class", classes.join(" "))
      .attr("href", root + "events/" + item.id + "/")
      .attr("aria-label", item.label + ": " + item.title + status)
      .attr("data-id", item.id);
    link.select("title").text(item.label + ": " + item.title + status);
    var y = 4 + Math.min(item.lane, rows - 1) * LANE;
    var shape = link.select("g.dl-mark__shape").attr("transform", "translate(0," + y + ")");
    shape.selectAll("*").remove();
    var approximate = item.qualifiers.indexOf("approximate") >= 0;
    if (item.point !== undefined) {
      shape.append("circle").attr("class", "dl-mark__dot").attr("cx", item.point).attr("cy", 5)
        .attr("r", item.kind === "moment" ? 3.5 : 5).attr("filter", approximate ? "url(#dl-soft)" : null);
    } else {
      var fill = item.kind === "within" ? "url(#dl-hatch)" : null;
      var q = item.qualifiers;
      if (q.indexOf("open-start") >= 0 || q.indexOf("unknown-start") >= 0) {
        fill = "url(#dl-fade-start)";
      } else if (q.indexOf("open-end") >= 0 || q.indexOf("unknown-end") >= 0) {
        fill = "url(#dl-fade-end)";
      }
      shape.append("rect").attr("class", "dl-mark__bar").attr("x", item.x0).attr("y", item.kind === "within" ? 0 : 2)
        .attr("width", item.x1 - item.x0).attr("height", item.kind === "within" ? 10 : 6)
        .attr("rx", approximate ? 5 : 1).attr("fill", fill).attr("filter", approximate ? "url(#dl-soft)" : null);
    }
    if (item.qualifiers.indexOf("uncertain") >= 0) {
      shape.append("text").attr("class", "dl-mark__query").attr("x", item.x1 + 2).attr("y", 10).text("?");
    }
    if (item.status === "retracted") {
      shape.append("line").attr("class", "dl-mark__strike").attr("x1", item.x0 - 2).attr("x2", item.x1 + 2)
        .attr("y1", 5).attr("y2", 5);
    }
  }

  function unstarted() {
    var n = months ? months.unstarted : 0;
    return n ? " " + n + (n === 1 ? " event has" : " events have") + " no known start; the axis draws those that reach into the view as fading bars." : "";
  }

  function describe(level, inView, from, to) {
    var unitWord = { day: "day", month: "month", year: "year", decade: "decade", century: "century" }[level];
    summary.textContent = "The axis shows " + inView.toLocaleString("en") + (inView === 1 ? " event" : " events") +
      " from " + words(from) + " to " + words(to) + ", as bars counting the events that began in each " + unitWord +
      ". Zoom in to see the events one by one." + unstarted();
  }

  // --- the selected range, drawn as the brush

  function placeBrush() {
    moving = true;
    if (selected) {
      brushLayer.call(brush.move, [current(new Date(selected[0])), current(new Date(selected[1]))]);
    } else {
      brushLayer.call(brush.move, null);
    }
    moving = false;
  }

  function keyOf(rangeKey) {
    return rangeKey ? keyTime(rangeKey) : null;
  }

  function showSelection(range) {
    var from = keyOf(range.from);
    var to = keyOf(range.to);
    if (from === null && to === null) {
      selected = null;
      said.textContent = "No range is selected: drag across the axis, click a bar, or press Enter, to select one.";
    } else {
      selected = [from === null ? current.domain()[0].getTime() : from, to === null ? current.domain()[1].getTime() : to];
      said.textContent = "Selected: " + asFilter(selected[0], selected[1]).words + ".";
    }
    section.setAttribute("data-dl-axis-from", from === null ? "" : ymd(from));
    section.setAttribute("data-dl-axis-to", to === null ? "" : ymd(to - DAY));
  }

  // --- zooming and panning, by the buttons and the keyboard too

  function zoomBy(factor) {
    d3.select(svg.node()).transition().duration(reduced ? 0 : 250).call(zoom.scaleBy, factor);
  }

  function panBy(fraction) {
    d3.select(svg.node()).transition().duration(reduced ? 0 : 150).call(zoom.translateBy, -fraction * width, 0);
  }

  function showAll() {
    d3.select(svg.node()).transition().duration(reduced ? 0 : 250).call(zoom.transform, d3.zoomIdentity);
  }

  function selectView() {
    var domain = current.domain();
    choose([d3.utcDay.floor(domain[0]).getTime(), d3.utcDay.ceil(domain[1]).getTime()]);
  }

  var ACTIONS = {
    "zoom-in": function () { zoomBy(2); },
    "zoom-out": function () { zoomBy(0.5); },
    "all": showAll,
    "select": selectView,
    "clear": function () { choose(null); }
  };

  section.querySelectorAll("[data-dl-axis-action]").forEach(function (button) {
    button.addEventListener("click", ACTIONS[button.getAttribute("data-dl-axis-action")]);
  });

  plot.addEventListener("keydown", function (event) {
    var keys = {
      "+": ACTIONS["zoom-in"], "=": ACTIONS["zoom-in"], "-": ACTIONS["zoom-out"],
      ArrowLeft: function () { panBy(-0.25); }, ArrowRight: function () { panBy(0.25); },
      Home: showAll, Enter: selectView, Escape: ACTIONS.clear
    };
    if (event.target !== plot || !keys[event.key]) {
      return; // a focused mark's Enter follows its link
    }
    event.preventDefault();
    keys[event.key]();
  });

  // --- starting

  function size() {
    width = plot.clientWidth || 600;
    svg.attr("width", width).attr("viewBox", "0 0 " + width + " " + HEIGHT);
    zoomStrip.attr("width", width);
    brush.extent([[0, 0], [width, HEIGHT - SCALE]]);
    brushLayer.call(brush);
    var full = domainOf();
    base.domain(full).range([0, width]);
    var span = full[1] - full[0];
    // from three centuries across the view to one hour across a tenth of it
    zoom.scaleExtent([Math.min(1, span / (300 * YEAR)), Math.max(1, (span / 36e5) / 10)])
      .extent([[0, 0], [width, HEIGHT]])
      .translateExtent([[base(new Date(full[0] - 150 * YEAR)), 0], [base(new Date(full[1] + 150 * YEAR)), HEIGHT]]);
    current = d3.zoomTransform(svg.node()).rescaleX(base);
  }

  function domainOf() {
    var list = months.months;
    if (!list.length) {
      var now = Date.now();
      return [new Date(now - YEAR), new Date(now)];
    }
    var start = monthTime(list[0][0]);
    var end = monthTime(list[list.length - 1][0] + 1);
    var margin = Math.max(DAY, (end - start) * 0.03);
    return [new Date(start - margin), new Date(end + margin)];
  }

  // Drawn, or failed: what else the page loads (the map) waits for this, so that it does not
  // compete with the axis's first paint.
  function settled() {
    section.setAttribute("data-dl-axis-settled", "");
    document.dispatchEvent(new CustomEvent("dateline:axis-settled"));
  }

  function follow(detail) {
    followed = true;
    view = { facets: detail.facets, range: detail.range };
    showSelection(detail.range);
    schedule();
  }

  var pageFacet = facet ? json("data/index/" + facet + "/" + encodeURIComponent(value) + ".json").then(window.dateline.decoded) : null;

  Promise.all([json("data/axis/months.json"), pageFacet]).then(function (loaded) {
    months = loaded[0];
    section.hidden = false;
    size();
    // Pan by dragging the scale's strip or with a finger; zoom with the wheel or a pinch,
    // anywhere; a drag across the plot selects a range (the brush).
    svg.call(zoom).on("dblclick.zoom", null);
    if (loaded[1]) {
      view.facets = loaded[1];
    }
    if (!facet) {
      document.addEventListener("dateline:view", function (event) {
        follow(event.detail);
      });
      if (window.dateline && window.dateline.view) {
        follow(window.dateline.view);
      }
    }
    showSelection(view.range);
    render();
    // On a phone the axis starts folded, so that the first screen shows an event.
    if (window.matchMedia("(max-width: 44.9em)").matches) {
      section.open = false;
    }
    section.addEventListener("toggle", function () {
      if (section.open) {
        size();
        schedule();
      }
    });
    window.addEventListener("resize", function () {
      size();
      schedule();
    });
  }).catch(function (error) {
    section.hidden = false;
    summary.textContent = "The time axis could not load its data (" + error.message + "). The list below shows every event.";
    settled();
  });
})();
