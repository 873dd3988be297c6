#!/usr/bin/env bash
# Smoke test of deploy/k8s on a throwaway kind cluster, with a real daprd and a real MongoDB replica set:
# book, race 20 bookings for one slot (exactly one 201), cancel, see a reminder reach Mailpit, restart
# the app while notices go out (each arrives once), and call a cron route from another Dapr app (403).
# Needs docker, kind, kubectl, helm, curl and jq; takes about 10 minutes. Cannot run in this project's CI
# (no Docker there). KEEP=1 keeps the cluster afterwards (delete it with: kind delete cluster --name appointments-smoke).
#
#   deploy/smoke/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER=appointments-smoke
NS=appointments
export KUBECONFIG="$(mktemp)"
for tool in docker kind kubectl helm curl jq; do command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }; done

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ "${KEEP:-0}" = 1 ] && { echo "kept cluster $CLUSTER (KUBECONFIG=$KUBECONFIG)"; return; }
  kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  rm -f "$KUBECONFIG"
}
trap cleanup EXIT
step() { echo; echo "== $*"; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }
random() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 48; }

step "cluster, Dapr 1.18 and a MongoDB replica set"
kind create cluster --name "$CLUSTER" --wait 120s
helm repo add dapr https://dapr.github.io/helm-charts >/dev/null && helm repo update dapr >/dev/null
helm upgrade --install dapr dapr/dapr --version '~1.18.0' -n dapr-system --create-namespace --wait
kubectl create namespace "$NS"
kubectl config set-context --current --namespace "$NS" >/dev/null
MONGO_PASSWORD="$(random)"
helm install mongodb oci://registry-1.docker.io/bitnamicharts/mongodb -n "$NS" --wait --timeout 10m \
  --set architecture=replicaset --set replicaCount=3 --set arbiter.enabled=false --set replicaSetName=rs0 \
  --set tls.enabled=true --set tls.mTLS.enabled=false \
  --set "auth.usernames={appointments}" --set "auth.passwords={$MONGO_PASSWORD}" --set "auth.databases={appointments}"

step "images"
docker build -q -f "$ROOT/deploy/Dockerfile" -t appointments:smoke "$ROOT"
docker build -q -f "$ROOT/deploy/smoke/user-service.Dockerfile" -t user-service:smoke "$ROOT"
kind load docker-image appointments:smoke user-service:smoke --name "$CLUSTER"

step "secrets, components, app"
# tlsInsecure: this throwaway cluster's MongoDB has the chart's self-signed CA, which daprd does not trust
# (a real install uses a certificate daprd trusts: deploy/README.md, step 2). Mailpit on 1025 is the
# in-cluster relay the README allows instead of port 465.
kubectl create secret generic appointments-secrets \
  --from-literal=JWT_SECRET_KEY="$(random)" --from-literal=EMAIL_ADDRESS=clinic@example.com \
  --from-literal=MONGO_URI="mongodb://appointments:$MONGO_PASSWORD@mongodb-0.mongodb-headless:27017,mongodb-1.mongodb-headless:27017,mongodb-2.mongodb-headless:27017/appointments?replicaSet=rs0&authSource=appointments&tls=true&tlsInsecure=true" \
  --from-literal=EMAIL_PASSWORD=unused --from-literal=SMTP_HOST=mailpit --from-literal=SMTP_PORT=1025 \
  --from-literal=TWILIO_ACCOUNT_SID=unused --from-literal=TWILIO_AUTH_TOKEN=unused --from-literal=TWILIO_PHONE_NUMBER=+15550000000
kubectl create secret generic appointments-dapr-api-token --from-literal=token="$(random)"
kubectl create secret generic appointments-app-api-token --from-literal=token="$(random)"
kubectl apply -f "$ROOT/deploy/k8s/components/" -f "$ROOT/deploy/k8s/configuration.yaml" -f "$ROOT/deploy/k8s/resiliency.yaml"
kubectl apply -f "$ROOT/deploy/smoke/cluster.yaml"
sed 's|image: appointments:latest.*|image: appointments:smoke|; s|imagePullPolicy: IfNotPresent|imagePullPolicy: Never|' \
  "$ROOT/deploy/k8s/appointments.yaml" | kubectl apply -f -
# A short claim lease, so that a notice sent twice across a rollout would show within minutes, not ten.
kubectl set env deployment/appointments Notices__ClaimLease=00:01:00
kubectl rollout status deployment/user-service deployment/mailpit deployment/appointments --timeout 5m
kubectl wait --for=condition=Ready pod/intruder --timeout 5m

