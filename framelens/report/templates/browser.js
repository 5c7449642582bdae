(function () {
  "use strict";
  // Article text arrives as JSON data and is only ever written with textContent.
  var data = JSON.parse(document.getElementById("sentences-data").textContent);
  var outletSelect = document.getElementById("browser-outlet");
  var frameSelect = document.getElementById("browser-frame");
  var search = document.getElementById("browser-q");
  var body = document.getElementById("browser-rows");
  var count = document.getElementById("browser-count");
  var state = {outlet: "", frame: "", q: ""};

  function cell(row, value) {
    var td = document.createElement("td");
    td.textContent = value;
    row.appendChild(td);
    return td;
  }

  function textCell(row, text, query) {
    var td = document.createElement("td");
    var at = query ? text.toLowerCase().indexOf(query) : -1;
    if (at < 0) {
      td.textContent = text;
    } else {
      var mark = document.createElement("mark");
      mark.textContent = text.slice(at, at + query.length);
      td.appendChild(document.createTextNode(text.slice(0, at)));
      td.appendChild(mark);
      td.appendChild(document.createTextNode(text.slice(at + query.length)));
    }
    row.appendChild(td);
  }

  function render() {
    var query = state.q.toLowerCase();
    var shown = 0;
    while (body.firstChild) {
      body.removeChild(body.firstChild);
    }
    data.forEach(function (sentence) {
      if (state.outlet && sentence.outlet !== state.outlet) { return; }
      if (state.frame && sentence.label !== state.frame) { return; }
      if (query && String(sentence.text).toLowerCase().indexOf(query) < 0) { return; }
      var row = document.createElement("tr");
      cell(row, String(sentence.outlet));
      cell(row, String(sentence.label));
      cell(row, Number(sentence.confidence).toFixed(2)).className = "n";
      textCell(row, String(sentence.text), query);
      cell(row, String(sentence.article_id) + " #" + String(sentence.sentence_index));
      cell(row, sentence.date === null ? "" : String(sentence.date));
      body.appendChild(row);
      shown += 1;
    });
    count.textContent = shown + " of " + data.length + " sentences match";
  }

  function readFragment() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    state.outlet = params.get("outlet") || "";
    state.frame = params.get("frame") || "";
    state.q = params.get("q") || "";
    outletSelect.value = state.outlet;
    frameSelect.value = state.frame;
    search.value = state.q;
    render();
  }

  function fromControls() {
    state.outlet = outletSelect.value;
    state.frame = frameSelect.value;
    state.q = search.value;
    var params = new URLSearchParams();
    Object.keys(state).forEach(function (key) {
      if (state[key]) { params.set(key, state[key]); }
    });
    try {
      window.history.replaceState(null, "", "#" + params.toString());
    } catch (error) {
      // Some file:// contexts refuse; the filter still works without the fragment.
    }
    render();
  }

  outletSelect.addEventListener("change", fromControls);
  frameSelect.addEventListener("change", fromControls);
  search.addEventListener("input", fromControls);
  window.addEventListener("hashchange", readFragment);
  document.getElementById("browser-controls").hidden = false;
  readFragment();
}());
