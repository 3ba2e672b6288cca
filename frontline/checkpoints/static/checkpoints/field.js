/* The field page: register people and vehicles in seconds, online or offline.
 * Every record goes into the IndexedDB queue first (window.flQueue) and is sent in batches;
 * the server stores each client UUID once, so sending again is always safe. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("field-config").textContent);
  var T = cfg.text;
  var $ = function (id) { return document.getElementById(id); };
  var state = { syncing: false, lastCounts: {}, forceId: null, lookupSeq: 0, serverWarnings: [] };

  function fmt(text, params) {
    return text.replace(/%\((\w+)\)s/g, function (_m, k) { return params[k] === undefined ? "" : params[k]; });
  }
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }
  function api(url, method, body) {
    return fetch(url, {
      method: method || "GET",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
  function toast(text, kind) {
    var el = $("toast");
    el.className = "alert py-2 mb-2 alert-" + (kind || "success");
    el.textContent = text;
    clearTimeout(state.toastTimer);
    state.toastTimer = setTimeout(function () { el.className = "alert d-none py-2 mb-2"; }, 6000);
  }

  // --- checkpoint of this shift ------------------------------------------------------------------
  var select = $("checkpoint");
  function checkpointId() { return parseInt(select.value, 10) || null; }
  (function restoreCheckpoint() {
    var saved = localStorage.getItem("fl.checkpoint"), duty = cfg.duty;
    // The published roster says where this shift stands; a page kept offline from an earlier
    // shift carries an old duty, so it counts only until that duty ends.
    if (duty && Date.now() < Date.parse(duty.until) && select.querySelector('option[value="' + duty.checkpoint + '"]')) {
      select.value = String(duty.checkpoint);
      localStorage.setItem("fl.checkpoint", select.value);
    } else if (saved && select.querySelector('option[value="' + saved + '"]')) select.value = saved;
    else if (cfg.checkpoints.length === 1) select.value = String(cfg.checkpoints[0].id);
  })();
  select.addEventListener("change", function () {
    localStorage.setItem("fl.checkpoint", select.value);
    refreshCount();
    loadPending();
  });

  // --- resident ID numbers (GB 11643-1999) ---------------------------------------------------------
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  function checkDigit(first17) {
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += parseInt(first17[i], 10) * WEIGHTS[i];
    return "10X98765432"[sum % 11];
  }
  function parseId(raw) {
    var v = (raw || "").replace(/\s+/g, "").toUpperCase();
    if (v.length < 18) return { state: "partial", value: v };
    if (!/^[0-9]{17}[0-9X]$/.test(v)) return { state: "bad", value: v, expected: "?" };
    var y = +v.slice(6, 10), m = +v.slice(10, 12), d = +v.slice(12, 14);
    var birth = new Date(y, m - 1, d);
    if (birth.getFullYear() !== y || birth.getMonth() !== m - 1 || birth.getDate() !== d) return { state: "bad", value: v, expected: "?" };
    var expected = checkDigit(v.slice(0, 17));
    if (expected !== v[17]) return { state: "bad", value: v, expected: expected };
    var now = new Date(), age = now.getFullYear() - y - ((now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) ? 1 : 0);
    return { state: "ok", value: v, sex: (+v[16]) % 2 ? "M" : "F", age: age };
  }
  function documentType() { return $("p-doc").value; }
  function showIdInfo() {
    var info = $("id-info"), raw = $("id_number").value;
    if (documentType() !== "resident_id" || !raw) { info.innerHTML = "&nbsp;"; return null; }
    var p = parseId(raw);
    if (p.state === "partial") info.innerHTML = '<span class="text-muted">' + esc(fmt(T.idLength, { n: p.value.length })) + "</span>";
    else if (p.state === "bad") info.innerHTML = '<span class="bad"><i class="bi bi-x-circle"></i> ' + esc(fmt(T.idBad, { d: p.expected })) + "</span>";
    else info.innerHTML = '<span class="ok"><i class="bi bi-check-circle"></i> ' + esc(T.idOk) + "</span> · " +
      esc(p.sex === "M" ? T.male : T.female) + " · " + esc(fmt(T.age, { n: p.age }));
    return p;
  }

  // --- warnings ------------------------------------------------------------------------------------
  function highRiskName(code) {
    if (!/^\d{6}$/.test(code || "")) return null;
    for (var r in cfg.highRisk) {
      var within = r.slice(2) === "0000" ? code.slice(0, 2) === r.slice(0, 2)
        : r.slice(4) === "00" ? code.slice(0, 4) === r.slice(0, 4) : code === r;
      if (within) return cfg.highRisk[r];
    }
    return null;
  }
  function temperatureValue() {
    var raw = $("temperature").value.replace(",", ".").trim();
    return raw ? parseFloat(raw) : null;
  }
  function symptomsChecked() {
    return Array.prototype.map.call(document.querySelectorAll('#person-form input[name="symptoms"]:checked'), function (i) { return i.value; });
  }
  function localWarnings() {
    var out = [], t = temperatureValue(), limit = parseFloat(cfg.feverThreshold);
    if (t !== null && !isNaN(t)) {
      if (t < 35 || t > 42.5) out.push({ level: "red", code: "implausible", message: fmt(T.implausible, { t: t }) });
      else if (t >= limit) out.push({ level: "red", code: "fever", message: fmt(T.fever, { t: t.toFixed(1), limit: cfg.feverThreshold }) });
    }
    if (symptomsChecked().indexOf("dry_cough") >= 0) out.push({ level: "red", code: "dry_cough", message: T.dryCough });
    var risky = highRiskName($("p-origin").value.trim());
    if (risky) out.push({ level: "orange", code: "high_risk_origin", message: fmt(T.highRisk, { region: risky }) });
    return out;
  }
  function renderWarnings() {
    var list = localWarnings().concat(state.serverWarnings);
    $("warnings").innerHTML = list.map(function (w) {
      return '<div class="fl-warn fl-warn-' + esc(w.level) + '" data-code="' + esc(w.code) + '">' + esc(w.message) + "</div>";
    }).join("");
    var fever = list.some(function (w) { return w.code === "fever" || w.code === "dry_cough"; });
    $("outcome-referred_health").classList.toggle("fl-suggested", fever);
  }

  function lookup() {
    var p = showIdInfo();
    state.serverWarnings = [];
    $("recent").innerHTML = "";
    renderWarnings();
    if (!p || p.state !== "ok" || !navigator.onLine) return;
    var seq = ++state.lookupSeq;
    api(cfg.urls.lookup, "POST", { id_number: p.value, checkpoint: checkpointId() }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (body) {
      if (!body || seq !== state.lookupSeq) return;
      state.serverWarnings = (body.warnings || []).filter(function (w) {
        return ["fever", "dry_cough", "high_risk_origin"].indexOf(w.code) < 0;
      });
      renderWarnings();
      if (body.recent && body.recent.length) {
        $("recent").innerHTML = "<div class='fw-semibold'>" + esc(T.recent) + "</div>" + body.recent.map(function (r) {
          var at = new Date(r.at);
          return "<div class='recent-row'>" + esc(at.toLocaleDateString() + " " + at.toTimeString().slice(0, 5)) + " · " +
            esc(r.checkpoint) + " · " + esc(r.temperature == null ? "–" : r.temperature + " °C") + " · " + esc(r.outcome) +
            (r.name ? " · " + esc(r.name) : "") + "</div>";
        }).join("");
      }
    }).catch(function () {});
  }
  $("id_number").addEventListener("input", lookup);
  $("p-doc").addEventListener("change", lookup);
  ["temperature", "p-origin"].forEach(function (id) { $(id).addEventListener("input", renderWarnings); });
  document.querySelectorAll('#person-form input[name="symptoms"]').forEach(function (i) { i.addEventListener("change", renderWarnings); });

  // --- region autocomplete -------------------------------------------------------------------------
  var regionTimer = null;
  document.querySelectorAll(".region-input").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim(), label = input.parentNode.querySelector(".region-name");
      var known = highRiskName(q);
      label.textContent = known || "";
      clearTimeout(regionTimer);
      if (!q || !navigator.onLine) return;
      regionTimer = setTimeout(function () {
        fetch(cfg.urls.regions + "?q=" + encodeURIComponent(q), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (body) {
          $("region-options").innerHTML = body.results.map(function (r) {
            return '<option value="' + esc(r.code) + '" label="' + esc(r.name) + '">' + esc(r.name) + "</option>";
          }).join("");
          var exact = body.results.filter(function (r) { return r.code === q; })[0];
          if (exact) label.textContent = exact.name;
        }).catch(function () {});
      }, 200);
    });
  });

  // --- saving through the queue --------------------------------------------------------------------
  function radio(form, name) { var el = form.querySelector('input[name="' + name + '"]:checked'); return el ? el.value : ""; }

  function savePerson(outcome) {
    var cp = checkpointId();
    if (!cp) { toast(T.pickCheckpoint, "danger"); select.focus(); return; }
    var form = $("person-form"), idRaw = $("id_number").value.replace(/\s+/g, "").toUpperCase();
    var direction = radio(form, "direction");
    if (!idRaw) { toast(T.needId, "danger"); $("id_number").focus(); return; }
    var p = documentType() === "resident_id" ? parseId(idRaw) : { state: "ok" };
    if (p.state !== "ok" && state.forceId !== idRaw) {
      // A wrong check digit is usually a typo; a second tap saves anyway (the server has the last word).
      state.forceId = idRaw;
      toast(fmt(T.idBad, { d: p.expected || "?" }), "danger");
      $("id_number").focus();
      return;
    }
    var t = temperatureValue();
    if (direction === "in" && (t === null || isNaN(t))) { toast(T.needTemp, "danger"); $("temperature").focus(); return; }
    if (t !== null && (isNaN(t) || t < 35 || t > 42.5)) { toast(fmt(T.implausible, { t: $("temperature").value }), "danger"); $("temperature").focus(); return; }
    var payload = {
      checkpoint: cp, client_uuid: flQueue.uuid4(), outcome: outcome, direction: direction,
      id_number: idRaw, temperature: t === null ? null : t.toFixed(1), document_type: documentType(),
      name: $("p-name").value.trim(), phone: $("p-phone").value.trim(), origin_region: $("p-origin").value.trim(),
      arrived_on: $("p-arrived").value || null, purpose: $("p-purpose").value.trim(), note: $("p-note").value.trim(),
      symptoms: symptomsChecked(), at: new Date().toISOString(),
    };
    enqueue({ kind: "passage", payload: payload, label: idRaw.slice(0, 6) + "********" + idRaw.slice(-4) }).then(function () {
      resetPerson();
    });
  }

  function resetPerson() {
    var form = $("person-form"), direction = radio(form, "direction");
    form.reset();
    form.querySelector('input[name="direction"][value="' + direction + '"]').checked = true;  // remembered
    state.forceId = null;
    state.serverWarnings = [];
    $("recent").innerHTML = "";
    $("id-info").innerHTML = "&nbsp;";
    form.querySelectorAll(".region-name").forEach(function (l) { l.textContent = ""; });
    renderWarnings();
    $("id_number").focus();
  }

  var PLATE = /^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-Z][0-9A-HJ-NP-Z]{4,5}[0-9A-HJ-NP-Z挂学警领港澳]?$/;
  function plateValue() { return $("plate").value.replace(/[\s·.\-•・]/g, "").toUpperCase(); }
  $("plate").addEventListener("input", function () {
    var v = plateValue();
    $("plate-info").innerHTML = !v ? "&nbsp;" : PLATE.test(v) ? '<span class="text-success fw-semibold">' + esc(v.slice(0, 2) + "·" + v.slice(2)) + "</span>" : '<span class="text-danger">' + esc(T.plateBad) + "</span>";
  });
  $("v-origin").addEventListener("input", function () {
    var risky = highRiskName($("v-origin").value.trim());
    $("vehicle-warnings").innerHTML = risky ? '<div class="fl-warn fl-warn-orange">' + esc(fmt(T.highRisk, { region: risky })) + "</div>" : "";
  });

  function saveVehicle(outcome) {
    var cp = checkpointId();
    if (!cp) { toast(T.pickCheckpoint, "danger"); select.focus(); return; }
    var plate = plateValue();
    if (!plate) { toast(T.needPlate, "danger"); $("plate").focus(); return; }
    var form = $("vehicle-form");
    var payload = {
      checkpoint: cp, client_uuid: flQueue.uuid4(), outcome: outcome, direction: radio(form, "direction"), plate: plate,
      vehicle_type: $("v-type").value, occupants: parseInt($("v-occupants").value, 10) || 1,
      origin_region: $("v-origin").value.trim(), at: new Date().toISOString(),
    };
    enqueue({ kind: "vehicle", payload: payload, label: plate }).then(function () {
      var direction = radio(form, "direction");
      form.reset();
      form.querySelector('input[name="direction"][value="' + direction + '"]').checked = true;
      $("plate-info").innerHTML = "&nbsp;";
      $("vehicle-warnings").innerHTML = "";
      $("plate").focus();
    });
  }

  document.querySelectorAll("#person-form .fl-outcome").forEach(function (b) {
    b.addEventListener("click", function () { savePerson(b.dataset.outcome); });
  });
  document.querySelectorAll("#vehicle-form .fl-outcome").forEach(function (b) {
    b.addEventListener("click", function () { saveVehicle(b.dataset.outcome); });
  });

  function enqueue(record) {
    record.client_uuid = record.payload.client_uuid;
    record.status = "pending";
    record.errors = [];
    record.queued_at = Date.now();
    return flQueue.put(record).then(function () {
      state.justSaved = record.kind;
      return refreshQueue();
    }).then(function () {
      if (navigator.onLine) sync(); else toast(T.queued, "warning");
    });
  }

  // --- sync ----------------------------------------------------------------------------------------
  function sync() {
    if (state.syncing) { state.again = true; return Promise.resolve(); }  // sent as soon as this round ends
    state.syncing = true;
    state.again = false;
    return flQueue.all().then(function (records) {
      var pending = records.filter(function (r) { return r.status === "pending"; });
      var vehicles = pending.filter(function (r) { return r.kind === "vehicle"; });
      var people = pending.filter(function (r) { return r.kind === "passage"; });
      // Vehicles first: a person may name the vehicle they came in.
      return sendAll(cfg.urls.vehicles, vehicles).then(function () { return sendAll(cfg.urls.passages, people); });
    }).then(function (sent) {
      state.syncing = false;
      return refreshQueue().then(function (waiting) {
        if (state.justSaved && !waiting) {
          var n = state.lastCounts[checkpointId()];
          toast(state.justSaved === "vehicle" ? T.vehicleSaved : fmt(T.saved, { n: n === undefined ? "–" : n }), "success");
        }
        state.justSaved = null;
        if (state.again) sync();
        return sent;
      });
    }, function () {
      state.syncing = false;
      return refreshQueue().then(function () {
        if (state.justSaved) toast(T.queued, "warning");
        state.justSaved = null;
      });
    });
  }

  function sendAll(url, records) {
    var chunks = [];
    for (var i = 0; i < records.length; i += 200) chunks.push(records.slice(i, i + 200));
    return chunks.reduce(function (prev, chunk) {
      return prev.then(function () { return sendChunk(url, chunk); });
    }, Promise.resolve());
  }

  function sendChunk(url, chunk) {
    return api(url, "POST", { items: chunk.map(function (r) { return r.payload; }) }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (body) {
      Object.keys(body.today || {}).forEach(function (k) { state.lastCounts[k] = body.today[k].people; });
      showCount();
      return Promise.all(body.results.map(function (result) {
        var record = chunk[result.index];
        if (result.result === "error") {
          record.status = "rejected";
          record.errors = result.errors;
          return flQueue.put(record);
        }
        return flQueue.remove(record.client_uuid);
      }));
    });
  }

  function refreshQueue() {
    return flQueue.all().then(function (records) {
      var pending = records.filter(function (r) { return r.status === "pending"; });
      var rejected = records.filter(function (r) { return r.status === "rejected"; });
      var badge = $("queue-count");
      badge.textContent = fmt(T.waiting, { n: pending.length });
      badge.dataset.count = String(pending.length);
      badge.classList.toggle("d-none", pending.length === 0);
      $("rejected").classList.toggle("d-none", rejected.length === 0);
      $("rejected-list").innerHTML = rejected.map(function (r) {
        return '<li class="list-group-item list-group-item-danger small rejected-item" data-uuid="' + esc(r.client_uuid) + '">' +
          "<div class='fw-semibold font-monospace'>" + esc(r.label) + "</div>" +
          r.errors.map(function (e) { return "<div data-field='" + esc(e.field) + "'>" + esc(e.message) + "</div>"; }).join("") +
          '<div class="mt-1 d-flex gap-2"><button type="button" class="btn btn-sm btn-primary fix">' + esc(T.edit) + '</button>' +
          '<button type="button" class="btn btn-sm btn-outline-secondary discard">' + esc(T.discard) + "</button></div></li>";
      }).join("");
      showCount(pending);
      return pending.length;
    });
  }

  $("rejected-list").addEventListener("click", function (ev) {
    var item = ev.target.closest(".rejected-item");
    if (!item) return;
    var key = item.dataset.uuid;
    if (ev.target.classList.contains("discard")) { flQueue.remove(key).then(refreshQueue); return; }
    if (!ev.target.classList.contains("fix")) return;
    flQueue.get(key).then(function (record) {
      flQueue.remove(key).then(refreshQueue);
      var p = record.payload;
      if (record.kind === "vehicle") {
        showTab("vehicle");
        $("plate").value = p.plate; $("v-type").value = p.vehicle_type; $("v-occupants").value = p.occupants; $("v-origin").value = p.origin_region || "";
        $("plate").dispatchEvent(new Event("input"));
        $("plate").focus();
        return;
      }
      showTab("person");
      state.forceId = null;
      $("id_number").value = p.id_number; $("temperature").value = p.temperature || ""; $("p-doc").value = p.document_type;
      $("p-name").value = p.name || ""; $("p-phone").value = p.phone || ""; $("p-origin").value = p.origin_region || "";
      $("p-arrived").value = p.arrived_on || ""; $("p-purpose").value = p.purpose || ""; $("p-note").value = p.note || "";
      document.querySelectorAll('#person-form input[name="symptoms"]').forEach(function (i) { i.checked = (p.symptoms || []).indexOf(i.value) >= 0; });
      if (p.name || p.phone || p.origin_region || p.arrived_on || p.purpose || p.note) $("more").open = true;
      lookup();
      var field = (record.errors[0] || {}).field;
      var target = { id_number: "id_number", temperature: "temperature", phone: "p-phone", origin_region: "p-origin", name: "p-name" }[field] || "id_number";
      $(target).focus();
    });
  });

  function showCount(pending) {
    var cp = checkpointId(), el = $("today-count");
    if (!cp) { el.textContent = "–"; return; }
    var known = state.lastCounts[cp];
    var extra = (pending || []).filter(function (r) { return r.kind === "passage" && r.payload.checkpoint === cp; }).length;
    el.textContent = known === undefined ? (extra ? "+" + extra : "–") : String(known + extra);
  }

  function refreshCount() {
    var cp = checkpointId();
    if (!cp || !navigator.onLine) { showCount(); return; }
    api(cfg.urls.lookup, "POST", { id_number: "", checkpoint: cp }).then(function (r) { return r.ok ? r.json() : null; }).then(function (body) {
      if (body && body.today_count !== null && body.today_count !== undefined) state.lastCounts[cp] = body.today_count;
      refreshQueue();
    }).catch(function () {});
  }

  // --- the QR self-registration queue --------------------------------------------------------------
  function loadPending() {
    var cp = checkpointId(), list = $("pending-list");
    if (!cp || !navigator.onLine) return;
    var seq = state.pendingSeq = (state.pendingSeq || 0) + 1;
    api(cfg.urls.pending + "?checkpoint=" + cp).then(function (r) { return r.ok ? r.json() : []; }).then(function (items) {
      if (seq !== state.pendingSeq) return;  // a newer answer is on its way
      var badge = $("pending-count");
      badge.textContent = String(items.length);
      badge.classList.toggle("d-none", items.length === 0);
      if (!items.length) { list.innerHTML = '<p class="text-muted">' + esc(T.noPending) + "</p>"; return; }
      // A refresh must not wipe a temperature the staff member is typing.
      var typed = {}, focused = document.activeElement && document.activeElement.closest(".fl-pending-card");
      list.querySelectorAll(".fl-pending-card").forEach(function (c) { typed[c.dataset.id] = c.querySelector(".pending-temp").value; });
      list.innerHTML = items.map(function (r) {
        var outcomes = [["allowed", "btn-success"], ["turned_back", "btn-warning"], ["referred_health", "btn-danger"]];
        return '<div class="card mb-2 fl-pending-card" data-id="' + r.id + '"><div class="card-body p-2">' +
          '<div class="d-flex align-items-baseline gap-2"><span class="receipt">' + esc(r.receipt) + "</span><span class='fw-semibold'>" + esc(r.name) + "</span>" +
          '<span class="ms-auto small font-monospace">' + esc(r.id_number_masked) + "</span></div>" +
          (r.origin_name ? '<div class="small ' + (r.high_risk ? "fl-warn fl-warn-orange" : "") + '">' + esc(r.origin_name) + "</div>" : "") +
          (r.symptom_names.length ? '<div class="fl-warn fl-warn-red small">' + esc(r.symptom_names.join("、")) + "</div>" : "") +
          '<input class="form-control form-control-lg pending-temp mt-1" inputmode="decimal" placeholder="36.5 °C" aria-label="°C">' +
          '<div class="d-flex gap-2 mt-2">' +
          outcomes.map(function (o) {
            var label = document.querySelector('#person-form [data-outcome="' + o[0] + '"]').textContent;
            return '<button type="button" class="btn ' + o[1] + ' flex-fill pending-confirm" data-outcome="' + o[0] + '">' + esc(label) + "</button>";
          }).join("") + '</div><div class="pending-error small text-danger"></div></div></div>';
      }).join("");
      list.querySelectorAll(".fl-pending-card").forEach(function (c) {
        var input = c.querySelector(".pending-temp");
        input.value = typed[c.dataset.id] || "";
        if (focused && focused.dataset.id === c.dataset.id) input.focus();
      });
    }).catch(function () {});
  }
  $("pending-list").addEventListener("click", function (ev) {
    var button = ev.target.closest(".pending-confirm");
    if (!button) return;
    var card = button.closest(".fl-pending-card"), temp = card.querySelector(".pending-temp").value.replace(",", ".").trim();
    if (!temp) { card.querySelector(".pending-error").textContent = T.needTemp; card.querySelector(".pending-temp").focus(); return; }
    button.disabled = true;
    api(cfg.urls.pending + "/" + card.dataset.id + "/confirm", "POST", { temperature: temp, outcome: button.dataset.outcome, client_uuid: flQueue.uuid4() })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        button.disabled = false;
        if (!res.ok) {
          card.querySelector(".pending-error").textContent = (res.body.detail || []).map(function (d) { return d.msg; }).join(" ") || res.body.message || "";
          return;
        }
        toast(T.confirmed, "success");
        card.remove();
        refreshCount();
        loadPending();
      }).catch(function () { button.disabled = false; });
  });

  // --- tabs, network, start ------------------------------------------------------------------------
  function showTab(name) {
    document.querySelectorAll(".fl-tab").forEach(function (s) { s.hidden = s.id !== "tab-" + name; });
    document.querySelectorAll(".fl-tabs .nav-link").forEach(function (b) { b.classList.toggle("active", b.dataset.tab === name); });
    if (name === "pending") loadPending();
  }
  document.querySelectorAll(".fl-tabs .nav-link").forEach(function (b) {
    b.addEventListener("click", function () { showTab(b.dataset.tab); });
  });

  function showNetwork() {
    var el = $("net-status");
    el.textContent = navigator.onLine ? T.online : T.offline;
    el.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-secondary");
  }
  window.addEventListener("online", function () { showNetwork(); sync().then(refreshCount); loadPending(); });
  window.addEventListener("offline", showNetwork);
  setInterval(function () { if (navigator.onLine) { sync(); loadPending(); } }, 30000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(cfg.urls.sw).catch(function () {});
  }
  window.flField = { sync: sync, refreshQueue: refreshQueue };
  showNetwork();
  refreshQueue().then(function () { if (navigator.onLine) sync(); });
  refreshCount();
  loadPending();
})();