forward() { kubectl port-forward "svc/$1" "$2" >/dev/null 2>&1 & PIDS+=($!); }
# A port-forward follows one pod: after each rollout of the app, forward again.
APP_FORWARD=""
forward_app() {
  [ -z "$APP_FORWARD" ] || kill "$APP_FORWARD" 2>/dev/null || true
  kubectl port-forward svc/appointments 5001:80 >/dev/null 2>&1 & APP_FORWARD=$!; PIDS+=($!)
  sleep 3
}
forward_app; forward user-service 5002:5002; forward mailpit 8025:8025
sleep 3
API=http://127.0.0.1:5001
when() { date -u -d "+$1 hours" '+%Y-%m-%d %H:00:00'; }
book() { curl -s -o /dev/null -w '%{http_code}' -X POST "$API/api/appointments" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d "{\"doctor\":\"$1\",\"date_time\":\"$2\",\"email\":\"alice@example.com\"}"; }

step "book (the user check goes through Dapr service invocation)"
TOKEN="$(curl -fsS -X POST http://127.0.0.1:5002/api/auth/login -H 'Content-Type: application/json' \
  -d '{"username":"alice","password":"alice-password"}' | jq -r .access_token)"
[ "$(book dr-smoke "$(when 23)")" = 201 ] || fail "booking was not 201"

step "20 bookings race for one slot"
export -f book; export API TOKEN
SLOT="$(when 48)"
codes="$(seq 20 | xargs -P 20 -I{} bash -c "book dr-race '$SLOT'; echo" | sort | uniq -c)"
echo "$codes"
[ "$(echo "$codes" | awk '$2 == 201 { print $1 }')" = 1 ] || fail "not exactly one 201"
[ "$(echo "$codes" | awk '$2 != 201 && $2 != 409' | wc -l)" = 0 ] || fail "a racing booking got neither 201 nor 409"

step "cancel the winner"
RACED="$(curl -fsS "$API/api/appointments" -H "Authorization: Bearer $TOKEN" | jq -r '.[] | select(.doctor == "dr-race") | ._id')"
curl -fsS -X POST "$API/api/appointments/$RACED/cancel" -H "Authorization: Bearer $TOKEN" >/dev/null
[ "$(curl -fsS "$API/api/appointments/status/$RACED" -H "Authorization: Bearer $TOKEN" | jq -r .status)" = cancelled ] || fail "not cancelled"

step "the reminder reaches Mailpit (restarting the app: each replica scans at start-up)"
kubectl rollout restart deployment/appointments && kubectl rollout status deployment/appointments --timeout 5m
for _ in $(seq 60); do
  found="$(curl -fsS 'http://127.0.0.1:8025/api/v1/search?query=subject:%22Appointment%20Reminder%22' | jq .messages_count)" || found=0
  [ "$found" -ge 1 ] && break
  sleep 5
done
sleep 10
found="$(curl -fsS 'http://127.0.0.1:8025/api/v1/search?query=subject:%22Appointment%20Reminder%22' | jq .messages_count)"
[ "$found" = 1 ] || fail "expected one reminder in Mailpit, found $found"

step "a rollout while notices go out: each arrives once (the old pods finish and record their sends)"
forward_app
N=40
for i in $(seq "$N"); do
  code="$(curl -s -o /dev/null -w '%{http_code}' -X POST "$API/api/appointments" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' \
    -d "{\"doctor\":\"dr-rollout-$i\",\"date_time\":\"$(when $((72 + i)))\",\"email\":\"rollout-$i-patient@example.com\"}")"
  [ "$code" = 201 ] || fail "rollout booking $i was $code"
done
sleep 4 # the next notice-cron (every fifth second) starts sending
kubectl rollout restart deployment/appointments && kubectl rollout status deployment/appointments --timeout 5m
sleep 90 # past the one-minute lease: a claim left 'sending' would now be sent again
for i in $(seq "$N"); do
  n="$(curl -fsS "http://127.0.0.1:8025/api/v1/search?query=to:rollout-$i-patient@example.com" | jq .messages_count)"
  [ "$n" = 1 ] || fail "rollout-$i-patient@example.com received $n confirmations, expected 1"
done

step "a cron route invoked by another Dapr app is refused (accessControl; the app refuses it too)"
code="$(kubectl exec intruder -c curl -- curl -s -o /dev/null -w '%{http_code}' -X POST \
  http://localhost:3500/v1.0/invoke/appointments/method/reminder-cron)"
[ "$code" = 403 ] || fail "POST /reminder-cron from app id 'intruder' was $code, expected 403"

echo; echo "SMOKE PASSED"
