namespace Switchboard.Api.DevPhone;

/// <summary>The /dev/phone page: one self-contained HTML file, no external assets.</summary>
internal static class DevPhonePage
{
    public const string Html = """
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard dev phone</title>
<style>
  body { font-family: system-ui, sans-serif; background: #eef1f5; margin: 0; display: flex; justify-content: center; }
  main { width: 420px; max-width: 100%; background: #fff; min-height: 100vh; display: flex; flex-direction: column; }
  header { padding: 12px 16px; background: #1f3b57; color: #fff; }
  header h1 { font-size: 16px; margin: 0 0 8px; }
  header input { width: 100%; box-sizing: border-box; padding: 6px; border: 0; border-radius: 4px; }
  header fieldset { border: 0; padding: 0; margin: 8px 0 0; font-size: 13px; }
  header fieldset input { width: auto; }
  #thread { flex: 1; padding: 12px 16px; overflow-y: auto; }
  .bubble { max-width: 80%; padding: 8px 12px; border-radius: 14px; margin: 6px 0; white-space: pre-wrap; }
  .in { background: #2b7cd3; color: #fff; margin-left: auto; }
  .out { background: #e4e7eb; }
  .meta { font-size: 11px; color: #777; margin: 0 4px; }
  .in + .meta { text-align: right; }
  form { display: flex; gap: 8px; padding: 12px 16px; border-top: 1px solid #ddd; }
  form input { flex: 1; padding: 8px; }
  #status { font-size: 12px; color: #a33; padding: 0 16px 8px; min-height: 14px; }
</style>
</head>
<body>
<main>
  <header>
    <h1>Switchboard dev phone</h1>
    <label>Texting as <input id="phone" value="+15550100001" aria-label="phone number or email address" title="a number, or a registered employee's email address to write by email"></label>
    <fieldset id="channel" aria-label="channel">
      <label><input type="radio" name="channel" value="Sms" checked> SMS</label>
      <label><input type="radio" name="channel" value="WhatsApp"> WhatsApp</label>
    </fieldset>
  </header>
  <section id="thread" aria-live="polite"></section>
  <div id="status"></div>
  <form id="compose">
    <input id="body" placeholder="log 8h on Apollo today" autocomplete="off" aria-label="message">
    <button type="submit">Send</button>
  </form>
</main>
<script>
const thread = document.getElementById('thread');
const phone = document.getElementById('phone');
const status = document.getElementById('status');
// Why the last message was not sent: kept until the next send or another number, so the polling does not wipe it.
let sendError = '';

function bubble(text, cls, meta) {
  const b = document.createElement('div'); b.className = 'bubble ' + cls; b.textContent = text;
  const m = document.createElement('div'); m.className = 'meta'; m.textContent = meta;
  thread.append(b, m);
}

async function refresh() {
  const response = await fetch('/dev/phone/conversation?phone=' + encodeURIComponent(phone.value));
  if (!response.ok) { status.textContent = sendError || 'Not a phone number or a registered email address.'; return; }
  status.textContent = sendError;
  const view = await response.json();
  thread.replaceChildren();
  for (const turn of view.recentTurns) {
    bubble(turn.inbound, 'in', new Date(turn.receivedAt).toLocaleTimeString() + (turn.channel === 'Sms' ? '' : ' (' + turn.channel + ')'));
    if (turn.reply) bubble(turn.reply, 'out', turn.outcome + (turn.error ? ' - ' + turn.error : ''));
    else if (turn.outcome !== 'Answered') bubble('(' + turn.outcome + ')', 'out', '');
  }
  for (const pending of view.pending) {
    bubble(pending.body, 'in', view.currentTurn && view.currentTurn.messageSid === pending.messageSid
      ? 'working: ' + view.currentTurn.step : 'waiting');
  }
  if (view.optedOut) status.textContent = 'This number has opted out (text START to opt back in).';
}

document.getElementById('compose').addEventListener('submit', async e => {
  e.preventDefault();
  const body = document.getElementById('body');
  if (!body.value.trim()) return;
  const response = await fetch('/dev/phone/send', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    // An email address writes by email: the SMS / WhatsApp switch is for numbers.
    body: JSON.stringify({ from: phone.value, body: body.value,
      channel: phone.value.includes('@') ? null : document.querySelector('input[name=channel]:checked').value }) });
  if (!response.ok) { sendError = status.textContent = 'Not sent: ' + (await response.json()).detail; return; }
  sendError = '';
  body.value = '';
  refresh();
});
phone.addEventListener('change', () => { sendError = ''; refresh(); });
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
""";
}
