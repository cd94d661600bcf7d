/* Keeps the web app's pages current while `storyline watch` adds articles: the story list and a story
   page poll a small JSON listing (/live, /live/<id>) and show what arrived, and both mark what is new
   since the reader's last visit (remembered in localStorage, in this browser only). A file of its own
   (served as /static/live.js) so the pages need no inline script for it. Text from the server is
   only ever put in the page as text (textContent), never as markup. */
(function () {
  'use strict';
  var root = document.getElementById('live');
  if (!root || !window.fetch || !window.JSON) { return; }
  var EVERY = Number(root.dataset.every) || 15000;  // milliseconds between polls

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || 'null'); } catch (e) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage off: no marks */ }
  }
  function make(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function poll(url, handle) {
    function go() {
      fetch(url, {headers: {Accept: 'application/json'}, cache: 'no-store'})
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (data) { if (data) { handle(data); } })
        .catch(function () { /* the server is away for now: try again at the next turn */ })
        .then(function () { window.setTimeout(go, EVERY); });
    }
    go();
  }
  function plural(count, word) { return count + ' ' + word + (count === 1 ? '' : 's'); }

  function listPage() {
    var KEY = 'storyline:stories';
    var before = load(KEY);  // story id -> articles, as the reader last left this page; null: first visit
    var now = {};
    function badge(item, text) {
      var mark = item.querySelector('.new');
      if (!text) { if (mark) { mark.remove(); } return; }
      if (!mark) { mark = make('span', 'new'); item.insertBefore(mark, item.firstChild); }
      mark.textContent = text;
    }
    function show(data) {
      var list = document.querySelector('ul.stories');
      if (!list) {
        list = make('ul', 'stories');
        var empty = document.querySelector('main p.empty');
        if (empty) { empty.replaceWith(list); } else { root.after(list); }
      }
      data.stories.forEach(function (story) {
        var id = String(story.id);
        var item = list.querySelector('li.story-item[data-id="' + id + '"]');
        if (!item) {
          item = make('li', 'story-item');
          item.dataset.id = id;
          var link = make('a', null, story.title);
          link.href = '/story/' + encodeURIComponent(id);
          item.appendChild(link);
          item.appendChild(make('div', 'meta'));
        }
        var outlets = story.outlets.slice(0, 6).join(', ') + (story.outlets.length > 6 ? ' and ' + (story.outlets.length - 6) + ' more' : '');
        item.querySelector('.meta').textContent = plural(story.articles, 'article') + ' · ' +
          plural(story.outlets.length, 'outlet') + ': ' + outlets + ' · ' + String(story.last_seen).slice(0, 10);
        list.appendChild(item);  // in the server's order, the most recently seen first
        now[id] = story.articles;
        if (before !== null) {
          var had = before[id];
          badge(item, had === undefined ? 'new' : (story.articles > had ? '+' + (story.articles - had) + ' new' : ''));
        }
      });
    }
    window.addEventListener('pagehide', function () { save(KEY, now); });
    poll('/live', show);
  }

  function storyPage() {
    var id = root.dataset.story;
    var KEY = 'storyline:story:' + id;
    var known = (root.dataset.articles || '').split(' ').filter(Boolean);
    var before = load(KEY);  // the article ids the reader has seen; null: first visit
    var seen = {};
    (before === null ? known : before).forEach(function (article) { seen[article] = true; });
    var box = document.getElementById('live-new');
    var list = box && box.querySelector('ul');
    var all = {};
    function show(data) {
      data.articles.forEach(function (article) {
        all[article.id] = true;
        if (seen[article.id] || !list) { return; }
        seen[article.id] = true;
        var item = make('li', null);
        item.appendChild(make('b', null, article.source));
        item.appendChild(document.createTextNode(article.title ? ': ' + article.title : ''));
        if (article.published) { item.appendChild(make('span', 'meta', ' (' + article.published + ')')); }
        if (article.url) {
          var link = make('a', null, 'link');
          link.href = article.url;  // the server sends only http(s) addresses
          link.rel = 'noopener noreferrer';
          item.appendChild(document.createTextNode(' '));
          item.appendChild(link);
        }
        list.appendChild(item);
        box.hidden = false;
      });
      var count = document.getElementById('story-count');
      if (count) { count.textContent = plural(data.articles.length, 'article'); }
      // The page was served before its summary was made (or remade): bring it in once it is.
      var state = document.getElementById('summary-state');
      if (data.summary_ready && root.dataset.summary === 'preparing') {
        window.location.reload();
      } else if (data.summary_ready && root.dataset.summary === 'updating' && state) {
        state.textContent = 'A newer summary is ready: reload the page to see it.';
        delete root.dataset.summary;
      }
    }
    window.addEventListener('pagehide', function () {
      known.forEach(function (article) { all[article] = true; });
      save(KEY, Object.keys(all));
    });
    poll('/live/' + encodeURIComponent(id), show);
  }

  if (root.dataset.story) { storyPage(); } else { listPage(); }
}());
