/* The offline queue: records wait in IndexedDB under their client UUID until the server has them. */
(function () {
  "use strict";
  var DB = "frontline-field", STORE = "queue", dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "client_uuid" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return dbPromise;
  }

  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), store = tx.objectStore(STORE), out = fn(store);
        tx.oncomplete = function () { resolve(out && "result" in out ? out.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  window.flQueue = {
    uuid4: uuid4,
    put: function (record) { return run("readwrite", function (s) { return s.put(record); }); },
    remove: function (key) { return run("readwrite", function (s) { return s.delete(key); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }).then(function (r) { return r || []; }); },
    get: function (key) { return run("readonly", function (s) { return s.get(key); }); },
  };
})();
