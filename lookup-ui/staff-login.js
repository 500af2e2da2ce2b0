// staff-login.js: sign in, then go to ?next= (a path on this host) or
// show the staff home. The session cookie is HttpOnly: this script never
// sees it; it keeps only the CSRF token the daemon returns, for sign-out.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  let csrf = null;

  // Only a page of this daemon under /staff/ (not this one): resolved by
  // the browser's own URL parser, which drops tabs and newlines and reads
  // "\\" as "/", so "/\t/evil.example" is seen as the other host it would
  // open. The daemon refuses the same values (authhdr_next_valid).
  function nextUrl() {
    const n = new URLSearchParams(location.search).get('next');
    if (!n || n[0] !== '/' || n.length > 768 || /[\u0000-\u0020\u007f-\uffff\\]/.test(n)) return null;
    let u;
    try { u = new URL(n, location.origin); } catch (e) { return null; }
    if (u.origin !== location.origin || u.username || u.password ||
        !u.pathname.startsWith('/staff/') || u.pathname.startsWith('/staff/login')) return null;
    return u.href;
  }

  function showHome(s) {
    $('login').hidden = true;
    $('home').hidden = false;
    $('who').textContent = s.user;
    $('role').textContent = s.role;
    for (const li of $('pages').querySelectorAll('li')) {
      li.hidden = !li.dataset.roles.split(' ').includes(s.role);
    }
  }

  function showLogin(msg) {
    $('home').hidden = true;
    $('login').hidden = false;
    $('error').textContent = msg || '';
    $('user').focus();
  }

  function signedIn(s) {
    csrf = s.csrf;
    const n = nextUrl();
    if (n) location.replace(n);
    else showHome(s);
  }

  $('login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('submit').disabled = true;
    $('error').textContent = '';
    try {
      const r = await fetch('/api/v1/session', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: $('user').value, password: $('password').value }),
      });
      $('password').value = '';
      const j = await r.json().catch(() => ({}));
      if (r.ok) { signedIn(j); return; }
      if (r.status === 429) {
        const s = r.headers.get('Retry-After') || '?';
        showLogin('Sai quá nhiều lần, thử lại sau ' + s + ' giây · Too many failures, try again in ' + s + ' s');
      } else if (r.status === 403) {
        showLogin('Tài khoản đã bị khoá · This account is disabled');
      } else if (r.status === 401) {
        showLogin('Sai tên hoặc mật khẩu · Wrong user name or password');
      } else {
        showLogin((j.error && j.error.message) || ('HTTP ' + r.status));
      }
    } catch (e) {
      showLogin('Không kết nối được · Cannot reach the server');
    } finally {
      $('submit').disabled = false;
    }
  });

  $('logout').addEventListener('click', async () => {
    await fetch('/api/v1/session', {
      method: 'DELETE', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrf || '' },
    }).catch(() => {});
    csrf = null;
    showLogin('');
  });

  fetch('/api/v1/session', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null))
    .then((s) => { if (s) signedIn(s); else showLogin(''); })
    .catch(() => showLogin(''));
})();
