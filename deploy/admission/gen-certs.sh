#!/usr/bin/env bash
# Make the webhook's TLS material with openssl: a CA, and a serving
# certificate for the Service's DNS names signed by it; then write
# webhook.rendered.yaml with the CA in caBundle. With --apply, create the
# TLS Secret and apply the manifests with kubectl.
#
#   ./gen-certs.sh [--namespace bulkhead-admission] [--service bulkhead-admission]
#                  [--out ./certs] [--san IP:127.0.0.1]... [--days 365] [--apply]
set -euo pipefail

namespace=bulkhead-admission
service=bulkhead-admission
out=./certs
days=365
apply=false
extra_sans=()
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace="$2"; shift 2 ;;
    --service) service="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --san) extra_sans+=("$2"); shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --apply) apply=true; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "gen-certs.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

valid_name='^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'
[[ "$namespace" =~ $valid_name ]] || { echo "gen-certs.sh: --namespace $namespace is not a DNS label" >&2; exit 2; }
[[ "$service" =~ $valid_name ]] || { echo "gen-certs.sh: --service $service is not a DNS label" >&2; exit 2; }
[[ "$days" =~ ^[0-9]+$ ]] || { echo "gen-certs.sh: --days must be a number" >&2; exit 2; }
for san in "${extra_sans[@]+"${extra_sans[@]}"}"; do
  [[ "$san" =~ ^(DNS|IP):[A-Za-z0-9.:*-]+$ ]] || { echo "gen-certs.sh: --san $san must be DNS:name or IP:address" >&2; exit 2; }
done
command -v openssl >/dev/null || { echo "gen-certs.sh: openssl is not installed" >&2; exit 3; }

mkdir -p "$out"
umask 077
cd "$out"

sans="DNS:${service},DNS:${service}.${namespace},DNS:${service}.${namespace}.svc,DNS:${service}.${namespace}.svc.cluster.local"
for san in "${extra_sans[@]+"${extra_sans[@]}"}"; do sans="${sans},${san}"; done

ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days "$days" -subj "/CN=${service} admission CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req "${ec[@]}" -keyout tls.key -out tls.csr -subj "/CN=${service}.${namespace}.svc" 2>/dev/null
cat > tls.ext <<EXT
subjectAltName=${sans}
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature
basicConstraints=CA:FALSE
EXT
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out tls.crt -days "$days" -extfile tls.ext 2>/dev/null
rm -f tls.csr tls.ext ca.srl
openssl verify -CAfile ca.crt tls.crt >/dev/null

ca_bundle="$(base64 -w0 < ca.crt)"
sed -e "s|caBundle: \"\".*|caBundle: ${ca_bundle}|" \
    -e "s|namespace: bulkhead-admission|namespace: ${namespace}|" \
    -e "s|name: bulkhead-admission$|name: ${service}|" \
    -e "s|values: \[\"kube-system\", \"bulkhead-admission\"\]|values: [\"kube-system\", \"${namespace}\"]|" \
    "$here/webhook.yaml" > webhook.rendered.yaml
grep -q "caBundle: ${ca_bundle}" webhook.rendered.yaml || { echo "gen-certs.sh: could not patch caBundle into webhook.yaml" >&2; exit 1; }

echo "wrote $(pwd)/{ca.crt,ca.key,tls.crt,tls.key,webhook.rendered.yaml} (SANs: ${sans})"

if $apply; then
  command -v kubectl >/dev/null || { echo "gen-certs.sh: --apply needs kubectl" >&2; exit 3; }
  kubectl apply -f "$here/namespace.yaml"
  kubectl -n "$namespace" create secret tls "${service}-tls" --cert=tls.crt --key=tls.key --dry-run=client -o yaml | kubectl apply -f -
  kubectl apply -f "$here/serviceaccount.yaml" -f "$here/configmap.yaml" -f "$here/deployment.yaml" -f "$here/service.yaml"
  kubectl -n "$namespace" rollout status "deployment/${service}" --timeout=120s
  kubectl apply -f webhook.rendered.yaml
fi
