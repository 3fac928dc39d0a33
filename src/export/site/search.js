// Walkout Archive exhibit: search over the index in search-index.js (window.WALKOUT_SEARCH),
// entirely in this page. Nothing is requested: the index arrives as a script, which browsers
// load from file://, where they refuse to request a JSON file. Words are folded as the export
// folded them (NFD, marks dropped, lowercase, a few unmarked letters spelled out): keep fold()
// in step with src/export/site/search_index.rs. Every word must match; the last may be the start of a word.
// Results are built as DOM nodes with textContent, so no archive text is ever read as markup.
(function () {
  'use strict';
  var data = window.WALKOUT_SEARCH;
  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var results = document.getElementById('results');
  var list = document.getElementById('results-list');
  var status = document.getElementById('results-status');
  var browse = document.getElementById('browse');
  var clear = document.getElementById('results-clear');
  var template = document.getElementById('row-template');
  if (!data || !form || !input || !results || !list || !status || !template) return;

  var PAGE = 50;
  var KIND_WORDS = { quote: 'Quote', photo: 'Photo', article: 'Article' };
  var UNMARKED = { 'ß': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'þ': 'th', 'ı': 'i' };
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var TOKEN = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
  var docs = data.docs;
  var terms = data.terms;
  var postings = data.postings;
  var baseTitle = document.title;

  function fold(text) {
    return text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[ßæœøłđðþı]/g, function (c) { return UNMARKED[c]; });
  }

  function words(text) {
    return fold(text).match(WORD) || [];
  }

  // The first term not less than `word` (terms are sorted in UTF-16 order, as JS compares).
  function lowerBound(word) {
    var lo = 0;
    var hi = terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (terms[mid] < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // Terms a query word finds, with how much a find counts: a whole word more than a prefix.
  function expand(word, prefix) {
    var found = [];
    for (var i = lowerBound(word); i < terms.length; i++) {
      if (terms[i] === word) found.push([i, 1]);
      else if (prefix && terms[i].indexOf(word) === 0) found.push([i, 0.75]);
      else break;
    }
    return found;
  }

  function search(query) {
    var qwords = words(query);
    if (!qwords.length) return null;
    var scores = null;
    qwords.forEach(function (word, n) {
      var found = new Map();
      expand(word, n === qwords.length - 1).forEach(function (hit) {
        var post = postings[hit[0]];
        var idf = Math.log(1 + docs.length / (post.length / 2));
        for (var k = 0; k < post.length; k += 2) {
          var score = idf * post[k + 1] * hit[1];
          if (!(found.get(post[k]) >= score)) found.set(post[k], score);
        }
      });
      if (scores === null) {
        scores = found;
      } else {
        var both = new Map();
        scores.forEach(function (score, doc) {
          if (found.has(doc)) both.set(doc, score + found.get(doc));
        });
        scores = both;
      }
    });
    var hits = [];
    scores.forEach(function (score, doc) { hits.push({ doc: doc, score: score }); });
    hits.sort(function (a, b) {
      return b.score - a.score || docs[b.doc].order - docs[a.doc].order || a.doc - b.doc;
    });
    return { words: qwords, hits: hits };
  }

  function matches(part, qwords) {
    var last = qwords.length - 1;
    for (var i = 0; i < qwords.length; i++) {
      if (part === qwords[i] || (i === last && part.indexOf(qwords[i]) === 0)) return true;
    }
    return false;
  }

  // Where the query's words sit in a text, as [start, end) ranges of the text as written.
  function ranges(text, qwords) {
    var out = [];
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      if (words(m[0]).some(function (part) { return matches(part, qwords); })) {
        out.push([m.index, m.index + m[0].length]);
      }
    }
    return out;
  }

  // Appends `text` to `el`, with the ranges wrapped in <mark>.
  function highlight(el, text, marks) {
    var at = 0;
    marks.forEach(function (r) {
      if (r[0] < at) return;
      el.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(r[0], r[1]);
      el.appendChild(mark);
      at = r[1];
    });
    el.appendChild(document.createTextNode(text.slice(at)));
  }

  // A window of about 220 characters of the first text that holds a hit, cut at spaces.
  function snippet(doc, qwords) {
    var chosen = null;
    for (var i = 0; i < doc.text.length && !chosen; i++) {
      var text = doc.text[i][1].replace(/\s+/g, ' ').trim();
      var marks = ranges(text, qwords);
      if (marks.length) chosen = { label: doc.text[i][0], text: text, marks: marks };
    }
    if (!chosen) return null;
    var text = chosen.text;
    var start = Math.max(0, chosen.marks[0][0] - 70);
    if (start > 0) {
      var space = text.indexOf(' ', start);
      start = space >= 0 && space < chosen.marks[0][0] ? space + 1 : start;
    }
    var end = Math.min(text.length, start + 220);
    if (end < text.length) {
      var back = text.lastIndexOf(' ', end);
      end = back > chosen.marks[0][1] ? back : end;
    }
    var marks = chosen.marks
      .filter(function (r) { return r[0] >= start && r[1] <= end; })
      .map(function (r) { return [r[0] - start, r[1] - start]; });
    return {
      label: chosen.label,
      text: (start > 0 ? '…' : '') + text.slice(start, end) + (end < text.length ? '…' : ''),
      marks: marks.map(function (r) { return start > 0 ? [r[0] + 1, r[1] + 1] : r; })
    };
  }

  function addMeta(meta, text, className) {
    if (meta.childNodes.length) {
      var sep = document.createElement('span');
      sep.className = 'sep';
      sep.setAttribute('aria-hidden', 'true');
      sep.textContent = '·';
      meta.appendChild(sep);
    }
    var span = document.createElement('span');
    if (className) span.className = className;
    span.textContent = text;
    meta.appendChild(span);
  }

  function row(doc, qwords) {
    var li = template.content.firstElementChild.cloneNode(true);
    var link = li.querySelector('a');
    link.setAttribute('href', doc.url);
    li.querySelector('use').setAttribute('href', '#i-' + doc.kind);
    var title = li.querySelector('.row-title');
    if (doc.kind === 'quote') {
      title.classList.add('reading');
      title.appendChild(document.createTextNode('“'));
      highlight(title, doc.title, ranges(doc.title, qwords));
      title.appendChild(document.createTextNode('”'));
    } else {
      highlight(title, doc.title, ranges(doc.title, qwords));
    }
    var cut = snippet(doc, qwords);
    var line = li.querySelector('.row-snippet');
    if (cut) {
      if (cut.label) {
        var label = document.createElement('span');
        label.className = 'snippet-label';
        label.textContent = cut.label + ': ';
        line.appendChild(label);
      }
      highlight(line, cut.text, cut.marks);
    } else {
      line.remove();
    }
    var meta = li.querySelector('.row-meta');
    addMeta(meta, KIND_WORDS[doc.kind] || doc.kind, 'kind-word');
    doc.meta.forEach(function (part) { addMeta(meta, part); });
    if (doc.date) addMeta(meta, doc.date, 'edtf');
    if (doc.thumb) {
      var img = document.createElement('img');
      img.className = 'row-thumb';
      img.src = doc.thumb;
      img.alt = '';
      img.loading = 'lazy';
      link.appendChild(img);
    }
    return li;
  }

  function showMore(found, from) {
    var old = document.getElementById('results-more');
    if (old) old.remove();
    found.hits.slice(from, from + PAGE).forEach(function (hit) {
      list.appendChild(row(docs[hit.doc], found.words));
    });
    if (found.hits.length > from + PAGE) {
      var more = document.createElement('button');
      more.type = 'button';
      more.id = 'results-more';
      more.className = 'more';
      more.textContent = 'Show more results';
      more.addEventListener('click', function () { showMore(found, from + PAGE); });
      results.appendChild(more);
    }
  }

  function run(query) {
    var found = search(query);
    list.textContent = '';
    var old = document.getElementById('results-more');
    if (old) old.remove();
    document.body.classList.toggle('searching', !!found);
    if (!found) {
      results.hidden = true;
      if (browse) browse.hidden = false;
      document.title = baseTitle;
      return;
    }
    results.hidden = false;
    if (browse) browse.hidden = true;
    var shown = query.trim();
    var n = found.hits.length;
    status.textContent = n
      ? n + (n === 1 ? ' result' : ' results') + ' for “' + shown + '”'
      : 'No items match “' + shown + '”. Try fewer words, or the start of a word.';
    status.classList.toggle('none', n === 0);
    document.title = 'Search: ' + shown + ' · ' + baseTitle;
    showMore(found, 0);
  }

  function queryFromUrl() {
    var fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('q');
    if (fromHash !== null) return fromHash;
    return new URLSearchParams(location.search).get('q') || '';
  }

  function remember(query) {
    try {
      history.replaceState(null, '', query.trim() ? '#q=' + encodeURIComponent(query.trim()) : location.pathname);
    } catch (e) {
      // Some browsers keep file:// pages from rewriting their address; the search still shows.
    }
  }

  var timer = 0;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      run(input.value);
      remember(input.value);
    }, 120);
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
    remember(input.value);
  });
  if (clear) {
    clear.addEventListener('click', function (event) {
      event.preventDefault();
      input.value = '';
      run('');
      remember('');
      input.focus();
    });
  }
  window.addEventListener('hashchange', function () {
    input.value = queryFromUrl();
    run(input.value);
  });
  document.addEventListener('keydown', function (event) {
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName);
    if (event.key === '/' && !typing) {
      event.preventDefault();
      input.focus();
    }
  });

  input.value = queryFromUrl();
  run(input.value);
})();
