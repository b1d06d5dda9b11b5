/* The gate kiosk. Scan (or search) → person → mask, disinfection, temperature, SpO2 → verdict.
 *
 * Online, the server decides and stores each check. When the network is down the kiosk keeps
 * working: it identifies people from its offline copy of the gate's passes, decides with the same
 * rules as the server (decide() below mirrors fugong/gate/rules.py), shows the verdict marked
 * "decided offline", and keeps the check in IndexedDB. When the network returns the queue is sent
 * in batches; every check carries its own UUID, so a check sent twice is stored once. Each offline
 * check carries the server's signed stamp of the copy it was decided from (snapshot.stamp): the
 * server trusts the verdict only when that copy was young enough, and judges it again otherwise.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("kiosk-config").textContent);
  const T = JSON.parse(document.getElementById("kiosk-texts").textContent);
  const $ = (id) => document.getElementById(id);
  const format = (text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key]).replace(/%%/g, "%");
  // The park's day, whatever the device's clock zone: clearances and passes run by it.
  const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());

  // ----- storage: IndexedDB -------------------------------------------------------------------
  const DB_NAME = "fugong-kiosk-" + config.gate.id;
  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore("snapshot");
        db.createObjectStore("queue", { keyPath: "client_id" });
        db.createObjectStore("rejected", { keyPath: "client_id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }
  const dbReady = openDb();
  async function store(name, mode, work) {
    const db = await dbReady;
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const result = work(transaction.objectStore(name));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    });
  }
  const queueAdd = (check) => store("queue", "readwrite", (s) => s.put(check));
  const queueAll = () => store("queue", "readonly", (s) => s.getAll());
  const queueRemove = (ids) => store("queue", "readwrite", (s) => ids.forEach((id) => s.delete(id)));
  const rejectedAdd = (items) => store("rejected", "readwrite", (s) => items.forEach((item) => s.put(item)));
  const rejectedCount = () => store("rejected", "readonly", (s) => s.count());

  // ----- network ------------------------------------------------------------------------------
  let online = navigator.onLine;
  let signedOut = false;
  async function api(url, body) {
    const response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  }
  function signedOutAnswer(status, data) {
    const code = data && data.error ? data.error.code : "";
    return status === 401 || (status === 403 && code === "csrf_failed");
  }

  function setOnline(value) {
    online = value;
    const badge = $("network-state");
    badge.textContent = value ? T.online : T.offline;
    badge.className = "badge " + (value ? "text-bg-success" : "text-bg-warning");
  }
  window.addEventListener("online", () => { setOnline(true); sync(); });
  window.addEventListener("offline", () => setOnline(false));

  // ----- the offline copy ---------------------------------------------------------------------
  let snapshot = null;
  async function loadSnapshot() {
    snapshot = (await store("snapshot", "readonly", (s) => s.get("current"))) || null;
    try {
      const { status, data } = await api(config.api.snapshot);
      if (status === 200) {
        snapshot = data;
        await store("snapshot", "readwrite", (s) => s.put(data, "current"));
        setOnline(true);
      }
    } catch (error) {
      setOnline(false);
    }
    showSnapshot();
  }
  function showSnapshot() {
    if (!snapshot) return;
    // Past the server's limit (max_age, seconds) its offline verdicts will be judged again: say so.
    const made = Date.parse(snapshot.generated_at.replace(/(\.\d{3})\d+/, "$1")); // ms: every browser parses it
    const stale = !snapshot.stamp || (snapshot.max_age && Date.now() - made > snapshot.max_age * 1000);
    const state = $("snapshot-state");
    state.textContent = format(stale ? T.snapshot_stale : T.snapshot_age, { time: snapshot.generated_at.slice(0, 16).replace("T", " ") });
    state.className = stale ? "text-danger" : "text-muted";
    $("risk-areas").textContent = snapshot.risk_areas.map((area) => area.name).join("、");
  }
  const tenths = (value) => Math.round(parseFloat(value) * 10);
  async function sha256(text) {
    const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  // ----- the rules, as fugong/gate/rules.py ---------------------------------------------------
  function decide(readings, person, gateEnterpriseId, thresholds) {
    const reasons = [];
    const warnings = [];
    if (!readings.mask) reasons.push("no_mask");
    if (!readings.disinfected) reasons.push("no_disinfection");
    if (readings.temperature === null) reasons.push("no_temperature");
    if (!person.registered) reasons.push(person.pass_problem || "no_registration");
    let fever = false;
    const threshold = tenths(thresholds.fever);
    if (readings.temperature !== null && tenths(readings.temperature) >= threshold) {
      if (readings.temperature_recheck === null) reasons.push("recheck_required");
      else if (tenths(readings.temperature_recheck) >= threshold) { reasons.push("fever"); fever = true; }
    }
    const lowSpo2 = readings.spo2 !== null && readings.spo2 <= thresholds.spo2;
    if (lowSpo2) reasons.push("low_spo2");
    if (person.registered && person.kind === "worker") {
      if (person.clearance === "not_cleared") reasons.push("not_cleared");
      else if (person.clearance === "observation") reasons.push("under_observation");
      if (gateEnterpriseId !== null && person.enterprise_id !== gateEnterpriseId) reasons.push("other_enterprise");
      // The training rule at a worker's first admission: "deny" refuses, "warn" admits and says so.
      if (person.first_admission && person.trained === false) {
        if (thresholds.training === "deny") reasons.push("untrained");
        else if (thresholds.training === "warn") warnings.push("untrained");
      }
    }
    if (person.registered && person.kind === "visitor") {
      if (person.contact_history) reasons.push("contact_history");
      if (person.risk_origin) reasons.push("risk_origin");
    }
    return { admitted: reasons.length === 0, reasons, warnings: reasons.length === 0 ? warnings : [], abnormal: fever || lowSpo2 };
  }
  window.fugongKioskDecide = decide; // for the browser test that holds it to the server's rules

  function clearanceOn(person, day) {
    if (person.clearance === "observation" && person.observation_until && person.observation_until < day) return "cleared";
    return person.clearance;
  }

  // ----- the flow -----------------------------------------------------------------------------
  let current = null; // { kind, pass_token | worker_id | visitor, person, problems }
  let resetTimer = null;

  function reset() {
    clearTimeout(resetTimer);
    current = null;
    ["person", "check-form", "verdict", "visitor-form", "visitor-error", "recheck-row", "check-error"].forEach((id) => $(id).classList.add("d-none"));
    // The last visitor's details leave the screen with them.
    $("visitor-form").reset();
    $("search-results").innerHTML = "";
    ["temperature", "spo2", "recheck", "scan"].forEach((id) => { $(id).value = ""; });
    $("mask").checked = true;
    $("disinfected").checked = true;
    $("scan").focus();
  }

  function showPerson(person, problems, label) {
    $("person").classList.remove("d-none");
    $("person-name").textContent = person ? person.name : T.not_found;
    $("person-detail").textContent = person ? [label || "", person.document || "", person.department || ""].filter(Boolean).join(" · ") : "";
    const clearance = person ? person.clearance : "";
    const badge = $("person-clearance");
    badge.textContent = clearance ? T[clearance] : "";
    badge.className = "badge fs-6 " + ({ cleared: "text-bg-success", observation: "text-bg-warning", not_cleared: "text-bg-danger" }[clearance] || "");
    // The daily health declaration (informational, never a reason to deny): online only.
    const declaration = $("person-declaration");
    const status = person && person.declaration;
    declaration.textContent = status ? status.message : "";
    declaration.dataset.state = status ? status.state : "";
    declaration.className = status ? "alert py-1 px-2 mb-0 mt-2 " + (status.state === "abnormal" ? "alert-danger" : "alert-warning") : "d-none";
    const list = $("person-problems");
    list.innerHTML = "";
    problems.forEach((code) => {
      const item = document.createElement("li");
      item.textContent = T.reasons[code] || code;
      list.appendChild(item);
    });
    $("check-form").classList.remove("d-none");
    $("scan").value = "";
    $("temperature").focus();
  }

  function showError(text) {
    const error = $("check-error");
    error.textContent = text;
    error.classList.toggle("d-none", !text);
  }

  async function identifyToken(token) {
    current = { kind: "worker", pass_token: token };
    if (online) {
      try {
        const { status, data } = await api(config.api.identify, { pass_token: token });
        if (status === 200) {
          current.person = data.person;
          current.problems = data.problems.map((problem) => problem.code);
          return showPerson(data.person, current.problems);
        }
      } catch (error) { setOnline(false); }
    }
    // The offline copy holds digests of the passes, not the passes themselves.
    const digest = snapshot ? await sha256(token) : "";
    const entry = snapshot && snapshot.passes.find((item) => item.digest === digest);
    const day = today();
    if (!entry) {
      current.person = null;
      current.problems = ["pass_unknown"];
    } else {
      current.person = Object.assign({}, entry.worker, { clearance: clearanceOn(entry.worker, day) });
      current.problems = [];
      if (entry.expires_on < day) current.problems.push("pass_expired");
    }
    showPerson(current.person, current.problems);
  }

  async function search(query) {
    let people = [];
    if (online) {
      try {
        const { status, data } = await api(config.api.search, { q: query });
        if (status === 200) people = data;
      } catch (error) { setOnline(false); }
    }
    if (!online && snapshot) {
      const upper = query.toUpperCase();
      people = snapshot.passes.map((item) => item.worker).filter((worker) =>
        (upper.length <= 4 && /^[0-9X]+$/.test(upper)) ? worker.document.endsWith(upper) : worker.name.includes(query)
      ).slice(0, 20);
    }
    const list = $("search-results");
    list.innerHTML = "";
    people.forEach((person) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "list-group-item list-group-item-action fs-5";
      button.textContent = person.name + " · " + person.document + (person.department ? " · " + person.department : "");
      button.addEventListener("click", () => {
        list.innerHTML = "";
        const day = today();
        current = { kind: "worker", worker_id: person.id, person: Object.assign({}, person, { clearance: clearanceOn(person, day) }), problems: [] };
        if (person.clearance === "not_cleared") current.problems.push("not_cleared");
        else if (clearanceOn(person, day) === "observation") current.problems.push("under_observation");
        showPerson(current.person, current.problems);
      });
      list.appendChild(button);
    });
    if (!people.length) {
      const empty = document.createElement("div");
      empty.className = "list-group-item text-muted";
      empty.textContent = T.not_found;
      list.appendChild(empty);
    }
  }

  $("scan-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("scan").value.trim();
    if (!text) return;
    if (text.startsWith("FG1.")) identifyToken(text);
    else search(text);
  });

  $("visitor-button").addEventListener("click", () => {
    reset();
    $("visitor-form").classList.remove("d-none");
    $("v-name").focus();
  });
  $("visitor-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const visitor = {
      full_name: $("v-name").value.trim(),
      document_type: $("v-type").value,
      document_number: $("v-number").value.trim(),
      phone: $("v-phone").value.trim(),
      origin: $("v-origin").value.trim(),
      employer: $("v-employer").value.trim(),
      purpose: $("v-purpose").value.trim(),
      host: $("v-host").value.trim(),
      contact_history: $("v-contact").value.trim(),
      passed_risk_area: $("v-risk").checked,
    };
    // The check character of a resident ID is checked here too, so that a typo made while
    // offline is caught at the gate and not only on upload.
    if (visitor.document_type === "resident_id" && !validResidentId(visitor.document_number)) {
      $("visitor-error").textContent = T.bad_resident_id;
      $("visitor-error").classList.remove("d-none");
      return;
    }
    // Offline, the origin is matched against the copy of the risk areas by code or by name.
    const code = /^\d{6}$/.test(visitor.origin) ? visitor.origin : "";
    const riskOrigin = visitor.passed_risk_area || Boolean(snapshot && visitor.origin && snapshot.risk_areas.some((area) =>
      code ? code.startsWith(area.prefix) : area.name.includes(visitor.origin)));
    current = { kind: "visitor", visitor, risk_origin: riskOrigin, person: { name: visitor.full_name, document: T.visitor, department: visitor.purpose }, problems: [] };
    $("visitor-form").classList.add("d-none");
    $("visitor-error").classList.add("d-none");
    showPerson(current.person, [], T.visitor);
  });

  // GB 11643: 17 digits and a check character (0-9 or X) from weighted sums modulo 11.
  function validResidentId(text) {
    const number = text.toUpperCase();
    if (!/^\d{17}[\dX]$/.test(number)) return false;
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const sum = weights.reduce((total, weight, index) => total + weight * Number(number[index]), 0);
    return "10X98765432"[sum % 11] === number[17];
  }

  function readNumber(id) {
    const text = $(id).value.trim();
    return text === "" ? null : text;
  }

  $("check-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    const thresholds = snapshot ? snapshot.thresholds : { fever: "37.3", spo2: 93 };
    const temperature = readNumber("temperature");
    const recheckVisible = !$("recheck-row").classList.contains("d-none");
    const spo2Text = readNumber("spo2");
    // A typo is not a reading: catch it here, where the operator can still measure again.
    const problems = [];
    [["temperature", temperature], ["recheck", recheckVisible ? readNumber("recheck") : null]].forEach(([id, value]) => {
      if (value !== null && !(/^\d{2}(\.\d)?$/.test(value) && parseFloat(value) >= 30 && parseFloat(value) <= 45)) problems.push(format(T.temperature_range, { value }));
    });
    if (spo2Text !== null && !(/^\d{2,3}$/.test(spo2Text) && parseInt(spo2Text, 10) >= 50 && parseInt(spo2Text, 10) <= 100)) problems.push(format(T.spo2_range, { value: spo2Text }));
    if (problems.length) return showError(problems.join(" "));
    showError("");
    if (temperature !== null && tenths(temperature) >= tenths(thresholds.fever) && !recheckVisible) {
      // A reading at or above the threshold is measured again before any verdict.
      $("recheck-row").classList.remove("d-none");
      $("recheck-hint").textContent = T.reasons.recheck_required;
      $("recheck").focus();
      return;
    }
    const check = {
      client_id: crypto.randomUUID(),
      occurred_at: new Date().toISOString(),
      mask: $("mask").checked,
      disinfected: $("disinfected").checked,
      temperature,
      temperature_recheck: recheckVisible ? readNumber("recheck") : null,
      recheck_method: recheckVisible ? $("recheck-method").value : "",
      spo2: spo2Text === null ? null : parseInt(spo2Text, 10),
    };
    if (current.pass_token) check.pass_token = current.pass_token;
    if (current.worker_id) check.worker_id = current.worker_id;
    if (current.visitor) check.visitor = current.visitor;
    $("confirm").disabled = true;
    try {
      await submit(check);
    } finally {
      $("confirm").disabled = false;
    }
  });

  async function submit(check) {
    if (online) {
      try {
        const { status, data } = await api(config.api.check, check);
        if (status === 201 || status === 200) return showVerdict(data.verdict === "admitted", data.reasons.map((reason) => reason.code), false, check);
        if (signedOutAnswer(status, data)) {
          // The session ended (or its CSRF token is stale): the check happened, so keep it like
          // an offline one, to be sent once the operator has signed in again.
          signedOut = true;
        } else if (status >= 400 && status < 500) {
          const message = (data.error && data.error.message) || String(status);
          const fields = (data.error && data.error.fields) || {};
          if (current.kind === "visitor" && Object.keys(fields).some((key) => key.startsWith("visitor."))) {
            // Back to the registration, which is what needs correcting.
            $("check-form").classList.add("d-none");
            $("person").classList.add("d-none");
            $("visitor-form").classList.remove("d-none");
            $("visitor-error").textContent = Object.values(fields).map((messages) => messages.join(" ")).join(" ");
            $("visitor-error").classList.remove("d-none");
            return;
          }
          return showError(message);
        }
      } catch (error) {
        setOnline(false);
      }
    }
    // Offline (or the answer was lost): decide here, keep the check, send it later.
    const person = offlinePerson();
    const readings = {
      mask: check.mask,
      disinfected: check.disinfected,
      temperature: check.temperature,
      temperature_recheck: check.temperature_recheck,
      spo2: check.spo2,
    };
    const decision = decide(readings, person, config.gate.enterprise_id, snapshot ? snapshot.thresholds : { fever: "37.3", spo2: 93 });
    check.offline = true;
    check.offline_verdict = decision.admitted ? "admitted" : "denied";
    check.offline_reasons = decision.reasons.concat(decision.warnings);
    // The copy this verdict came from, as the server stamped it: it decides whether the verdict
    // stands or is judged again.
    check.snapshot_stamp = (snapshot && snapshot.stamp) || "";
    // The name stays on this device, for the list of refused checks; it is not sent.
    await queueAdd(Object.assign({ _label: current.person ? current.person.name : "" }, check));
    await showQueue();
    if (decision.admitted && person.kind === "worker") {
      // Admitted once: no longer a first admission, for this copy's later verdicts.
      const entry = workerEntry(current.person.id);
      if (entry) entry.worker.first_admission = false;
    }
    showVerdict(decision.admitted, decision.reasons.concat(decision.warnings), true, check);
  }

  // The copy's entry for a worker (found by a pass or by name): the training facts it holds.
  function workerEntry(workerId) {
    return snapshot ? snapshot.passes.find((item) => item.worker.id === workerId) : undefined;
  }

  function offlinePerson() {
    if (current.kind === "visitor") {
      return { registered: true, kind: "visitor", contact_history: Boolean(current.visitor.contact_history), risk_origin: current.risk_origin };
    }
    if (!current.person) return { registered: false, pass_problem: current.problems[0] || "" };
    const passProblem = current.problems.find((code) => code.startsWith("pass_"));
    if (passProblem) return { registered: false, pass_problem: passProblem };
    const entry = workerEntry(current.person.id);
    const facts = entry ? entry.worker : current.person;
    return {
      registered: true, kind: "worker", clearance: current.person.clearance, enterprise_id: current.person.enterprise_id,
      trained: facts.trained !== false, first_admission: Boolean(facts.first_admission),
    };
  }

  function readingsLine(check) {
    const parts = [];
    if (check.temperature !== null) parts.push(check.temperature + (check.temperature_recheck !== null ? " → " + check.temperature_recheck : "") + " °C");
    if (check.spo2 !== null) parts.push("SpO2 " + check.spo2 + "%");
    return parts.join(" · ");
  }

  function showVerdict(admitted, reasons, offline, check) {
    $("check-form").classList.add("d-none");
    const panel = $("verdict");
    panel.className = "verdict " + (admitted ? "admitted" : "denied");
    $("verdict-title").textContent = admitted ? T.admitted : T.denied;
    const list = $("verdict-reasons");
    list.innerHTML = "";
    reasons.forEach((code) => {
      const item = document.createElement("li");
      item.textContent = T.reasons[code] || code;
      list.appendChild(item);
    });
    $("verdict-readings").textContent = readingsLine(check);
    $("verdict-mode").textContent = offline ? T.offline_verdict : "";
    clearTimeout(resetTimer);
    if (admitted) resetTimer = setTimeout(reset, 3000);
    $("next").focus();
  }
  $("next").addEventListener("click", reset);

  // ----- the queue ----------------------------------------------------------------------------
  async function showRejected() {
    const items = await store("rejected", "readonly", (s) => s.getAll());
    const list = $("rejected-list");
    list.innerHTML = "";
    items.sort((a, b) => (a.occurred_at < b.occurred_at ? -1 : 1)).forEach((item) => {
      const row = document.createElement("li");
      row.className = "list-group-item";
      const who = item.visitor ? item.visitor.full_name : item._label || "";
      row.textContent = [item.occurred_at.slice(0, 16).replace("T", " "), who, item.error ? item.error.message : ""].filter(Boolean).join(" · ");
      list.appendChild(row);
    });
    $("rejected-panel").classList.remove("d-none");
  }
  $("rejected-state").addEventListener("click", showRejected);
  $("rejected-close").addEventListener("click", () => $("rejected-panel").classList.add("d-none"));
  $("rejected-clear").addEventListener("click", async () => {
    await store("rejected", "readwrite", (s) => s.clear());
    $("rejected-panel").classList.add("d-none");
    await showQueue();
  });

  async function showQueue() {
    const queued = (await queueAll()).length;
    $("queue-state").textContent = format(T.queued, { count: queued });
    $("queue-state").className = "badge " + (queued ? "text-bg-warning" : "text-bg-secondary");
    const rejected = await rejectedCount();
    $("rejected-state").textContent = format(T.rejected, { count: rejected });
    $("rejected-state").classList.toggle("d-none", !rejected);
    $("signed-out").classList.toggle("d-none", !signedOut);
  }

  let syncing = false;
  async function sync() {
    if (syncing) return;
    syncing = true;
    try {
      let queued = await queueAll();
      while (queued.length) {
        const batch = queued.slice(0, 500);
        const { status, data } = await api(config.api.batch, { checks: batch.map(({ _label, ...check }) => check) });
        signedOut = signedOutAnswer(status, data);
        if (status !== 200) break;
        const done = [];
        const refused = [];
        data.results.forEach((result, index) => {
          if (result.status === "rejected") refused.push(Object.assign({}, batch[index], { error: result.error }));
          done.push(batch[index].client_id);
        });
        if (refused.length) await rejectedAdd(refused);
        await queueRemove(done);
        setOnline(true);
        queued = await queueAll();
      }
    } catch (error) {
      setOnline(false);
    } finally {
      syncing = false;
      await showQueue();
    }
  }
  setInterval(() => { if (navigator.onLine) sync(); }, 10000);
  setInterval(loadSnapshot, 5 * 60 * 1000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.serviceWorker, { scope: "/gate/" }).catch(() => {});
  }
  $("scan").placeholder = T.scan_hint;
  // Service workers, crypto and the offline copy need a secure page (HTTPS, or this machine).
  $("insecure").classList.toggle("d-none", window.isSecureContext);
  $("signed-out").textContent = T.signed_out;
  reset();
  loadSnapshot().then(sync).then(showQueue);
})();
