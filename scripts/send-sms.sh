#!/usr/bin/env bash
# Texts Switchboard as Twilio would: a signed POST /twilio/sms.
#
#   scripts/send-sms.sh FROM "BODY" [MESSAGE_SID]
#   scripts/send-sms.sh +15550100001 "log 8h on Apollo today"
#   scripts/send-sms.sh +15550100001 ""          (an empty body is a valid SMS; the argument must be there)
#
# Environment: SWITCHBOARD_URL (default http://127.0.0.1:5000), TWILIO_AUTH_TOKEN (default: the
# Development token of src/Silo/appsettings.Development.json). Prints the status code and the time taken.
set -euo pipefail

from="${1:?usage: send-sms.sh FROM BODY [MESSAGE_SID]}"
body="${2?usage: send-sms.sh FROM BODY [MESSAGE_SID] (BODY may be empty: \"\")}"
sid="${3:-SM$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}"
url="${SWITCHBOARD_URL:-http://127.0.0.1:5000}/twilio/sms"
token="${TWILIO_AUTH_TOKEN:-switchboard-dev-auth-token}"
to="+15005550006"

# Twilio's signature: HMAC-SHA1 over the URL followed by each form key and value, keys sorted.
signature="$(printf '%s' "${url}Body${body}From${from}MessageSid${sid}To${to}" | openssl dgst -sha1 -hmac "$token" -binary | base64)"

curl -sS -o /dev/null -w "%{http_code} in %{time_total}s (MessageSid $sid)\n" \
    -H "X-Twilio-Signature: $signature" \
    --data-urlencode "Body=$body" --data-urlencode "From=$from" \
    --data-urlencode "MessageSid=$sid" --data-urlencode "To=$to" \
    "$url"
