// The adjudication table: filters, bulk decisions, side-by-side preview, CSV export and import.
// Every value is put in the page as text (never as HTML). Decisions are saved on the server at once.
(function () {
  'use strict';
  var run = location.pathname.split('/').filter(Boolean).pop();
  var base = '/config-adjudication/' + encodeURIComponent(run);
  var state = { rows: [], total: 0, decided: 0, canDecide: false, open: false, selected: new Set() };
  var $ = function (id) { return document.getElementById(id); };

  function request(method, path, body, contentType) {
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET') {
      headers['X-Adjudication-Request'] = '1';
      headers['Content-Type'] = contentType || 'application/json';
    }
    return fetch(base + path, { method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          if (!response.ok) {
            throw new Error(json.message || ('The server answered ' + response.status + '.'));
          }
          return json;
        });
      });
  }

  function say(text, error) {
    var m = $('message');
    m.textContent = text;
    m.className = error ? 'error' : '';
    m.hidden = !text;
  }

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (className) { e.className = className; }
    return e;
  }

  function counts() {
    $('count').textContent = state.decided + ' of ' + state.total + ' decided';
    $('bar').max = Math.max(state.total, 1);
    $('bar').value = state.decided;
  }

  function options(select, values) {
    var keep = select.value;
    while (select.options.length > 1) { select.remove(1); }
    values.forEach(function (v) { select.add(new Option(v, v)); });
    select.value = values.indexOf(keep) >= 0 ? keep : '';
  }

  function distinct(field) {
    var seen = {};
    state.rows.forEach(function (r) { seen[r[field]] = true; });
    return Object.keys(seen).sort();
  }

  function visible() {
    var file = $('f-file').value, action = $('f-action').value, category = $('f-category').value;
    var undecided = $('f-undecided').checked, text = $('f-text').value.trim().toLowerCase();
    return state.rows.filter(function (r) {
      return (!file || r.file === file) && (!action || r.action === action) && (!category || r.category === category)
        && (!undecided || !r.decision)
        && (!text || (r.key + '\n' + r.oldValue + '\n' + r.latestValue).toLowerCase().indexOf(text) >= 0);
    });
  }

  function decisionCell(r) {
    var td = el('td');
    if (!r.decision) {
      td.appendChild(el('span', 'undecided', 'undecided'));
      return td;
    }
    td.appendChild(el('span', r.decision.decision + (r.decision.text ? ': ' + r.decision.text : ''), 'decision'));
    td.appendChild(el('span', r.decision.user + ', ' + new Date(r.decision.at).toLocaleString(), 'by'));
    return td;
  }

  function render() {
    var rows = visible();
    var tbody = $('rows').tBodies[0];
    tbody.textContent = '';
    rows.forEach(function (r) {
      var tr = el('tr', null, (r.decision ? 'decided' : '') + (r.action === 'refused-by-config-server' ? ' refused' : ''));
      tr.dataset.id = r.id;
      var pick = el('td', null, 'pick');
      var box = el('input');
      box.type = 'checkbox';
      box.checked = state.selected.has(r.id);
      box.setAttribute('aria-label', 'Select row ' + r.number);
      box.addEventListener('change', function () {
        if (box.checked) { state.selected.add(r.id); } else { state.selected.delete(r.id); }
        selection();
      });
      pick.appendChild(box);
      tr.appendChild(pick);
      tr.appendChild(el('td', String(r.number)));
      var file = el('td', null, 'file');
      var open = el('button', r.file);
      open.type = 'button';
      open.title = 'Show ' + r.file + ' as it will be pushed';
      open.addEventListener('click', function () { preview(r.file); });
      file.appendChild(open);
      tr.appendChild(file);
      tr.appendChild(el('td', r.key, 'value'));
      tr.appendChild(el('td', r.oldValue, 'value'));
      tr.appendChild(el('td', r.latestValue, 'value'));
      tr.appendChild(el('td', r.category));
      tr.appendChild(el('td', r.action + (r.lines.length ? ' (line ' + r.lines.join(', ') + ')' : '')));
      tr.appendChild(decisionCell(r));
      tbody.appendChild(tr);
    });
    $('shown').textContent = rows.length + ' shown';
    document.querySelectorAll('.pick').forEach(function (c) { c.hidden = !state.canDecide; });
    selection();
  }

  function selection() {
    $('selected').textContent = state.selected.size + ' selected';
    var shown = visible();
    $('select-all').checked = shown.length > 0 && shown.every(function (r) { return state.selected.has(r.id); });
  }

  function load() {
    return request('GET', '/rows').then(function (data) {
      state.rows = data.rows;
      state.total = data.total;
      state.decided = data.decided;
      state.canDecide = data.canDecide;
      state.open = data.open;
      $('who').textContent = 'Signed in as ' + data.user;
      $('mode').hidden = data.canDecide;
      $('mode').textContent = !data.open ? 'This review is closed: its task is completed. You can read it.'
        : 'You can read this review; members of config-reviewers decide.';
      $('bulk').hidden = !data.canDecide;
      $('import-label').hidden = !data.canDecide;
      options($('f-file'), distinct('file'));
      options($('f-action'), distinct('action'));
      options($('f-category'), distinct('category'));
      counts();
      render();
    });
  }

  function decide() {
    var ids = Array.from(state.selected);
    if (!ids.length) {
      say('Select the rows to decide first.', true);
      return;
    }
    $('b-apply').disabled = true;
    request('POST', '/decisions', { rows: ids, decision: $('b-decision').value, text: $('b-text').value })
      .then(function (data) {
        var byId = {};
        data.rows.forEach(function (r) { byId[r.id] = r; });
        state.rows = state.rows.map(function (r) { return byId[r.id] || r; });
        state.decided = data.decided;
        state.total = data.total;
        state.selected.clear();
        counts();
        render();
        say(ids.length + ' row(s) saved: ' + data.decided + ' of ' + data.total + ' decided.');
        if (!$('preview').hidden) { preview($('preview-file').textContent); }
      })
      .catch(function (e) { say(e.message, true); })
      .finally(function () { $('b-apply').disabled = false; });
  }

  function preview(file) {
    request('GET', '/preview?file=' + encodeURIComponent(file)).then(function (data) {
      $('preview-file').textContent = data.file;
      var tbody = $('preview-table').tBodies[0];
      tbody.textContent = '';
      data.lines.forEach(function (l) {
        var tr = el('tr', null, l.kind);
        tr.appendChild(el('td', l.leftLine === null ? '' : String(l.leftLine), 'n'));
        tr.appendChild(el('td', l.left === null ? '' : l.left));
        tr.appendChild(el('td', l.rightLine === null ? '' : String(l.rightLine), 'n'));
        tr.appendChild(el('td', l.right === null ? '' : l.right));
        tbody.appendChild(tr);
      });
      $('preview').hidden = false;
      $('preview').scrollIntoView();
    }).catch(function (e) { say(e.message, true); });
  }

  function importCsv(event) {
    var file = event.target.files[0];
    if (!file) { return; }
    file.text().then(function (text) {
      return request('POST', '/manual_adjudication.csv', text, 'text/csv');
    }).then(function (data) {
      return load().then(function () {
        say('Imported ' + data.imported + ' decision(s): ' + data.decided + ' of ' + data.total + ' decided.');
      });
    }).catch(function (e) { say(e.message, true); })
      .finally(function () { event.target.value = ''; });
  }

  ['f-file', 'f-action', 'f-category', 'f-undecided'].forEach(function (id) { $(id).addEventListener('change', render); });
  $('f-text').addEventListener('input', render);
  $('select-all').addEventListener('change', function () {
    var on = $('select-all').checked;
    visible().forEach(function (r) { if (on) { state.selected.add(r.id); } else { state.selected.delete(r.id); } });
    render();
  });
  $('b-apply').addEventListener('click', decide);
  $('import').addEventListener('change', importCsv);
  $('preview-close').addEventListener('click', function () { $('preview').hidden = true; });
  $('export').href = base + '/manual_adjudication.csv';
  document.title = 'Config adjudication ' + run;
  load().catch(function (e) { say(e.message, true); });
}());
