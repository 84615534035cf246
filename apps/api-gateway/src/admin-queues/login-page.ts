/**
 * The board's sign-in page: trades the caller's access token (typed in, or obtained from
 * POST /v1/auth/token with email and password) for the dashboard session cookie, then opens the board.
 * The token is only ever sent in an Authorization header, never put in a URL.
 */
export const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Muse queues: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.6rem 0 .2rem}
input,textarea,button{width:100%;box-sizing:border-box;padding:.45rem;font:inherit}button{margin-top:1rem}#error{color:#b00020;min-height:1.2em}</style>
</head><body>
<h1>Queue dashboard</h1>
<p>Administrators only. Sign in with your platform account, or paste an access token.</p>
<form id="f">
<label for="email">Email</label><input id="email" type="email" autocomplete="username">
<label for="password">Password</label><input id="password" type="password" autocomplete="current-password">
<label for="token">or access token</label><textarea id="token" rows="3"></textarea>
<button type="submit">Open the dashboard</button>
</form>
<p id="error" role="alert"></p>
<script>
document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault();
  const error = document.getElementById('error');
  error.textContent = '';
  let token = document.getElementById('token').value.trim();
  try {
    if (!token) {
      const r = await fetch('/v1/auth/token', { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: document.getElementById('email').value, password: document.getElementById('password').value }) });
      const body = await r.json();
      if (!r.ok) throw new Error(body.detail || 'sign-in failed');
      token = body.access_token;
    }
    const s = await fetch('session', { method: 'POST', headers: { authorization: 'Bearer ' + token } });
    if (!s.ok) throw new Error((await s.json()).detail || 'not allowed');
    location.href = './';
  } catch (err) { error.textContent = err.message; }
});
</script>
</body></html>`;
